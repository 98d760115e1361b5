// policies/recommend.h: one full recommendation: every model, combination, stabilisation,
// clamping, reason and message. This is the single code path shared by `run` and `simulate`.
//
// Pipeline (README.md ("Capacity models and the scaling decision") has the formulas):
//  1. Inputs: ResolveInputs() (observation, else spec; NaN/inf/negative = missing).
//  2. Models (those enabled in config.models): littlesLaw, backlog, utilization, and the tail
//     model erlangC (SCV = 1) / mgc (SCV != 1). recommended = max over the models that answered
//     (ties go to the tail model); binding_model names it.
//  3. Guards, in order: current outside [min, max] -> clamp (AtMaxReplicas / AtMinReplicas);
//     stale samples -> hold (MetricsStale); Little's-law check failed -> hold
//     (MetricsInconsistent); no model answered, or an enabled model lacks an input and the answer
//     is below current -> hold (MetricsMissing). A hold never scales down and records nothing in
//     the stabiliser. An enabled model that lacks its input blocks scale-down (the HPA's rule),
//     so disable the models whose metrics are not collected at all.
//  4. Tolerance (|recommended/current − 1| <= tolerance -> current), then Stabilize()
//     (windows, rate policies, [min, max]), then obs.pool_replica_capacity caps a scale-up.
//  5. Reason, limits and message; overload when recommended > min(max, pool capacity);
//     node pool sizing when config.node_pool is set.
//
// Example:
//   StabilizerState state;  // from the CR status, or empty
//   Decision d = Decide(cfg, obs, state, now_s);  // updates state
//   if (d.desired_replicas != obs.current_replicas) Patch(d.desired_replicas);
//
// Decision.inputs is the observation as given, except that NaN and infinities become nullopt.
//
// State: Decide() records the recommendation and, when desired != current, a scale event as if
// the change were applied (the HPA's storeScaleEvent). When the change is not applied (dry run,
// API error), pass a copy of the state and keep the original.
//
// now_s is any monotone clock in seconds (the controller passes Unix time, the simulator its
// simulated time). Pure: no I/O, no clock reads. Thread-safety: none shared; state is the
// caller's. Cost: a few microseconds for typical fleets (bench/policies_bench.cc).
#pragma once

#include "policies/decision.h"
#include "policies/types.h"

namespace slo::policies {

Decision Decide(const ScalingConfig& config, const Observation& obs, StabilizerState& state,
                double now_s);

}  // namespace slo::policies
