#include "controller/audit/filter.h"

#include <fnmatch.h>

#include <algorithm>

#include "controller/audit/audit_time.h"
#include "policies/decision.h"

namespace slo::controller::audit {

int64_t TimeArg::Resolve(int64_t log_end_ms) const {
  switch (kind) {
    case Kind::kAbsolute: return ms;
    case Kind::kClock: return StartOfDayMs(log_end_ms) + ms;
    case Kind::kBeforeEnd: return log_end_ms - ms;
  }
  return ms;
}

TimeArgResult ParseTimeArg(std::string_view text, std::string_view flag) {
  TimeArgResult out;
  if (auto abs = ParseRfc3339Ms(text)) {
    out.arg = TimeArg{TimeArg::Kind::kAbsolute, *abs};
  } else if (auto clock = ParseClockMs(text)) {
    out.arg = TimeArg{TimeArg::Kind::kClock, *clock};
  } else if (auto dur = ParseDurationMs(text)) {
    out.arg = TimeArg{TimeArg::Kind::kBeforeEnd, *dur};
  } else {
    out.error = std::string(flag) + " \"" + std::string(text.substr(0, 80)) +
                "\": want an RFC 3339 time (2026-11-23T17:31:02Z), a time of day (10:32:05) "
                "or a duration before the log's end (90s, 30m, 2h, 1h30m)";
  }
  return out;
}

bool TargetMatches(std::string_view pattern, const std::string& target) {
  const std::string pat(pattern);
  if (pat.find('/') == std::string::npos) {
    const size_t slash = target.find('/');
    const std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
    return ::fnmatch(pat.c_str(), name.c_str(), 0) == 0;
  }
  return ::fnmatch(pat.c_str(), target.c_str(), 0) == 0;
}

void Select(const Selection& sel, LogData& data) {
  auto& recs = data.records;
  if (recs.empty()) return;
  const int64_t end_ms = recs.back().ts_ms;
  const int64_t since = sel.since ? sel.since->Resolve(end_ms) : INT64_MIN;
  const int64_t until = sel.until ? sel.until->Resolve(end_ms) : INT64_MAX;
  // Decide once per interned target, not once per record.
  std::vector<int8_t> keep_target(data.strings.size(), -1);
  auto keep = [&](const AuditRecord& r) {
    if (r.ts_ms < since || r.ts_ms > until) return false;
    if (sel.targets.empty()) return true;
    int8_t& k = keep_target[r.target];
    if (k < 0) {
      k = 0;
      for (const auto& p : sel.targets) {
        if (TargetMatches(p, data.strings.Get(r.target))) k = 1;
      }
    }
    return k == 1;
  };
  recs.erase(std::remove_if(recs.begin(), recs.end(), [&](const AuditRecord& r) { return !keep(r); }),
             recs.end());
}

bool ListFilter::Matches(const AuditRecord& r) const {
  if (actuated_only && !r.actuated) return false;
  if (reasons.empty()) return true;
  return std::find(reasons.begin(), reasons.end(), r.reason) != reasons.end();
}

std::string ParseReasons(std::string_view text, StringTable& strings, ListFilter* filter) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view code = text.substr(pos, comma - pos);
    while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
    while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
    if (!code.empty()) {
      if (!policies::ParseReason(code)) {
        std::string known;
        for (policies::Reason r : policies::AllReasons()) {
          known += (known.empty() ? "" : ", ") + std::string(policies::ReasonName(r));
        }
        return "--reason \"" + std::string(code) + "\" is not a reason code; known: " + known;
      }
      filter->reasons.push_back(strings.Intern(code));
    }
    pos = comma + 1;
  }
  if (filter->reasons.empty()) return "--reason: no reason code given";
  return "";
}

}  // namespace slo::controller::audit
