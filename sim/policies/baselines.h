// sim/policies/baselines.h: constructors of the simulator's policies (see policy.h), and the
// pure rules of the baselines, exposed for the hand-worked unit tests.
//
// Thread-safety: pure functions; the policies hold per-run state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "policies/types.h"
#include "sim/policies/policy.h"

namespace slo::sim {

std::unique_ptr<SimPolicy> MakeSloPolicy(const policies::ScalingConfig& config, double interval_s);
std::unique_ptr<SimPolicy> MakeHpaPolicy(const policies::ScalingConfig& config, double target_util,
                                         double interval_s);
std::unique_ptr<SimPolicy> MakeKedaPolicy(const policies::ScalingConfig& config, double threshold,
                                          double interval_s, double polling_s, double cooldown_s);
std::unique_ptr<SimPolicy> MakeKpaPolicy(const policies::ScalingConfig& config, double target_util,
                                         const PolicyOptions& options);
std::unique_ptr<SimPolicy> MakeOraclePolicy(const policies::ScalingConfig& config,
                                            const OracleWorld& world, double bucket_s);

// HPA v2 replica calculator for a per-pod metric with a utilisation target (replica_calculator.go
// GetMetricReplicas + the missing-pods rebalancing): `ready` pods report metrics, `starting` pods
// do not yet. Returns the recommendation before behavior (stabilisation and rate limits).
struct HpaInput {
  int32_t current = 0;       // spec.replicas
  int32_t ready = 0;         // pods with metrics
  int32_t starting = 0;      // pods without metrics yet
  double metric_total = 0;   // sum over ready pods of the metric (in-flight requests)
  double capacity_per_pod = 16;  // the metric at 100 % utilisation
  double target = 0.7;       // target utilisation
  double tolerance = 0.1;
};
int32_t HpaRecommend(const HpaInput& in);

// KEDA external metric with AverageValue: ceil(metric / threshold), or current within tolerance
// of metric / (threshold * current).
int32_t KedaRecommend(int32_t current, double metric, double threshold, double tolerance);

// Knative KPA decider state and one step (pkg/autoscaler/scaling/autoscaler.go Scale()).
struct KpaSpec {
  double target_value = 11.2;  // containerConcurrency × target utilisation
  double panic_threshold = 2.0;
  double max_scale_up_rate = 1000;
  double max_scale_down_rate = 2;
  double stable_window_s = 60;
};
struct KpaState {
  std::optional<double> panic_time_s;
  int32_t max_panic_pods = 0;
};
struct KpaStep {
  int32_t desired = 0;
  int32_t stable_pods = 0;
  int32_t panic_pods = 0;
  bool panicking = false;
};
KpaStep KpaScale(const KpaSpec& spec, KpaState& state, int32_t ready_pods, double stable_total,
                 double panic_total, double now_s);

}  // namespace slo::sim
