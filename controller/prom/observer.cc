#include "controller/prom/observer.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "controller/prom/estimates.h"
#include "controller/prom/presets.h"
#include "controller/prom/selector.h"

namespace slo::controller::prom {
namespace {

// Per-request working state.
struct Member {
  const ObserveRequest* request = nullptr;
  std::string url;
  std::map<std::string, std::string> labels;  // selector labels incl. namespace under isolation
  ObservationResult result;
  // Raw template results, by template input name.
  std::map<std::string, std::optional<double>> values;
  std::vector<std::pair<double, double>> buckets;
  bool buckets_seen = false;
};

// One batched query: a template for one URL and one selector label set.
struct Group {
  std::string url;
  QueryTemplate tmpl;
  std::vector<std::string> by;
  double quantile = 0.99;
  std::vector<size_t> members;
};

// Which preset templates a custom query for `input` replaces.
bool OverriddenBy(const std::string& tmpl_input, const std::map<std::string, std::string>& q) {
  auto has = [&](std::string_view k) { return q.count(std::string(k)) > 0; };
  if (tmpl_input == kCompletionRate || tmpl_input == kBacklogGrowth) return has(kArrivalRate);
  return has(tmpl_input);
}

bool Finite(const std::optional<double>& v) { return v.has_value() && std::isfinite(*v); }

std::string GroupMatchers(const Group& g, const std::vector<Member>& members) {
  std::vector<Matcher> ms;
  for (const auto& label : g.by) {
    std::set<std::string> values;
    for (size_t i : g.members) values.insert(members[i].labels.at(label));
    if (values.size() == 1) {
      ms.push_back({label, "=", *values.begin()});
    } else {
      std::string alt;
      for (const auto& v : values) {
        if (!alt.empty()) alt += "|";
        alt += RegexEscape(v);
      }
      ms.push_back({label, "=~", alt});
    }
  }
  return FormatMatchers(ms);
}

bool SeriesMatches(const Sample& s, const Member& m) {
  for (const auto& [k, v] : m.labels) {
    auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}

void NoteError(Member* m, const std::string& what, const QueryResult& r) {
  if (m->result.prometheus_error.empty()) {
    m->result.prometheus_error = what + ": " + r.error_type + ": " + r.error;
  }
}

InputDiagnostic& Diag(Member* m, std::string_view input) {
  return m->result.inputs[std::string(input)];
}

// Sets status/value for a scalar-per-member input from a raw value.
void SetValue(InputDiagnostic* d, const std::optional<double>& v) {
  d->value = v;
  if (Finite(v)) {
    d->status = InputStatus::kOk;
  } else if (d->status != InputStatus::kError) {
    d->status = InputStatus::kMissing;
    d->error = v.has_value() ? "non-finite value (no traffic in the window?)" : "empty result";
  }
}

}  // namespace

std::string_view InputStatusName(InputStatus s) {
  switch (s) {
    case InputStatus::kOk:
      return "ok";
    case InputStatus::kMissing:
      return "missing";
    case InputStatus::kStale:
      return "stale";
    case InputStatus::kError:
      return "error";
  }
  return "missing";
}

ObserveRequest RequestFor(const InferenceAutoscaler& a, std::string key) {
  ObserveRequest r;
  r.key = std::move(key);
  r.namespace_ = a.meta.namespace_;
  r.name = a.meta.name;
  r.metrics = a.metrics;
  r.latency_metric = a.config.slo.latency_metric;
  r.latency_percentile = a.config.slo.latency_percentile;
  r.max_sample_age_s = a.config.max_sample_age_s;
  return r;
}

std::map<std::string, ObservationResult> MetricsObserver::ObservePass(
    const std::vector<ObserveRequest>& requests, double now_s) {
  int queries = 0;
  std::vector<Member> members(requests.size());
  std::map<std::string, Group> groups;  // key: url + rendered template without matchers
  struct Custom {
    size_t member;
    std::string input;
    std::string query;
  };
  std::vector<Custom> customs;

  for (size_t i = 0; i < requests.size(); ++i) {
    const ObserveRequest& req = requests[i];
    Member& m = members[i];
    m.request = &req;
    m.url = req.metrics.prometheus_url.value_or(options_.default_prometheus_url);
    m.labels = req.metrics.label_selector;
    std::string invalid;
    for (const auto& [k, v] : m.labels) {
      if (!IsValidLabelName(k)) invalid = k;
    }
    if (options_.namespace_isolation) m.labels[options_.namespace_label] = req.namespace_;
    if (m.url.empty()) {
      m.result.prometheus_error =
          "no Prometheus URL: set spec.metrics.prometheusUrl or --prometheus-url";
      continue;
    }
    if (!invalid.empty()) {
      m.result.prometheus_error =
          "spec.metrics.labelSelector: invalid label name \"" + invalid + "\"";
      continue;
    }
    std::vector<std::string> by;
    for (const auto& [k, v] : m.labels) by.push_back(k);
    double q = std::clamp(req.latency_percentile / 100.0, 0.0, 1.0);
    for (auto& t : PresetTemplates(req.metrics.preset, req.latency_metric)) {
      if (OverriddenBy(t.input, req.metrics.queries)) continue;
      std::string key = m.url + "\n" + RenderTemplate(t.text, "<SEL>", by, options_.rate_window, q);
      Group& g = groups[key];
      if (g.members.empty()) g = Group{m.url, t, by, q, {}};
      g.members.push_back(i);
    }
    // Custom queries: the label selector (and namespace) are injected into every selector.
    const auto matchers = EqualityMatchers(m.labels);
    for (const auto& [input, text] : req.metrics.queries) {
      InjectResult inj = InjectMatchers(text, matchers);
      InputDiagnostic& d = Diag(&m, input);
      d.query = inj.ok() ? inj.query : text;
      if (!inj.ok()) {
        d.status = InputStatus::kError;
        d.error = "spec.metrics.queries." + input +
                  ": cannot add the label matchers safely: " + inj.error;
        continue;
      }
      customs.push_back({i, input, inj.query});
    }
  }

  // Batched preset queries.
  for (auto& [key, g] : groups) {
    std::string promql = RenderTemplate(g.tmpl.text, GroupMatchers(g, members), g.by,
                                        options_.rate_window, g.quantile);
    QueryResult r = querier_->Query(g.url, promql, now_s);
    ++queries;
    for (size_t i : g.members) {
      Member& m = members[i];
      InputDiagnostic& d = Diag(&m, g.tmpl.input);
      // The equivalent query for this autoscaler alone: the batched text would show the other
      // autoscalers' selector values (other namespaces' under isolation).
      d.query = RenderTemplate(g.tmpl.text, FormatMatchers(EqualityMatchers(m.labels)), g.by,
                               options_.rate_window, g.quantile);
      if (!r.ok()) {
        d.status = InputStatus::kError;
        d.error = r.error_type + ": " + r.error;
        NoteError(&m, g.tmpl.input, r);
        continue;
      }
      for (const auto& w : r.warnings) m.result.warnings.push_back(w);
      for (const Sample& s : r.samples) {
        if (r.result_type == ResultType::kVector && !SeriesMatches(s, m)) continue;
        if (g.tmpl.buckets) {
          auto le = s.labels.find("le");
          double bound = 0;
          if (le != s.labels.end() && ParseSampleValue(le->second, &bound)) {
            m.buckets.emplace_back(bound, s.value);
          }
          m.buckets_seen = true;
        } else if (!m.values.count(g.tmpl.input)) {
          m.values[g.tmpl.input] = s.value;
          d.sample_timestamp_s = s.timestamp_s;
        }
      }
      if (!g.tmpl.buckets)
        SetValue(&d, m.values.count(g.tmpl.input) ? m.values[g.tmpl.input] : std::nullopt);
    }
  }

  // Per-autoscaler custom queries.
  for (const Custom& c : customs) {
    Member& m = members[c.member];
    InputDiagnostic& d = Diag(&m, c.input);
    QueryResult r = querier_->Query(m.url, c.query, now_s);
    ++queries;
    if (!r.ok()) {
      d.status = InputStatus::kError;
      d.error = r.error_type + ": " + r.error;
      NoteError(&m, c.input, r);
      continue;
    }
    for (const auto& w : r.warnings) m.result.warnings.push_back(w);
    if (r.samples.size() > 1) {
      d.status = InputStatus::kError;
      d.error = "spec.metrics.queries." + c.input + " returned " +
                std::to_string(r.samples.size()) + " series; aggregate it to one (e.g. sum(...))";
      continue;
    }
    std::optional<double> v;
    if (!r.samples.empty()) {
      v = r.samples[0].value;
      d.sample_timestamp_s = r.samples[0].timestamp_s;
    }
    m.values[c.input] = v;
    SetValue(&d, v);
  }

  // Assemble the observations.
  std::map<std::string, ObservationResult> out;
  for (Member& m : members) {
    if (m.request == nullptr) continue;
    const ObserveRequest& req = *m.request;
    ObservationResult& res = m.result;
    policies::Observation& obs = res.observation;
    auto value = [&](std::string_view input) -> std::optional<double> {
      auto it = res.inputs.find(std::string(input));
      if (it == res.inputs.end() || it->second.status != InputStatus::kOk) return std::nullopt;
      return it->second.value;
    };
    // Arrival rate: custom, or completions + backlog growth.
    if (req.metrics.queries.count(std::string(kArrivalRate))) {
      obs.arrival_rate_rps = value(kArrivalRate);
    } else if (res.inputs.count(std::string(kCompletionRate))) {
      ArrivalEstimate a = EstimateArrivalRate(value(kCompletionRate), value(kBacklogGrowth));
      InputDiagnostic& d = Diag(&m, kArrivalRate);
      d.query = res.inputs[std::string(kCompletionRate)].query + "\n+\n" +
                res.inputs[std::string(kBacklogGrowth)].query;
      d.value = a.rate_rps;
      d.status = a.rate_rps ? InputStatus::kOk : InputStatus::kMissing;
      if (res.inputs[std::string(kCompletionRate)].status == InputStatus::kError) {
        d.status = InputStatus::kError;
      }
      d.error = a.note;
      d.sample_timestamp_s = res.inputs[std::string(kCompletionRate)].sample_timestamp_s;
      obs.arrival_rate_rps = a.rate_rps;
    }
    obs.queue_depth = value(kQueueDepth);
    obs.in_flight = value(kInFlight);
    obs.service_time_s = value(kServiceTime);
    obs.prefill_time_s = value(kPrefillTime);
    obs.latency_s = value(kLatency);
    if (auto it = res.inputs.find(std::string(kServiceTimeBuckets)); it != res.inputs.end()) {
      InputDiagnostic bd = it->second;
      res.inputs.erase(it);
      InputDiagnostic& d = Diag(&m, kServiceTimeScv);
      d.query = bd.query;
      if (bd.status == InputStatus::kError) {
        d.status = InputStatus::kError;
        d.error = bd.error;
      } else {
        d.value = ScvFromBuckets(m.buckets);
        d.status = Finite(d.value) ? InputStatus::kOk : InputStatus::kMissing;
        if (!d.value) d.error = m.buckets_seen ? "no completions in the window" : "empty result";
      }
      obs.service_time_scv = d.status == InputStatus::kOk ? d.value : std::nullopt;
    }
    // Staleness: the oldest raw sample of the preset's gauges, and custom result timestamps.
    std::optional<double> oldest_ts;
    if (auto it = res.inputs.find(std::string(kFreshness)); it != res.inputs.end()) {
      if (it->second.status == InputStatus::kOk) oldest_ts = it->second.value;
    }
    for (const auto& [input, q] : req.metrics.queries) {
      auto it = res.inputs.find(input);
      if (it != res.inputs.end() && it->second.sample_timestamp_s) {
        double ts = *it->second.sample_timestamp_s;
        oldest_ts = oldest_ts ? std::min(*oldest_ts, ts) : ts;
      }
    }
    if (oldest_ts) obs.sample_age_s = std::max(0.0, now_s - *oldest_ts);
    if (obs.sample_age_s && *obs.sample_age_s > req.max_sample_age_s) {
      for (auto& [input, d] : res.inputs) {
        if (d.status != InputStatus::kOk || input == kFreshness) continue;
        d.status = InputStatus::kStale;
        d.error = "oldest sample is " + std::to_string(*obs.sample_age_s) +
                  " s old (> maxSampleAgeSeconds " + std::to_string(req.max_sample_age_s) + ")";
      }
      obs.arrival_rate_rps.reset();
      obs.queue_depth.reset();
      obs.in_flight.reset();
      obs.service_time_s.reset();
      obs.service_time_scv.reset();
      obs.prefill_time_s.reset();
      obs.latency_s.reset();
    }
    out[req.key] = std::move(res);
  }
  queries_last_pass_ = queries;
  queries_total_ += queries;
  return out;
}

}  // namespace slo::controller::prom
