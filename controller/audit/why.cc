#include "controller/audit/why.h"

#include <algorithm>

#include "controller/audit/audit_time.h"
#include "controller/audit/format.h"

namespace slo::controller::audit {
namespace {

using Json = nlohmann::json;

std::optional<double> Num(const Json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<int32_t> Int(const Json& j, const char* key) {
  auto v = Num(j, key);
  if (!v || !(*v >= -2147483648.0 && *v <= 2147483647.0)) return std::nullopt;
  return static_cast<int32_t>(*v);
}

std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json& Obj(const Json& j, const char* key) {
  static const Json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it != j.end() ? *it : kNull;
}

std::string Replicas(int32_t n) { return n < 0 ? "?" : std::to_string(n); }

std::string Arrow(const AuditRecord& r) {
  return Replicas(r.current_replicas) + " → " + Replicas(r.desired_replicas);
}

std::string Applied(const AuditRecord& r) {
  if (r.actuated) return "applied";
  if (r.dry_run) return "dry run: not applied";
  return r.current_replicas == r.desired_replicas ? "nothing to apply" : "not applied";
}

std::string Percent(double fraction) { return FormatNumber(fraction * 100) + "%"; }

// "12.4 req/s arriving, 1.1 s mean service time, ..." (missing inputs named as missing).
std::string InputsSentence(const AuditRecord& r, const DecisionDetail& d) {
  std::vector<std::string> parts;
  std::vector<std::string> missing;
  auto add = [&](double v, const std::string& text, const char* name) {
    if (Has(v)) {
      parts.push_back(text);
    } else {
      missing.push_back(name);
    }
  };
  add(r.arrival_rate_rps, FormatNumber(r.arrival_rate_rps) + " req/s arriving", "arrival rate");
  add(r.service_time_s, FormatNumber(r.service_time_s) + " s mean service time", "service time");
  add(r.queue_depth, FormatNumber(r.queue_depth) + " queued", "queue depth");
  add(r.in_flight, FormatNumber(r.in_flight) + " in flight", "in-flight");
  std::string latency = FormatNumber(r.latency_s) + " s measured latency";
  if (d.latency_percentile) {
    latency = "p" + FormatNumber(*d.latency_percentile) + " " +
              (d.latency_metric.empty() ? "latency" : d.latency_metric) + " " +
              FormatNumber(r.latency_s) + " s";
  }
  add(r.latency_s, latency, "latency");
  add(r.sample_age_s, "samples " + FormatNumber(r.sample_age_s) + " s old", "sample age");
  if (d.ready_replicas) parts.push_back(std::to_string(*d.ready_replicas) + " replicas ready");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  if (!missing.empty()) {
    std::string m;
    for (const auto& p : missing) m += (m.empty() ? "" : ", ") + p;
    out += (out.empty() ? "" : "; ") + std::string("missing: ") + m;
  }
  return out;
}

std::string ModelLine(const ModelDetail& m) {
  if (!m.note.empty()) return m.note;
  if (!m.missing_inputs.empty()) {
    std::string s = "no answer: missing ";
    for (size_t i = 0; i < m.missing_inputs.size(); ++i) s += (i ? ", " : "") + m.missing_inputs[i];
    return s;
  }
  std::string s;
  for (const auto& [k, v] : m.detail) s += (s.empty() ? "" : ", ") + k + " " + FormatNumber(v);
  return s;
}

std::string ShortDecision(const LogData& data, const AuditRecord& r) {
  return FormatClock(r.ts_ms) + " " + Arrow(r) + " " + data.strings.Get(r.reason) + " (" +
         Applied(r) + ")";
}

}  // namespace

DecisionDetail ParseDetail(const std::string& raw) {
  DecisionDetail d;
  const Json j = Json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return d;
  if (auto it = j.find("models"); it != j.end() && it->is_array()) {
    for (const Json& m : *it) {
      if (!m.is_object()) continue;
      ModelDetail md;
      md.name = Str(m, "name");
      md.replicas = Int(m, "replicas");
      md.note = Str(m, "note");
      if (const Json& det = Obj(m, "detail"); det.is_object()) {
        for (const auto& [k, v] : det.items()) {
          md.detail.emplace_back(k, v.is_number() ? v.get<double>() : kMissing);
        }
      }
      if (const Json& mi = Obj(m, "missingInputs"); mi.is_array()) {
        for (const Json& s : mi) {
          if (s.is_string()) md.missing_inputs.push_back(s.get<std::string>());
        }
      }
      d.models.push_back(std::move(md));
    }
  }
  if (const Json& l = Obj(j, "limits"); l.is_array()) {
    for (const Json& s : l) {
      if (s.is_string()) d.limits.push_back(s.get<std::string>());
    }
  }
  d.message = Str(j, "message");
  const Json& slo = Obj(j, "slo");
  d.latency_threshold_s = Num(slo, "latencyThresholdSeconds");
  d.latency_percentile = Num(slo, "latencyPercentile");
  d.latency_metric = Str(slo, "latencyMetric");
  d.target_utilization = Num(slo, "targetUtilization");
  const Json& overload = Obj(j, "overload");
  d.overload_shortfall = Int(overload, "shortfallReplicas");
  d.overload_shed_fraction = Num(overload, "shedFraction");
  const Json& pool = Obj(j, "nodePool");
  d.current_nodes = Int(pool, "currentNodes");
  d.desired_nodes = Int(pool, "desiredNodes");
  d.ready_replicas = Int(Obj(j, "inputs"), "readyReplicas");
  const Json& target = Obj(j, "target");
  d.target_kind = Str(target, "kind");
  d.target_name = Str(target, "name");
  return d;
}

std::optional<size_t> DecisionInForce(const LogData& data, uint32_t target, int64_t at_ms) {
  const auto& recs = data.records;
  // Records are sorted by ts: find the first after at_ms, then walk back to the target.
  auto it = std::upper_bound(recs.begin(), recs.end(), at_ms,
                             [](int64_t t, const AuditRecord& r) { return t < r.ts_ms; });
  while (it != recs.begin()) {
    --it;
    if (it->target == target) return static_cast<size_t>(it - recs.begin());
  }
  return std::nullopt;
}

Explanation Explain(const LogData& data, size_t index, int64_t at_ms) {
  const AuditRecord& r = data.records[index];
  const DecisionDetail d = ParseDetail(r.raw);
  const std::string& target = data.strings.Get(r.target);
  const std::string& binding = data.strings.Get(r.binding_model);
  Explanation ex;

  // Headline: the load sentence (Little's law), the binding model's note, the limits.
  std::vector<std::string> because;
  const ModelDetail* binding_model = nullptr;
  const ModelDetail* littles = nullptr;
  for (const auto& m : d.models) {
    if (!binding.empty() && m.name == binding) binding_model = &m;
    if (m.name == "littlesLaw") littles = &m;
  }
  if (littles != nullptr && !littles->note.empty() && littles != binding_model) {
    because.push_back(littles->note);
  } else if (littles == nullptr && Has(r.arrival_rate_rps) && Has(r.service_time_s)) {
    because.push_back(FormatNumber(r.arrival_rate_rps) + " req/s × " +
                      FormatNumber(r.service_time_s) + " s = " +
                      FormatNumber(r.arrival_rate_rps * r.service_time_s) + " busy slots");
  }
  if (binding_model != nullptr && !ModelLine(*binding_model).empty()) {
    because.push_back(ModelLine(*binding_model));
  }
  if (!d.limits.empty()) {
    std::string l;
    for (const auto& s : d.limits) l += (l.empty() ? "" : ", ") + s;
    because.push_back("limited by " + l);
  }
  std::string because_text;
  for (const auto& b : because) because_text += (because_text.empty() ? "" : "; ") + b;
  if (because_text.empty()) because_text = d.message;
  ex.headline = FormatClock(r.ts_ms) + " " + target + " " + Arrow(r) + ": " + because_text +
                " [" + data.strings.Get(r.reason) + ", " + Applied(r) + "]";

  std::string t;
  t += target + " at " + FormatRfc3339Ms(at_ms) + ": the decision in force was made at " +
       FormatRfc3339Ms(r.ts_ms) + " (" + FormatDurationMs(at_ms - r.ts_ms) + " earlier)\n";
  t += "  " + ex.headline + "\n";
  t += "  inputs:  " + InputsSentence(r, d) + "\n";
  if (d.latency_threshold_s) {
    t += "  SLO:     " + (d.latency_percentile ? FormatNumber(*d.latency_percentile) : "?") +
         "% of requests within " + FormatNumber(*d.latency_threshold_s) + " s" +
         (d.latency_metric.empty() ? "" : " (" + d.latency_metric + ")");
    if (d.target_utilization) t += ", target utilisation " + Percent(*d.target_utilization);
    t += "\n";
  }
  if (!d.models.empty()) {
    t += "  models:\n";
    std::vector<const ModelDetail*> order;
    if (binding_model != nullptr) order.push_back(binding_model);
    for (const auto& m : d.models) {
      if (&m != binding_model) order.push_back(&m);
    }
    size_t width = 0;
    for (const auto* m : order) width = std::max(width, m->name.size());
    for (const auto* m : order) {
      std::string name = m->name;
      name.resize(width, ' ');
      const std::string n = m->replicas ? std::to_string(*m->replicas) : "-";
      t += "    " + name + " " + std::string(n.size() < 4 ? 4 - n.size() : 0, ' ') + n +
           (m == binding_model ? "  binding  " : "           ") + ModelLine(*m) + "\n";
    }
  }
  t += "  then:    recommended " + Replicas(r.recommended_replicas) + "; limits that bit: " +
       (d.limits.empty() ? std::string("none") : [&] {
         std::string l;
         for (const auto& s : d.limits) l += (l.empty() ? "" : ", ") + s;
         return l;
       }()) +
       "; desired " + Replicas(r.desired_replicas) + " (" + data.strings.Get(r.reason) + ", " +
       Applied(r) + ")\n";
  if (d.overload_shortfall) {
    t += "  overload: " + std::to_string(*d.overload_shortfall) + " replicas short";
    if (d.overload_shed_fraction) {
      t += "; " + Percent(*d.overload_shed_fraction) +
           " of arrivals cannot be served within the SLO";
    }
    t += "\n";
  }
  if (d.current_nodes && d.desired_nodes) {
    t += "  nodes:   " + std::to_string(*d.current_nodes) + " → " +
         std::to_string(*d.desired_nodes) + "\n";
  }
  if (!d.message.empty()) t += "  message: " + d.message + "\n";
  const std::string& version = data.strings.Get(r.version);
  const std::string& commit = data.strings.Get(r.commit);
  const std::string& instance = data.strings.Get(r.instance);
  const std::string& source = data.strings.Get(r.source);
  t += "  logged by " + (source.empty() ? std::string("controller") : source) +
       (version.empty() ? "" : " " + version) + (commit.empty() ? "" : " (" + commit + ")") +
       (instance.empty() ? "" : " on " + instance) + " at " + data.inputs[r.file] + ":" +
       std::to_string(r.line) + "\n";
  const AuditRecord* prev = nullptr;
  const AuditRecord* next = nullptr;
  for (size_t i = index; i-- > 0;) {
    if (data.records[i].target == r.target) {
      prev = &data.records[i];
      break;
    }
  }
  for (size_t i = index + 1; i < data.records.size(); ++i) {
    if (data.records[i].target == r.target) {
      next = &data.records[i];
      break;
    }
  }
  if (prev != nullptr) t += "  before:  " + ShortDecision(data, *prev) + "\n";
  t += "  after:   " + (next != nullptr ? ShortDecision(data, *next)
                                        : std::string("no later decision in this log")) + "\n";
  ex.text = std::move(t);

  Json j = Json::object();
  j["at"] = FormatRfc3339Ms(at_ms);
  j["target"] = target;
  j["headline"] = ex.headline;
  j["explanation"] = ex.text;
  j["file"] = data.inputs[r.file];
  j["line"] = r.line;
  Json rec = Json::parse(r.raw, nullptr, false);
  j["decision"] = rec.is_discarded() ? Json(nullptr) : std::move(rec);
  ex.json = std::move(j);
  return ex;
}

Explanation ExplainNone(const LogData& data, uint32_t target, int64_t at_ms) {
  Explanation ex;
  const std::string& name = data.strings.Get(target);
  std::string first;
  for (const auto& r : data.records) {
    if (r.target == target) {
      first = FormatRfc3339Ms(r.ts_ms);
      break;
    }
  }
  ex.headline = name + ": no decision at or before " + FormatRfc3339Ms(at_ms) +
                (first.empty() ? "" : " (the first is at " + first + ")");
  ex.text = ex.headline + "\n";
  ex.json = {{"at", FormatRfc3339Ms(at_ms)}, {"target", name}, {"headline", ex.headline},
             {"decision", nullptr}};
  return ex;
}

}  // namespace slo::controller::audit
