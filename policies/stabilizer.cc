#include "policies/stabilizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace slo::policies {
namespace {

int32_t ClampToInt32(int64_t v) {
  return static_cast<int32_t>(std::clamp<int64_t>(v, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

int32_t LongestPeriod(const ScalingRules& rules) {
  int32_t longest = 0;
  for (const auto& p : rules.policies) longest = std::max(longest, p.period_s);
  return longest;
}

int32_t PeriodStart(int32_t current, const StabilizerState& state, int32_t period_s, double now_s) {
  const int64_t start = static_cast<int64_t>(current) -
                        ReplicasChangeInPeriod(period_s, state.scale_up_events, now_s) +
                        ReplicasChangeInPeriod(period_s, state.scale_down_events, now_s);
  return ClampToInt32(start);
}

}  // namespace

WindowResult StabilizeWithWindows(const Behavior& behavior, const StabilizerState& state,
                                  int32_t current, int32_t recommended, double now_s) {
  WindowResult w{current, recommended, recommended};
  const double up_cutoff = now_s - behavior.scale_up.stabilization_window_s;
  const double down_cutoff = now_s - behavior.scale_down.stabilization_window_s;
  for (const auto& rec : state.recommendations) {
    if (rec.t_s > up_cutoff) w.up_floor = std::min(w.up_floor, rec.replicas);
    if (rec.t_s > down_cutoff) w.down_ceiling = std::max(w.down_ceiling, rec.replicas);
  }
  int32_t s = current;
  if (s < w.up_floor) s = w.up_floor;
  if (s > w.down_ceiling) s = w.down_ceiling;
  w.stabilized = s;
  return w;
}

int32_t ReplicasChangeInPeriod(int32_t period_s, const std::vector<ScaleEvent>& events,
                               double now_s) {
  const double cutoff = now_s - period_s;
  int64_t sum = 0;
  for (const auto& e : events) {
    if (e.t_s > cutoff) sum += e.delta;
  }
  return ClampToInt32(sum);
}

int32_t ScaleUpLimit(int32_t current, const StabilizerState& state, const ScalingRules& rules,
                     double now_s) {
  if (rules.select_policy == SelectPolicy::kDisabled) return current;
  const bool pick_min = rules.select_policy == SelectPolicy::kMin;
  int64_t result =
      pick_min ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int32_t>::min();
  for (const auto& p : rules.policies) {
    const int64_t start = PeriodStart(current, state, p.period_s, now_s);
    int64_t proposed = 0;
    if (p.type == PolicyType::kPods) {
      proposed = start + p.value;
    } else {
      proposed = static_cast<int64_t>(
          std::ceil(static_cast<double>(start) * (1.0 + static_cast<double>(p.value) / 100.0)));
    }
    result = pick_min ? std::min(result, proposed) : std::max(result, proposed);
  }
  return ClampToInt32(result);
}

int32_t ScaleDownLimit(int32_t current, const StabilizerState& state, const ScalingRules& rules,
                       double now_s) {
  if (rules.select_policy == SelectPolicy::kDisabled) return current;
  const bool pick_min_change = rules.select_policy == SelectPolicy::kMin;
  int64_t result =
      pick_min_change ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
  for (const auto& p : rules.policies) {
    const int64_t start = PeriodStart(current, state, p.period_s, now_s);
    int64_t proposed = 0;
    if (p.type == PolicyType::kPods) {
      proposed = start - p.value;
    } else {
      // Truncation toward zero, as int32(float64(...)) in Go.
      proposed = static_cast<int64_t>(static_cast<double>(start) *
                                      (1.0 - static_cast<double>(p.value) / 100.0));
    }
    result = pick_min_change ? std::max(result, proposed) : std::min(result, proposed);
  }
  return ClampToInt32(result);
}

RateResult LimitRate(const Behavior& behavior, const StabilizerState& state, int32_t min_replicas,
                     int32_t max_replicas, int32_t current, int32_t desired, double now_s) {
  RateResult r{desired, RateOutcome::kWithinRange, 0};
  if (desired > current) {
    int32_t up = ScaleUpLimit(current, state, behavior.scale_up, now_s);
    if (up < current) up = current;  // no further scale-up until old events age out
    r.limit = up;
    int32_t allowed = max_replicas;
    RateOutcome why = RateOutcome::kTooMany;
    if (allowed > up) {
      allowed = up;
      why = RateOutcome::kScaleUpLimit;
    }
    if (desired > allowed) {
      r.desired = allowed;
      r.outcome = why;
    }
  } else if (desired < current) {
    int32_t down = ScaleDownLimit(current, state, behavior.scale_down, now_s);
    if (down > current) down = current;
    r.limit = down;
    int32_t allowed = min_replicas;
    RateOutcome why = RateOutcome::kTooFew;
    if (allowed < down) {
      allowed = down;
      why = RateOutcome::kScaleDownLimit;
    }
    if (desired < allowed) {
      r.desired = allowed;
      r.outcome = why;
    }
  }
  return r;
}

StabilizerResult Stabilize(const Behavior& behavior, int32_t min_replicas, int32_t max_replicas,
                           int32_t current, int32_t recommended, StabilizerState& state,
                           double now_s) {
  StabilizerResult out;
  out.recommended = recommended;
  const WindowResult w = StabilizeWithWindows(behavior, state, current, recommended, now_s);
  out.stabilized = w.stabilized;
  if (w.stabilized != recommended) {
    out.up_stabilized = recommended >= current;
    out.down_stabilized = recommended < current;
  }
  PruneState(behavior, state, now_s);
  state.recommendations.push_back({now_s, recommended});
  const RateResult r =
      LimitRate(behavior, state, min_replicas, max_replicas, current, w.stabilized, now_s);
  out.desired = r.desired;
  out.rate = r.outcome;
  out.rate_limit = r.limit;
  out.up_disabled = w.stabilized > current &&
                    behavior.scale_up.select_policy == SelectPolicy::kDisabled &&
                    r.desired == current;
  out.down_disabled = w.stabilized < current &&
                      behavior.scale_down.select_policy == SelectPolicy::kDisabled &&
                      r.desired == current;
  return out;
}

void RecordScaleEvent(const Behavior& behavior, StabilizerState& state, int32_t prev_replicas,
                      int32_t next_replicas, double now_s) {
  PruneState(behavior, state, now_s);
  if (next_replicas > prev_replicas) {
    state.scale_up_events.push_back({now_s, next_replicas - prev_replicas});
  } else if (next_replicas < prev_replicas) {
    state.scale_down_events.push_back({now_s, prev_replicas - next_replicas});
  }
}

void PruneState(const Behavior& behavior, StabilizerState& state, double now_s) {
  const double window = std::max(behavior.scale_up.stabilization_window_s,
                                 behavior.scale_down.stabilization_window_s);
  const double period =
      std::max(LongestPeriod(behavior.scale_up), LongestPeriod(behavior.scale_down));
  auto& recs = state.recommendations;
  recs.erase(std::remove_if(recs.begin(), recs.end(),
                            [&](const TimedRecommendation& r) { return r.t_s <= now_s - window; }),
             recs.end());
  auto old_event = [&](const ScaleEvent& e) { return e.t_s <= now_s - period; };
  auto& up = state.scale_up_events;
  up.erase(std::remove_if(up.begin(), up.end(), old_event), up.end());
  auto& down = state.scale_down_events;
  down.erase(std::remove_if(down.begin(), down.end(), old_event), down.end());
}

}  // namespace slo::policies
