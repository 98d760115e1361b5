// policies/overload.h: what happens when the answer exceeds what the fleet may grow to.
//
// The capped fleet is `allowed_replicas` (maxReplicas, or fewer when the node pool cannot host
// more). shortfall = needed − allowed. The shed fraction is the share of arrivals the capped
// fleet cannot serve within the SLO, 1 − lambda_max/lambda, where lambda_max is the largest
// arrival rate the capped fleet meets the SLO at: from the tail-latency model
// (MaxArrivalRateForSlo) when the SLO inputs are known, else from Little's law at the target
// utilisation (allowed · concurrency · u / W). An admission controller can shed that share.
//
// Example:
//   OverloadResult o = AssessOverload({.needed_replicas = 30, .allowed_replicas = 20,
//                                      .arrival_rate_rps = 100, .service_time_s = 1.0,
//                                      .wait_budget_s = 1.9, .concurrency_per_replica = 4});
//   o.overload->shortfall_replicas;  // 10
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <optional>

#include "policies/decision.h"

namespace slo::policies {

struct OverloadInput {
  int32_t needed_replicas = 0;   // the uncapped recommendation
  int32_t allowed_replicas = 0;  // min(maxReplicas, pool capacity)
  std::optional<double> arrival_rate_rps;
  std::optional<double> service_time_s;
  double service_time_scv = 1.0;
  std::optional<double> wait_budget_s;  // nullopt: no tail model, use Little's law
  double latency_percentile = 99.0;
  int32_t concurrency_per_replica = 16;
  double target_utilization = 0.7;
};

struct OverloadResult {
  std::optional<Overload> overload;  // set when needed > allowed
  double max_arrival_rate_rps = 0;   // lambda_max of the capped fleet (when computed)
  bool from_tail_model = false;
};

OverloadResult AssessOverload(const OverloadInput& in);

}  // namespace slo::policies
