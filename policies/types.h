// policies/types.h: the plain data the pure policy library works on.
//
// ScalingConfig is the numeric part of an InferenceAutoscaler spec (CONTRACTS.md §3) after
// defaulting; Observation is what one reconcile pass measured. Both are plain values: no I/O,
// no clock. Units are in the names (_s seconds, _rps requests per second).
//
// Missing data is std::nullopt, never 0. NaN and infinities are treated as missing by the
// models (see IsUsable()).
//
// Example:
//   ScalingConfig cfg;             // defaults as in the CRD
//   cfg.max_replicas = 20;
//   cfg.slo.latency_threshold_s = 2.0;
//   cfg.capacity.concurrency_per_replica = 16;
//   Observation obs;
//   obs.arrival_rate_rps = 12.4;
//   obs.current_replicas = 4;
//
// Thread-safety: plain values; copy freely.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slo::policies {

// True when v holds a finite number.
inline bool IsUsable(const std::optional<double>& v) { return v.has_value() && std::isfinite(*v); }

// What the latency threshold is measured on (spec.slo.latencyMetric).
enum class LatencyMetric {
  kTtft,       // queue wait + prefill
  kE2e,        // arrival to last byte
  kQueueWait,  // arrival to start of service
};

// The CRD's spelling of a LatencyMetric: "ttft", "e2e", "queueWait".
inline std::string_view LatencyMetricName(LatencyMetric m) {
  switch (m) {
    case LatencyMetric::kTtft:
      return "ttft";
    case LatencyMetric::kE2e:
      return "e2e";
    case LatencyMetric::kQueueWait:
      return "queueWait";
  }
  return "ttft";
}

// HPA v2 HPAScalingRules.selectPolicy.
enum class SelectPolicy { kMax, kMin, kDisabled };

// HPA v2 HPAScalingPolicy.type.
enum class PolicyType { kPods, kPercent };

struct ScalingPolicy {
  PolicyType type = PolicyType::kPods;
  int32_t value = 1;      // pods, or percent of the replicas at the start of the period
  int32_t period_s = 15;  // 1..1800
};

struct ScalingRules {
  int32_t stabilization_window_s = 0;
  SelectPolicy select_policy = SelectPolicy::kMax;
  std::vector<ScalingPolicy> policies;
};

// spec.behavior: HPA v2 behavior plus tolerance. Defaults are the HPA's:
// scale up: window 0, max(100% / 15 s, 4 pods / 15 s); scale down: window 300 s, 100% / 15 s.
struct Behavior {
  ScalingRules scale_up = DefaultScaleUp();
  ScalingRules scale_down = DefaultScaleDown();
  double tolerance = 0.1;  // relative; changes within ±tolerance of current are ignored

  static ScalingRules DefaultScaleUp() {
    return ScalingRules{0, SelectPolicy::kMax,
                        {{PolicyType::kPercent, 100, 15}, {PolicyType::kPods, 4, 15}}};
  }
  static ScalingRules DefaultScaleDown() {
    return ScalingRules{300, SelectPolicy::kMax, {{PolicyType::kPercent, 100, 15}}};
  }
};

// spec.slo
struct SloSpec {
  double latency_threshold_s = 2.0;  // required in the CR
  double latency_percentile = 99.0;  // share (%) of requests that must meet the threshold
  double target_utilization = 0.7;   // 0 < u <= 1
  LatencyMetric latency_metric = LatencyMetric::kTtft;
};

// spec.capacity
struct CapacitySpec {
  int32_t concurrency_per_replica = 16;   // required in the CR: batch slots per replica
  std::optional<double> service_time_s;   // mean in-service time when it is not measured
  double startup_s = 120.0;               // pod start to ready
  // Squared coefficient of variation of the service time (variance / mean^2). 1 = exponential.
  // Used by the M/G/c correction when it is not measured. spec.capacity.serviceTimeSCV.
  double service_time_scv = 1.0;
  // Share of the in-service time that falls inside a TTFT measurement (prefill), used to size the
  // wait budget when latencyMetric = ttft and prefill time is not measured.
  // spec.capacity.prefillFraction.
  double prefill_fraction = 0.1;
};

// The numeric part of spec.nodePool (the reference lives in the controller).
struct NodePoolSizing {
  int32_t gpus_per_replica = 1;
  int32_t gpus_per_node = 8;
  int32_t min_nodes = 0;
  int32_t max_nodes = 10;
};

// Which capacity models Decide() runs (all by default). The recommendation is the max over the
// enabled models that have their inputs. The simulator's baselines switch models off (e.g. an
// HPA-like policy runs utilization only).
struct ModelSelection {
  bool littles_law = true;   // "littlesLaw": ceil(lambda*W / (concurrency * targetUtilization))
  bool backlog = true;       // "backlog": drain the current queue within the wait budget
  bool utilization = true;   // "utilization": the HPA rule on in-flight / slots
  bool tail_latency = true;  // "erlangC" (SCV = 1) or "mgc" (SCV != 1): the latency percentile
};

// The numeric part of an InferenceAutoscaler spec, defaulted.
struct ScalingConfig {
  int32_t min_replicas = 1;
  int32_t max_replicas = 1;  // required in the CR
  SloSpec slo;
  CapacitySpec capacity;
  Behavior behavior;
  std::optional<NodePoolSizing> node_pool;
  double max_sample_age_s = 60.0;  // spec.metrics.maxSampleAgeSeconds
  // Relative disagreement between measured in-flight L and lambda*W beyond which the inputs are
  // called inconsistent (Little's-law check). spec.metrics.consistencyTolerance.
  double consistency_tolerance = 0.5;
  ModelSelection models;  // which capacity models run (all by default)
};

// What one pass observed. Every metric is optional: nullopt = missing (never 0).
struct Observation {
  std::optional<double> arrival_rate_rps;    // lambda
  std::optional<double> queue_depth;         // requests waiting, fleet-wide
  std::optional<double> in_flight;           // requests in service, fleet-wide
  std::optional<double> service_time_s;      // mean in-service time W
  std::optional<double> service_time_scv;    // measured SCV of the service time, if any
  std::optional<double> prefill_time_s;      // mean prefill (inside TTFT), if measured
  std::optional<double> latency_s;           // measured latency at the SLO percentile (info)
  std::optional<double> sample_age_s;        // age of the oldest sample used
  int32_t current_replicas = 0;              // from the target's /scale
  std::optional<int32_t> ready_replicas;     // from the target's status, if known
  // Node pool: what the pool has now and the replicas it can host (after other autoscalers'
  // demand on a shared pool), if the autoscaler has a node pool.
  std::optional<int32_t> current_nodes;
  std::optional<int32_t> pool_replica_capacity;
};

}  // namespace slo::policies
