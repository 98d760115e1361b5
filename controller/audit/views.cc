#include "controller/audit/views.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "controller/audit/audit_time.h"
#include "controller/audit/format.h"

namespace slo::controller::audit {
namespace {

using Json = nlohmann::json;

constexpr std::array<const char*, kSkipKinds> kSkipJsonKeys = {
    "blank", "nonJson", "otherType", "malformedJson", "truncated",
    "overLong", "invalidUtf8", "invalidDecision", "duplicate"};

// Buffered writes: one fwrite per ~64 KiB.
class Out {
 public:
  explicit Out(std::FILE* f) : f_(f) {}
  ~Out() { Flush(); }
  fmt::memory_buffer& buf() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() > (1 << 16)) Flush();
  }
  void Flush() {
    std::fwrite(buf_.data(), 1, buf_.size(), f_);
    buf_.clear();
  }

 private:
  std::FILE* f_;
  fmt::memory_buffer buf_;
};

void Pad(fmt::memory_buffer& b, std::string_view s, size_t width, size_t extra_bytes = 0) {
  b.append(s.data(), s.data() + s.size());
  const size_t visible = s.size() - extra_bytes;
  for (size_t i = visible; i < width; ++i) b.push_back(' ');
  b.push_back(' ');
}

void AppendInput(fmt::memory_buffer& b, const char* name, double v, const char* unit) {
  if (b.size() > 0 && b[b.size() - 1] != ' ') b.push_back(' ');
  fmt::format_to(std::back_inserter(b), "{}={}{}", name, Has(v) ? FormatNumber(v) : "n/a",
                 Has(v) ? unit : "");
}

const char* AppliedCell(const AuditRecord& r) {
  if (r.actuated) return "yes";
  if (r.dry_run) return "dry-run";
  return r.current_replicas == r.desired_replicas ? "-" : "no";
}

std::string Count(int32_t n) { return n < 0 ? "?" : std::to_string(n); }

}  // namespace

uint64_t WriteTable(const LogData& data, const std::vector<IntegrityEvent>& events,
                    const ListFilter& filter, std::FILE* out) {
  size_t target_w = 6, reason_w = 6, model_w = 5;
  std::vector<bool> seen(data.strings.size(), false);
  for (const auto& r : data.records) {
    if (seen[r.target] && seen[r.reason] && seen[r.binding_model]) continue;
    seen[r.target] = seen[r.reason] = seen[r.binding_model] = true;
    target_w = std::max(target_w, data.strings.Get(r.target).size());
    reason_w = std::max(reason_w, data.strings.Get(r.reason).size());
    model_w = std::max(model_w, data.strings.Get(r.binding_model).size());
  }
  Out o(out);
  auto& b = o.buf();
  Pad(b, "TIME", 24);
  Pad(b, "TARGET", target_w);
  Pad(b, "REPLICAS", 9);
  Pad(b, "REASON", reason_w);
  Pad(b, "MODEL", model_w);
  Pad(b, "APPLIED", 7);
  b.append(std::string_view("INPUTS\n"));
  size_t next_event = 0;
  uint64_t rows = 0;
  for (size_t i = 0; i < data.records.size(); ++i) {
    while (next_event < events.size() && events[next_event].record <= i) {
      fmt::format_to(std::back_inserter(b), "! {}: {}\n",
                     IntegrityKindName(events[next_event].kind), events[next_event].message);
      ++next_event;
    }
    const AuditRecord& r = data.records[i];
    if (!filter.Matches(r)) continue;
    ++rows;
    Pad(b, FormatRfc3339Ms(r.ts_ms), 24);
    Pad(b, data.strings.Get(r.target), target_w);
    Pad(b, Count(r.current_replicas) + " → " + Count(r.desired_replicas), 9, 2);
    Pad(b, data.strings.Get(r.reason), reason_w);
    const std::string& model = data.strings.Get(r.binding_model);
    Pad(b, model.empty() ? "-" : model, model_w);
    Pad(b, AppliedCell(r), 7);
    AppendInput(b, "rate", r.arrival_rate_rps, "/s");
    AppendInput(b, "queue", r.queue_depth, "");
    AppendInput(b, "inFlight", r.in_flight, "");
    AppendInput(b, "svc", r.service_time_s, "s");
    AppendInput(b, "lat", r.latency_s, "s");
    b.push_back('\n');
    o.MaybeFlush();
  }
  for (; next_event < events.size(); ++next_event) {
    fmt::format_to(std::back_inserter(b), "! {}: {}\n",
                   IntegrityKindName(events[next_event].kind), events[next_event].message);
  }
  return rows;
}

uint64_t WriteJson(const LogData& data, const std::vector<IntegrityEvent>& events,
                   const ListFilter& filter, std::FILE* out) {
  Out o(out);
  auto& b = o.buf();
  b.append(std::string_view("{\"decisions\": ["));
  uint64_t n = 0;
  for (const auto& r : data.records) {
    if (!filter.Matches(r)) continue;
    b.append(std::string_view(n == 0 ? "\n  " : ",\n  "));
    b.append(std::string_view(r.raw));
    ++n;
    o.MaybeFlush();
  }
  b.append(std::string_view(n == 0 ? "],\n" : "\n],\n"));
  const std::string integrity = IntegrityJson(data, events).dump(-1, ' ', false, Json::error_handler_t::replace);
  const std::string input = InputJson(data).dump(-1, ' ', false, Json::error_handler_t::replace);
  fmt::format_to(std::back_inserter(b), "\"integrity\": {},\n\"input\": {}}}\n", integrity, input);
  return n;
}

Json InputJson(const LogData& data) {
  Json skipped = Json::object();
  for (size_t k = 0; k < kSkipKinds; ++k) skipped[kSkipJsonKeys[k]] = data.skipped[k];
  Json examples = Json::object();
  for (size_t k = 0; k < kSkipKinds; ++k) {
    const SkipExample& ex = data.examples[k];
    if (!ex.set) continue;
    examples[kSkipJsonKeys[k]] = {{"where", ex.where}, {"detail", ex.detail}};
  }
  return {{"files", data.inputs},
          {"lines", data.lines},
          {"bytes", data.bytes},
          {"decisions", data.records.size()},
          {"skipped", skipped},
          {"firstSkipped", examples}};
}

Json IntegrityJson(const LogData& data, const std::vector<IntegrityEvent>& events) {
  Json arr = Json::array();
  for (const auto& e : events) {
    Json j = {{"kind", IntegrityKindName(e.kind)},
              {"ts", FormatRfc3339Ms(e.ts_ms)},
              {"previousTs", FormatRfc3339Ms(e.prev_ts_ms)},
              {"message", e.message}};
    if (e.target != 0) j["target"] = data.strings.Get(e.target);
    if (e.expected >= 0) j["expectedReplicas"] = e.expected;
    if (e.found >= 0) j["foundReplicas"] = e.found;
    arr.push_back(std::move(j));
  }
  return arr;
}

void WriteSummaryTable(const LogData& data, const std::vector<TargetSummary>& summaries,
                       const std::vector<IntegrityEvent>& events, std::FILE* out) {
  Out o(out);
  auto& b = o.buf();
  size_t target_w = 6;
  for (const auto& s : summaries) target_w = std::max(target_w, data.strings.Get(s.target).size());
  Pad(b, "TARGET", target_w);
  b.append(std::string_view(
      "DECISIONS  FROM                      TO                        REPLICAS  UP  DOWN  "
      "UNAPPLIED  FLAPS  GAPS  AT-MAX          METRICS-MISSING  TOP REASONS\n"));
  for (const auto& s : summaries) {
    Pad(b, data.strings.Get(s.target), target_w);
    auto pct = [&](int64_t ms) {
      const double p = s.in_force_ms > 0 ? 100.0 * static_cast<double>(ms) / s.in_force_ms : 0;
      return FormatDurationMs(ms) + " (" + FormatNumber(p) + "%)";
    };
    std::vector<std::pair<std::string, uint64_t>> reasons(s.reasons.begin(), s.reasons.end());
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const auto& a, const auto& c) { return a.second > c.second; });
    std::string top;
    for (size_t i = 0; i < reasons.size() && i < 3; ++i) {
      top += (i ? ", " : "") + reasons[i].first + " " + std::to_string(reasons[i].second);
    }
    fmt::format_to(std::back_inserter(b),
                   "{:<10} {:<25} {:<25} {:<9} {:<3} {:<5} {:<10} {:<6} {:<5} {:<15} {:<16} {}\n",
                   s.decisions, FormatRfc3339Ms(s.first_ms), FormatRfc3339Ms(s.last_ms),
                   Count(s.min_replicas) + "-" + Count(s.max_replicas), s.scale_ups,
                   s.scale_downs, s.unapplied, s.flaps, s.gaps, pct(s.at_max_ms),
                   pct(s.metrics_missing_ms), top);
    o.MaybeFlush();
  }
  uint64_t leaders = 0, versions = 0;
  for (const auto& e : events) {
    if (e.kind == IntegrityEvent::Kind::kLeaderChange) ++leaders;
    if (e.kind == IntegrityEvent::Kind::kVersionChange) ++versions;
  }
  fmt::format_to(std::back_inserter(b), "controller: {} leader change(s), {} version change(s)\n",
                 leaders, versions);
  for (const auto& e : events) {
    if (e.kind == IntegrityEvent::Kind::kLeaderChange ||
        e.kind == IntegrityEvent::Kind::kVersionChange) {
      fmt::format_to(std::back_inserter(b), "! {}: {}\n", IntegrityKindName(e.kind), e.message);
    }
  }
}

Json SummaryJson(const LogData& data, const std::vector<TargetSummary>& summaries,
                 const std::vector<IntegrityEvent>& events) {
  Json targets = Json::array();
  for (const auto& s : summaries) {
    targets.push_back({{"target", data.strings.Get(s.target)},
                       {"decisions", s.decisions},
                       {"from", FormatRfc3339Ms(s.first_ms)},
                       {"to", FormatRfc3339Ms(s.last_ms)},
                       {"minReplicas", s.min_replicas},
                       {"maxReplicas", s.max_replicas},
                       {"scaleUps", s.scale_ups},
                       {"scaleDowns", s.scale_downs},
                       {"unapplied", s.unapplied},
                       {"flaps", s.flaps},
                       {"gaps", s.gaps},
                       {"inForceSeconds", s.in_force_ms / 1000.0},
                       {"atMaxSeconds", s.at_max_ms / 1000.0},
                       {"metricsMissingSeconds", s.metrics_missing_ms / 1000.0},
                       {"reasons", s.reasons}});
  }
  return {{"targets", targets},
          {"integrity", IntegrityJson(data, events)},
          {"input", InputJson(data)}};
}

}  // namespace slo::controller::audit
