#include "policies/inputs.h"

#include <cmath>

namespace slo::policies {

std::optional<double> NonNegative(const std::optional<double>& v) {
  if (!IsUsable(v) || *v < 0) return std::nullopt;
  return v;
}

ResolvedInputs ResolveInputs(const ScalingConfig& config, const Observation& obs) {
  ResolvedInputs in;
  in.arrival_rate_rps = NonNegative(obs.arrival_rate_rps);
  in.queue_depth = NonNegative(obs.queue_depth);
  in.in_flight = NonNegative(obs.in_flight);
  in.service_time_s = NonNegative(obs.service_time_s);
  if (!in.service_time_s) {
    in.service_time_s = NonNegative(config.capacity.service_time_s);
    in.service_time_from_spec = in.service_time_s.has_value();
  }
  if (auto scv = NonNegative(obs.service_time_scv)) {
    in.service_time_scv = *scv;
  } else if (std::isfinite(config.capacity.service_time_scv) &&
             config.capacity.service_time_scv >= 0) {
    in.service_time_scv = config.capacity.service_time_scv;
  }
  in.prefill_time_s = NonNegative(obs.prefill_time_s);
  if (!in.prefill_time_s && in.service_time_s && std::isfinite(config.capacity.prefill_fraction) &&
      config.capacity.prefill_fraction >= 0) {
    in.prefill_time_s = config.capacity.prefill_fraction * *in.service_time_s;
  }
  return in;
}

double WaitBudget(const SloSpec& slo, double service_time_s,
                  const std::optional<double>& prefill_time_s) {
  switch (slo.latency_metric) {
    case LatencyMetric::kTtft:
      return slo.latency_threshold_s - prefill_time_s.value_or(0.0);
    case LatencyMetric::kE2e:
      return slo.latency_threshold_s - service_time_s;
    case LatencyMetric::kQueueWait:
      return slo.latency_threshold_s;
  }
  return slo.latency_threshold_s;
}

const char* MetricLabel(LatencyMetric m) {
  switch (m) {
    case LatencyMetric::kTtft:
      return "ttft";
    case LatencyMetric::kE2e:
      return "e2e";
    case LatencyMetric::kQueueWait:
      return "queueWait";
  }
  return "?";
}

}  // namespace slo::policies
