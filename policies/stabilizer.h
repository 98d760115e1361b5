// policies/stabilizer.h: HPA v2 `behavior` semantics on replica recommendations.
//
// Mirrors kubernetes pkg/controller/podautoscaler/horizontal.go (own code, same rules):
//  1. Stabilisation windows (stabilizeRecommendationWithBehaviors). Over the recommendations
//     recorded after now − window: upFloor = MIN(recommendations in the scale-up window, new),
//     downCeiling = MAX(recommendations in the scale-down window, new); stabilized =
//     clamp(current, upFloor, downCeiling). So a scale-up happens only to the lowest
//     recommendation of the up window and a scale-down only to the highest of the down window.
//     The new, unstabilised recommendation is then recorded.
//  2. Rate policies (convertDesiredReplicasWithBehaviorRate). For each policy, the replicas at the
//     start of its period are periodStart = current − (scale-up events in the period) +
//     (scale-down events in the period) (getReplicasChangePerPeriod counts events with
//     t > now − period). Scale up: Pods → periodStart + value, Percent → ceil(periodStart ·
//     (1 + value/100)); selectPolicy Max takes the largest proposal, Min the smallest, Disabled
//     allows no change (calculateScaleUpLimitWithScalingRules). Scale down: Pods → periodStart −
//     value, Percent → trunc(periodStart · (1 − value/100)); Max takes the smallest, Min the
//     largest (calculateScaleDownLimitWithBehaviors). A limit past current is pinned to current;
//     then desired is clamped to [max(minReplicas, downLimit), min(maxReplicas, upLimit)].
//  3. After the caller applies a change, RecordScaleEvent() stores it (storeScaleEvent).
// Entries older than the longest window / policy period are pruned, so the state stays small.
// Tolerance is applied by the caller before step 1 (as the HPA's replica calculator does).
//
// Example:
//   StabilizerState st;
//   StabilizerResult r = Stabilize(cfg.behavior, 1, 20, /*current=*/4, /*recommended=*/10, st,
//   now_s); RecordScaleEvent(cfg.behavior, st, 4, r.desired, now_s);  // once the change is applied
//
// Times are seconds on any monotone clock. Thread-safety: pure functions on caller-owned state.
#pragma once

#include <cstdint>
#include <vector>

#include "policies/decision.h"
#include "policies/types.h"

namespace slo::policies {

struct WindowResult {
  int32_t stabilized = 0;
  int32_t up_floor = 0;      // min over the scale-up window (and the new recommendation)
  int32_t down_ceiling = 0;  // max over the scale-down window (and the new recommendation)
};
// Step 1 without recording.
WindowResult StabilizeWithWindows(const Behavior& behavior, const StabilizerState& state,
                                  int32_t current, int32_t recommended, double now_s);

// Sum of the event deltas with t > now − period_s.
int32_t ReplicasChangeInPeriod(int32_t period_s, const std::vector<ScaleEvent>& events,
                               double now_s);

// The highest count scale-up rules allow now (current when disabled).
int32_t ScaleUpLimit(int32_t current, const StabilizerState& state, const ScalingRules& rules,
                     double now_s);
// The lowest count scale-down rules allow now (current when disabled).
int32_t ScaleDownLimit(int32_t current, const StabilizerState& state, const ScalingRules& rules,
                       double now_s);

enum class RateOutcome {
  kWithinRange,     // "DesiredWithinRange"
  kScaleUpLimit,    // "ScaleUpLimit": a scale-up policy capped it
  kTooMany,         // "TooManyReplicas": maxReplicas capped it
  kScaleDownLimit,  // "ScaleDownLimit": a scale-down policy capped it
  kTooFew,          // "TooFewReplicas": minReplicas capped it
};
struct RateResult {
  int32_t desired = 0;
  RateOutcome outcome = RateOutcome::kWithinRange;
  int32_t limit = 0;  // the scale-up or scale-down limit that was computed (0 if neither)
};
// Step 2.
RateResult LimitRate(const Behavior& behavior, const StabilizerState& state, int32_t min_replicas,
                     int32_t max_replicas, int32_t current, int32_t desired, double now_s);

struct StabilizerResult {
  int32_t recommended = 0;  // the input
  int32_t stabilized = 0;   // after the windows
  int32_t desired = 0;      // after rate policies and [min, max]
  RateOutcome rate = RateOutcome::kWithinRange;
  int32_t rate_limit = 0;
  bool up_stabilized = false;    // the scale-up window held it lower
  bool down_stabilized = false;  // the scale-down window held it higher
  bool up_disabled = false;      // wanted up, selectPolicy Disabled
  bool down_disabled = false;    // wanted down, selectPolicy Disabled
};

// Steps 1 and 2; records the recommendation in `state` and prunes old entries.
StabilizerResult Stabilize(const Behavior& behavior, int32_t min_replicas, int32_t max_replicas,
                           int32_t current, int32_t recommended, StabilizerState& state,
                           double now_s);

// Step 3: store a scale event prev -> next (no-op when equal) and prune.
void RecordScaleEvent(const Behavior& behavior, StabilizerState& state, int32_t prev_replicas,
                      int32_t next_replicas, double now_s);

// Drop recommendations older than the longest window and events older than the longest period.
void PruneState(const Behavior& behavior, StabilizerState& state, double now_s);

}  // namespace slo::policies
