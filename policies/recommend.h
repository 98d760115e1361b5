// policies/recommend.h: one full recommendation: every model, combination, stabilisation,
// clamping, reason and message. This is the single code path shared by `run` and `simulate`.
//
// Example:
//   StabilizerState state;  // from the CR status, or empty
//   Decision d = Decide(cfg, obs, state, now_s);  // updates state
//   if (d.desired_replicas != obs.current_replicas) Patch(d.desired_replicas);
//
// now_s is any monotone clock in seconds (the controller passes Unix time, the simulator its
// simulated time). Pure: no I/O, no clock reads. Thread-safety: none shared; state is the
// caller's.
#pragma once

#include "policies/decision.h"
#include "policies/types.h"

namespace slo::policies {

Decision Decide(const ScalingConfig& config, const Observation& obs, StabilizerState& state,
                double now_s);

}  // namespace slo::policies
