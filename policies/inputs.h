// policies/inputs.h: the effective model inputs of one pass, after fallbacks and validation.
//
// The observation wins over the spec: service time = obs.service_time_s, else
// capacity.service_time_s, else missing; SCV = obs.service_time_scv, else
// capacity.service_time_scv; prefill = obs.prefill_time_s, else prefill_fraction × service time.
// NaN, infinities and negative values are dropped (missing), never read as 0. WaitBudget() is the
// share of the latency threshold left for queueing once the part of the service inside the latency
// metric is paid.
//
// Example:
//   ResolvedInputs in = ResolveInputs(cfg, obs);
//   if (in.service_time_s) { double budget = WaitBudget(cfg.slo, *in.service_time_s,
//   in.prefill_time_s); }
//
// Units: seconds (_s), requests per second (_rps), requests (queue_depth, in_flight).
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "policies/types.h"

namespace slo::policies {

struct ResolvedInputs {
  std::optional<double> arrival_rate_rps;  // >= 0
  std::optional<double> service_time_s;    // >= 0, observed or from the spec
  bool service_time_from_spec = false;
  double service_time_scv = 1.0;         // >= 0, observed or from the spec
  std::optional<double> prefill_time_s;  // >= 0, observed or prefill_fraction × service time
  std::optional<double> queue_depth;     // >= 0
  std::optional<double> in_flight;       // >= 0
};

// A finite, non-negative value, else nullopt.
std::optional<double> NonNegative(const std::optional<double>& v);

ResolvedInputs ResolveInputs(const ScalingConfig& config, const Observation& obs);

// latency_threshold_s minus the part of the service time inside the latency metric: prefill for
// ttft (prefill_time_s, or 0 when unknown), all of service_time_s for e2e, none for queueWait.
// May be <= 0: then no fleet can meet the SLO.
double WaitBudget(const SloSpec& slo, double service_time_s,
                  const std::optional<double>& prefill_time_s);

// The latency metric's CRD name: "ttft", "e2e", "queueWait".
const char* MetricLabel(LatencyMetric m);

}  // namespace slo::policies
