// policies/utilization.h: the HPA's target-utilisation rule on batch slots.
//
// observed utilisation u_obs = in_flight / (current · concurrencyPerReplica); ratio = u_obs /
// targetUtilization. Within tolerance (|ratio − 1| <= tolerance) the answer is the current count,
// else ceil(current · ratio) (kubernetes pkg/controller/podautoscaler/replica_calculator.go,
// GetResourceReplicas / GetMetricReplicas). With 0 current replicas the utilisation is undefined:
// the model reports "currentReplicas" missing.
//
// Example:
//   ModelResult r = Utilization({.in_flight = 40, .current_replicas = 4,
//                                .concurrency_per_replica = 16, .target_utilization = 0.5});
//   *r.replicas;  // u_obs = 0.625, ratio 1.25 -> ceil(5.0) = 5
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <optional>

#include "policies/decision.h"

namespace slo::policies {

struct UtilizationInput {
  std::optional<double> in_flight;  // requests in service, fleet-wide
  int32_t current_replicas = 0;
  int32_t concurrency_per_replica = 16;
  double target_utilization = 0.7;
  double tolerance = 0.1;
};

// Model "utilization". detail: observedUtilization, usageRatio, withinTolerance (0/1).
ModelResult Utilization(const UtilizationInput& in);

}  // namespace slo::policies
