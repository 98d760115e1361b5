// controller/prom/observer.h: one batched Prometheus pass for every autoscaler.
//
// ObservePass() sends ONE query per distinct (Prometheus URL, preset template, rate window,
// latency quantile, selector label set) and splits each result across the autoscalers of that
// group by matching each series' labels to each autoscaler's labelSelector (and namespace under
// namespace isolation). Preset queries are `sum by (<the selector labels>) (...)` over the union
// of the group's selector values (`model_name=~"a|b"`), so N autoscalers sharing a preset cost
// as many queries as one: queries per pass = distinct templates x URLs x label-set groups (+ one
// per custom query: custom PromQL cannot be batched safely, so it runs per autoscaler).
//
// Each autoscaler gets a policies::Observation plus diagnostics: per input the query text, the
// value, its status (ok / missing / stale / error) and the sample timestamp; and the first
// Prometheus error, so the loop can set MetricsAvailable=False with its message.
//
// Missing and stale: an empty result, NaN or +/-Inf is missing (never 0). Staleness is measured,
// not assumed: instant queries return the evaluation time as every sample's timestamp and
// Prometheus looks back up to 5 minutes for a raw sample, so each preset group also runs
// `min by (...) (timestamp(<running gauge>))`, the raw scrape time of the oldest
// series. sample_age_s = now - that; above maxSampleAgeSeconds every preset input is "stale":
// its value stays in the diagnostics but the Observation field is nullopt (stale counts as
// missing) while sample_age_s is set, so the policy can report MetricsStale. Custom queries
// can only be aged by their result timestamps (the evaluation time for computed expressions).
//
// Example:
//   MetricsObserver obs(&querier, {.default_prometheus_url = "http://prom:9090"});
//   auto results = obs.ObservePass({RequestFor(autoscaler, "serving/chat")}, now_s);
//   const ObservationResult& r = results["serving/chat"];
//   if (!r.prometheus_error.empty()) SetMetricsAvailableFalse(r.prometheus_error);
//
// Units: seconds, requests/s. Thread-safety: one pass at a time per observer (not thread-safe).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/prom/querier.h"
#include "controller/spec/autoscaler.h"
#include "policies/types.h"

namespace slo::controller::prom {

struct ObserveRequest {
  std::string key;         // how results are keyed, e.g. "ns/name" or the uid
  std::string namespace_;  // the autoscaler's namespace (namespace isolation)
  std::string name;
  MetricsSpec metrics;
  policies::LatencyMetric latency_metric = policies::LatencyMetric::kTtft;
  double latency_percentile = 99.0;  // 0 < p < 100
  double max_sample_age_s = 60.0;
};

// The request for an InferenceAutoscaler (namespace, name, metrics, slo, maxSampleAgeSeconds).
ObserveRequest RequestFor(const InferenceAutoscaler& autoscaler, std::string key);

enum class InputStatus { kOk, kMissing, kStale, kError };
std::string_view InputStatusName(InputStatus s);  // "ok" | "missing" | "stale" | "error"

struct InputDiagnostic {
  // The PromQL for this autoscaler (for batched inputs: the equivalent single-autoscaler query,
  // so no other autoscaler's selector values leak into diagnostics; for derived inputs: parts).
  std::string query;
  std::optional<double> value;  // also kept when stale
  InputStatus status = InputStatus::kMissing;
  std::string error;  // why missing/error, or how derived
  std::optional<double> sample_timestamp_s;
};

struct ObservationResult {
  policies::Observation observation;  // current_replicas etc. are the loop's to fill
  // arrivalRate, completionRate, backlogGrowth, queueDepth, inFlight, serviceTime,
  // serviceTimeScv, prefillTime, latency, freshness.
  std::map<std::string, InputDiagnostic> inputs;
  std::string prometheus_error;       // first query error (empty = Prometheus answered)
  std::vector<std::string> warnings;  // Prometheus warnings on this autoscaler's queries
};

struct MetricsObserverOptions {
  std::string default_prometheus_url;  // --prometheus-url; spec.metrics.prometheusUrl wins
  bool namespace_isolation = false;    // add namespace="<CR namespace>" to every selector
  std::string rate_window = "1m";      // rate()/deriv() window of the presets
  std::string namespace_label = "namespace";
};

class MetricsObserver {
 public:
  MetricsObserver(PrometheusQuerier* querier, MetricsObserverOptions options)
      : querier_(querier), options_(std::move(options)) {}

  // One result per request key (duplicate keys: the last request wins).
  std::map<std::string, ObservationResult> ObservePass(const std::vector<ObserveRequest>& requests,
                                                       double now_s);
  int queries_last_pass() const { return queries_last_pass_; }
  int64_t queries_total() const { return queries_total_; }
  const MetricsObserverOptions& options() const { return options_; }

 private:
  PrometheusQuerier* querier_;
  MetricsObserverOptions options_;
  int queries_last_pass_ = 0;
  int64_t queries_total_ = 0;
};

}  // namespace slo::controller::prom
