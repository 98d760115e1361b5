// Tests for policies/stabilizer.h, mirroring the Kubernetes HPA's own behavior tests
// (pkg/controller/podautoscaler/horizontal_test.go: TestScalingWithRules,
// TestNormalizeDesiredReplicasWithBehavior, TestStabilizeRecommendationWithBehaviors). Cases are
// worked by hand from the rules in horizontal.go.
#include "policies/stabilizer.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace slo::policies {
namespace {

constexpr double kNow = 10'000.0;

ScalingRules Rules(std::vector<ScalingPolicy> policies, SelectPolicy select = SelectPolicy::kMax,
                   int32_t window_s = 0) {
  return ScalingRules{window_s, select, std::move(policies)};
}

ScalingPolicy Pods(int32_t v, int32_t period = 60) { return {PolicyType::kPods, v, period}; }
ScalingPolicy Percent(int32_t v, int32_t period = 60) { return {PolicyType::kPercent, v, period}; }

// The HPA tests' generateScalingRules(pods, podsPeriod, percent, percentPeriod, window): a
// policy per non-zero value, selectPolicy Max.
ScalingRules GenRules(int32_t pods, int32_t pods_period, int32_t percent, int32_t percent_period,
                      int32_t window_s) {
  ScalingRules r{window_s, SelectPolicy::kMax, {}};
  if (pods != 0) r.policies.push_back(Pods(pods, pods_period));
  if (percent != 0) r.policies.push_back(Percent(percent, percent_period));
  return r;
}

// The HPA tests' generateEventsUniformDistribution(events, period): event i of n sits in the
// middle of the i-th of n equal segments of the period, the first one the oldest.
std::vector<ScaleEvent> Uniform(std::vector<int32_t> deltas, double period_s) {
  std::vector<ScaleEvent> out;
  const double segment = period_s / static_cast<double>(deltas.size());
  for (size_t i = 0; i < deltas.size(); ++i) {
    out.push_back({kNow - (period_s - segment * static_cast<double>(i) - segment / 2), deltas[i]});
  }
  return out;
}

// Mirrors kubernetes horizontal_test.go TestScalingWithRules
// (convertDesiredReplicasWithBehaviorRate), case names and numbers as there; nullopt rules = the
// HPA defaults.
TEST(StabilizerTest, HpaTestScalingWithRules) {
  struct Case {
    const char* name;
    std::vector<ScaleEvent> up_events;
    std::vector<ScaleEvent> down_events;
    int32_t min;
    int32_t max;
    std::optional<ScalingRules> up;
    std::optional<ScalingRules> down;
    int32_t current;
    int32_t prenormalized;
    int32_t want;
    RateOutcome want_outcome;
  };
  using R = RateOutcome;
  // clang-format off
  const Case cases[] = {
      {"prenormalized desired replicas within range", {}, {}, 3, 8, {}, {}, 5, 7, 7,
       R::kWithinRange},
      {"prenormalized desired replicas < minReplicas", {}, {}, 2, 8, {}, {}, 3, 1, 2, R::kTooFew},
      {"prenormalized desired replicas within range when minReplicas is 0", {}, {}, 0, 10, {}, {},
       1, 0, 0, R::kWithinRange},
      {"maxReplicas is the limit because maxReplicas < scaleUpLimit", {}, {}, 1, 10, {}, {}, 20,
       1000, 10, R::kTooMany},
      {"desired replica count is more than the maximum replica count", {}, {}, 100, 150, {}, {},
       100, 1000, 150, R::kTooMany},
      {"scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", {}, {}, 1,
       2000, GenRules(0, 0, 1, 60, 0), {}, 3, 1000, 4, R::kScaleUpLimit},
      {"scaleUp with default behavior", {}, {}, 1, 1000, {}, {}, 10, 50, 20, R::kScaleUpLimit},
      {"scaleUp with pods policy larger than percent policy", {}, {}, 1, 1000,
       GenRules(100, 60, 100, 60, 0), {}, 10, 500, 110, R::kScaleUpLimit},
      {"scaleUp with percent policy larger than pods policy", {}, {}, 1, 1000,
       GenRules(2, 60, 100, 60, 0), {}, 10, 500, 20, R::kScaleUpLimit},
      {"scaleUp with spec MaxReplicas limitation with large pod policy", {}, {}, 1, 1000,
       GenRules(100, 60, 0, 0, 0), {}, 10, 50, 50, R::kWithinRange},
      {"scaleUp with spec MaxReplicas limitation with large percent policy", {}, {}, 1, 1000,
       GenRules(10000, 60, 0, 0, 0), {}, 10, 50, 50, R::kWithinRange},
      {"scaleUp with pod policy limitation", {}, {}, 1, 1000, GenRules(30, 60, 0, 0, 0), {}, 10, 50,
       40, R::kScaleUpLimit},
      {"scaleUp with percent policy limitation", {}, {}, 1, 1000, GenRules(0, 0, 200, 60, 0), {},
       10, 50, 30, R::kScaleUpLimit},
      {"scaleDown with percent policy larger than pod policy", {}, {}, 1, 1000, {},
       GenRules(20, 60, 1, 60, 300), 100, 2, 80, R::kScaleDownLimit},
      {"scaleDown with pod policy larger than percent policy", {}, {}, 1, 1000, {},
       GenRules(2, 60, 1, 60, 300), 100, 2, 98, R::kScaleDownLimit},
      {"scaleDown with spec MinReplicas=nil limitation with large pod policy", {}, {}, 1, 1000, {},
       GenRules(100, 60, 0, 0, 300), 10, 0, 1, R::kTooFew},
      {"scaleDown with spec MinReplicas limitation with large percent policy", {}, {}, 5, 1000, {},
       GenRules(0, 0, 100, 60, 300), 10, 2, 5, R::kTooFew},
      {"scaleDown with pod policy limitation", {}, {}, 1, 1000, {}, GenRules(5, 60, 0, 0, 300), 10,
       2, 5, R::kScaleDownLimit},
      {"scaleDown with percent policy limitation", {}, {}, 1, 1000, {}, GenRules(0, 0, 50, 60, 300),
       10, 5, 5, R::kWithinRange},
      {"scaleUp with spec MaxReplicas limitation with large pod policy and events",
       Uniform({1, 5, 9}, 120), {}, 1, 200, GenRules(300, 60, 0, 0, 0), {}, 100, 500, 200,
       R::kTooMany},
      {"scaleUp with spec MaxReplicas limitation with large percent policy and events",
       Uniform({1, 5, 9}, 120), {}, 1, 200, GenRules(0, 0, 10000, 60, 0), {}, 100, 500, 200,
       R::kTooMany},
      {"scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent "
       "scale up events",
       Uniform({1, 5, 9}, 120), {}, 1, 1000, GenRules(5, 120, 0, 0, 0), {}, 100, 500, 100,
       R::kScaleUpLimit},
      {"scaleUp with pod policy and previous scale up events", Uniform({1, 5, 9}, 120), {}, 1, 1000,
       GenRules(150, 120, 0, 0, 0), {}, 100, 500, 235, R::kScaleUpLimit},
      {"scaleUp with percent policy and previous scale up events", Uniform({1, 5, 9}, 120), {}, 1,
       1000, GenRules(0, 0, 200, 120, 0), {}, 100, 500, 255, R::kScaleUpLimit},
      {"scaleUp with percent policy and previous scale up and down events", Uniform({4}, 120),
       Uniform({2}, 120), 1, 1000, GenRules(0, 0, 300, 300, 0), {}, 6, 24, 16, R::kScaleUpLimit},
      {"scaleDown with default policy and previous events", {}, Uniform({1, 5, 9}, 120), 1, 1000,
       {}, {}, 10, 5, 5, R::kWithinRange},
      {"scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events",
       {}, Uniform({1, 5, 9}, 120), 1, 1000, {}, GenRules(115, 120, 0, 0, 300), 100, 0, 1,
       R::kTooFew},
      {"scaleDown with spec MinReplicas limitation with large pod policy and previous events", {},
       Uniform({1, 5, 9}, 120), 5, 1000, {}, GenRules(130, 120, 0, 0, 300), 100, 0, 5, R::kTooFew},
      {"scaleDown with spec MinReplicas limitation with large percent policy and previous "
       "events",
       {}, Uniform({1, 5, 9}, 120), 5, 1000, {}, GenRules(0, 0, 100, 120, 300), 100, 2, 5,
       R::kTooFew},
      {"scaleDown with pod policy limitation and previous events", {}, Uniform({1, 5, 9}, 120), 1,
       1000, {}, GenRules(5, 120, 0, 0, 300), 100, 2, 100, R::kScaleDownLimit},
      {"scaleDown with percent policy and previous scale up and down events", Uniform({2}, 120),
       Uniform({4}, 120), 1, 1000, {}, GenRules(0, 0, 50, 180, 0), 10, 1, 6, R::kScaleDownLimit},
      {"scaleDown with previous events preventing further scale down", {},
       Uniform({10, 10, 10}, 120), 1, 1000, {}, GenRules(0, 0, 10, 120, 300), 100, 0, 100,
       R::kScaleDownLimit},
      {"scaleDown with with previous events still allowing more scale down", {},
       Uniform({10, 10, 10}, 120), 1, 1000, {}, GenRules(0, 0, 1000, 120, 300), 10, 5, 5,
       R::kWithinRange},
      {"check 'outdated' flag for events for one behavior for up", Uniform({8, 12, 9, 11}, 120), {},
       1, 1000, GenRules(1000, 60, 0, 0, 0), {}, 100, 200, 200, R::kWithinRange},
      {"check that events were not marked 'outdated' for two different policies in the "
       "behavior for up",
       Uniform({8, 12, 9, 11}, 120), {}, 1, 1000, GenRules(1000, 120, 100, 60, 0), {}, 100, 200,
       200, R::kWithinRange},
      {"check 'outdated' flag for events for one behavior for down", {},
       Uniform({8, 12, 9, 11}, 120), 1, 1000, {}, GenRules(1000, 60, 0, 0, 300), 100, 5, 5,
       R::kWithinRange},
  };
  // clang-format on
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Behavior b;
    if (c.up) b.scale_up = *c.up;
    if (c.down) b.scale_down = *c.down;
    StabilizerState st;
    st.scale_up_events = c.up_events;
    st.scale_down_events = c.down_events;
    const RateResult r = LimitRate(b, st, c.min, c.max, c.current, c.prenormalized, kNow);
    EXPECT_EQ(r.desired, c.want);
    EXPECT_EQ(r.outcome, c.want_outcome);
  }
}

// Mirrors kubernetes horizontal_test.go TestNormalizeDesiredReplicasWithBehavior (the
// stabilisation-window part): recommendations 1 and 2 minutes old.
TEST(StabilizerTest, HpaTestNormalizeDesiredReplicasWithBehavior) {
  struct Case {
    const char* name;
    std::vector<TimedRecommendation> recs;
    int32_t current;
    int32_t prenormalized;
    int32_t want;
    int32_t up_window;
    int32_t down_window;
  };
  // clang-format off
  const Case cases[] = {
      {"empty recommendations for scaling down", {}, 100, 5, 5, 0, 0},
      {"simple scale down stabilization", {{kNow - 120, 4}, {kNow - 60, 5}}, 100, 3, 5, 0, 180},
      {"simple scale up stabilization", {{kNow - 120, 4}, {kNow - 60, 5}}, 1, 7, 4, 300, 0},
      {"no scale down stabilization", {{kNow - 120, 1}, {kNow - 60, 2}}, 100, 3, 3, 300, 0},
      {"no scale up stabilization", {{kNow - 120, 4}, {kNow - 60, 5}}, 1, 3, 3, 0, 300},
  };
  // clang-format on
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Behavior b;
    b.scale_up.stabilization_window_s = c.up_window;
    b.scale_down.stabilization_window_s = c.down_window;
    StabilizerState st;
    st.recommendations = c.recs;
    const StabilizerResult r = Stabilize(b, 0, 1000, c.current, c.prenormalized, st, kNow);
    EXPECT_EQ(r.stabilized, c.want);
    ASSERT_FALSE(st.recommendations.empty());
    EXPECT_EQ(st.recommendations.back().replicas, c.prenormalized);
  }
}

TEST(StabilizerTest, HandWorkedScalingWithRules) {
  struct Case {
    const char* name;
    ScalingRules up;
    ScalingRules down;
    int32_t min;
    int32_t max;
    std::vector<ScaleEvent> up_events;
    std::vector<ScaleEvent> down_events;
    int32_t current;
    int32_t prenormalized;
    int32_t want;
    RateOutcome want_outcome;
  };
  const ScalingRules kDefUp = Behavior::DefaultScaleUp();
  const ScalingRules kDefDown = Behavior::DefaultScaleDown();
  // clang-format off
  const Case cases[] = {
      {"ScaleUpWithDefaultBehavior", kDefUp, kDefDown, 1, 1000, {}, {}, 10, 50, 20,
       RateOutcome::kScaleUpLimit},
      {"ScaleUpDefaultBehaviorFourPodsFromSmallCount", kDefUp, kDefDown, 1, 1000, {}, {}, 1, 50, 5,
       RateOutcome::kScaleUpLimit},
      {"ScaleUpWithPodsPolicy", Rules({Pods(4)}), kDefDown, 1, 1000, {}, {}, 3, 50, 7,
       RateOutcome::kScaleUpLimit},
      {"ScaleUpWithPercentPolicy", Rules({Percent(100)}), kDefDown, 1, 1000, {}, {}, 3, 50, 6,
       RateOutcome::kScaleUpLimit},
      {"ScaleUpPodsPolicyLargerThanPercentPolicy", Rules({Pods(100), Percent(100)}), kDefDown, 1,
       1000, {}, {}, 3, 200, 103, RateOutcome::kScaleUpLimit},
      {"ScaleUpPercentPolicyLargerThanPodsPolicy", Rules({Pods(2), Percent(100)}), kDefDown, 1,
       1000, {}, {}, 3, 200, 6, RateOutcome::kScaleUpLimit},
      {"ScaleUpMinSelectPolicyPicksSmallestChange",
       Rules({Pods(2), Percent(100)}, SelectPolicy::kMin), kDefDown, 1, 1000, {}, {}, 3, 200, 5,
       RateOutcome::kScaleUpLimit},
      {"ScaleUpPercentRoundsUp", Rules({Percent(10)}), kDefDown, 1, 1000, {}, {}, 3, 50, 4,
       RateOutcome::kScaleUpLimit},
      {"ScaleUpWithSpecMaxReplicasLimitation", Rules({Pods(100)}), kDefDown, 1, 5, {}, {}, 3, 50, 5,
       RateOutcome::kTooMany},
      {"ScaleUpWithinLimitsIsUnchanged", Rules({Pods(4)}), kDefDown, 1, 1000, {}, {}, 3, 6, 6,
       RateOutcome::kWithinRange},
      {"ScaleUpEventsInPeriodReduceTheLimit", Rules({Pods(4)}), kDefDown, 1, 1000, {{kNow - 30, 3}},
       {}, 10, 20, 11, RateOutcome::kScaleUpLimit},
      {"ScaleUpEventsOlderThanPeriodIgnored", Rules({Pods(4)}), kDefDown, 1, 1000, {{kNow - 61, 3}},
       {}, 10, 20, 14, RateOutcome::kScaleUpLimit},
      {"ScaleUpAfterScaleDownInPeriodStartsHigher", Rules({Pods(4)}), kDefDown, 1, 1000, {},
       {{kNow - 10, 2}}, 10, 20, 16, RateOutcome::kScaleUpLimit},
      {"ScaleUpLimitBelowCurrentPinnedToCurrent", Rules({Pods(2)}), kDefDown, 1, 1000,
       {{kNow - 5, 8}}, {}, 10, 20, 10, RateOutcome::kScaleUpLimit},
      {"ScaleUpPercentUsesPeriodStartReplicas", Rules({Percent(100)}), kDefDown, 1, 1000,
       {{kNow - 20, 2}, {kNow - 40, 1}}, {}, 10, 40, 14, RateOutcome::kScaleUpLimit},
      {"ScaleUpDisabled", Rules({Pods(4)}, SelectPolicy::kDisabled), kDefDown, 1, 1000, {}, {}, 5,
       9, 5, RateOutcome::kScaleUpLimit},
      {"ScaleDownWithDefaultBehavior", kDefUp, kDefDown, 1, 1000, {}, {}, 10, 2, 2,
       RateOutcome::kWithinRange},
      {"ScaleDownWithPodsPolicy", kDefUp, Rules({Pods(1)}), 1, 1000, {}, {}, 10, 2, 9,
       RateOutcome::kScaleDownLimit},
      {"ScaleDownPercentTruncates", kDefUp, Rules({Percent(30)}), 1, 1000, {}, {}, 9, 2, 6,
       RateOutcome::kScaleDownLimit},
      {"ScaleDownMaxSelectPicksLargestChange", kDefUp, Rules({Pods(1), Percent(50)}), 1, 1000, {},
       {}, 10, 2, 5, RateOutcome::kScaleDownLimit},
      {"ScaleDownMinSelectPicksSmallestChange", kDefUp,
       Rules({Pods(1), Percent(50)}, SelectPolicy::kMin), 1, 1000, {}, {}, 10, 2, 9,
       RateOutcome::kScaleDownLimit},
      {"ScaleDownWithMinReplicasLimitation", kDefUp, Rules({Percent(100)}), 5, 1000, {}, {}, 10, 2,
       5, RateOutcome::kTooFew},
      {"ScaleDownEventsInPeriodReduceTheLimit", kDefUp, Rules({Pods(2)}), 1, 1000, {},
       {{kNow - 30, 2}}, 8, 2, 8, RateOutcome::kScaleDownLimit},
      {"ScaleDownAfterScaleUpInPeriodStartsLower", kDefUp, Rules({Percent(50)}), 1, 1000,
       {{kNow - 30, 5}}, {}, 10, 3, 3, RateOutcome::kWithinRange},
      {"ScaleDownDisabled", kDefUp, Rules({Pods(4)}, SelectPolicy::kDisabled), 1, 1000, {}, {}, 8,
       2, 8, RateOutcome::kScaleDownLimit},
      {"NoChangeNoLimit", kDefUp, kDefDown, 1, 1000, {}, {}, 7, 7, 7, RateOutcome::kWithinRange},
  };
  // clang-format on
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Behavior b;
    b.scale_up = c.up;
    b.scale_down = c.down;
    StabilizerState st;
    st.scale_up_events = c.up_events;
    st.scale_down_events = c.down_events;
    const RateResult r = LimitRate(b, st, c.min, c.max, c.current, c.prenormalized, kNow);
    EXPECT_EQ(r.desired, c.want);
    EXPECT_EQ(r.outcome, c.want_outcome);
  }
}

TEST(StabilizerTest, HandWorkedStabilizationWindows) {
  struct Case {
    const char* name;
    int32_t up_window;
    int32_t down_window;
    std::vector<TimedRecommendation> recs;
    int32_t current;
    int32_t recommended;
    int32_t want;
  };
  // clang-format off
  const Case cases[] = {
      {"AllWindowsEmpty", 0, 0, {}, 4, 5, 5},
      {"ScaleUpHeldToLowestRecentRecommendation", 60, 0, {{kNow - 30, 5}, {kNow - 10, 7}}, 4, 10,
       5},
      {"ScaleUpRecommendationsOutsideWindowIgnored", 60, 0, {{kNow - 61, 5}}, 4, 10, 10},
      {"ScaleUpNeverBelowCurrent", 60, 0, {{kNow - 30, 2}}, 4, 10, 4},
      {"ScaleDownHeldToHighestRecentRecommendation", 0, 300, {{kNow - 100, 8}, {kNow - 200, 6}}, 10,
       3, 8},
      {"ScaleDownWindowExpired", 0, 300, {{kNow - 301, 8}}, 10, 3, 3},
      {"ScaleDownNeverAboveCurrent", 0, 300, {{kNow - 100, 12}}, 10, 3, 10},
      {"CurrentBetweenBoundsHolds", 60, 300, {{kNow - 10, 2}, {kNow - 20, 12}}, 6, 8, 6},
      {"RecommendationAtCutoffIsOutside", 60, 0, {{kNow - 60, 5}}, 4, 10, 10},
  };
  // clang-format on
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Behavior b;
    b.scale_up.stabilization_window_s = c.up_window;
    b.scale_down.stabilization_window_s = c.down_window;
    StabilizerState st;
    st.recommendations = c.recs;
    EXPECT_EQ(StabilizeWithWindows(b, st, c.current, c.recommended, kNow).stabilized, c.want);
  }
}

TEST(StabilizerTest, WindowsThenRatePolicies) {
  // Windows then rates, as normalizeDesiredReplicasWithBehaviors.
  struct Case {
    const char* name;
    Behavior behavior;
    std::vector<TimedRecommendation> recs;
    int32_t current;
    int32_t recommended;
    int32_t want_stabilized;
    int32_t want_desired;
  };
  Behavior slow_up;
  slow_up.scale_up = Rules({Pods(2, 15)}, SelectPolicy::kMax, 0);
  Behavior window_and_rate;
  window_and_rate.scale_down = Rules({Pods(1, 60)}, SelectPolicy::kMax, 120);
  // clang-format off
  const Case cases[] = {
      {"ScaleUpStabilizedThenRateLimited", slow_up, {}, 5, 15, 15, 7},
      {"ScaleDownStabilizedByWindow", window_and_rate, {{kNow - 60, 9}}, 10, 4, 9, 9},
      {"ScaleDownWindowThenPodsRate", window_and_rate, {{kNow - 60, 6}}, 10, 4, 6, 9},
      {"ScaleDownExpiredWindowStillRateLimited", window_and_rate, {{kNow - 200, 9}}, 10, 4, 4, 9},
  };
  // clang-format on
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    StabilizerState st;
    st.recommendations = c.recs;
    const StabilizerResult r = Stabilize(c.behavior, 1, 100, c.current, c.recommended, st, kNow);
    EXPECT_EQ(r.stabilized, c.want_stabilized);
    EXPECT_EQ(r.desired, c.want_desired);
    ASSERT_FALSE(st.recommendations.empty());
    EXPECT_EQ(st.recommendations.back().replicas, c.recommended);  // unstabilised is recorded
  }
}

TEST(StabilizerTest, RecordsEventsAndPrunesOldEntries) {
  Behavior b;  // windows 0 / 300, periods 15
  StabilizerState st;
  RecordScaleEvent(b, st, 4, 8, 100);
  RecordScaleEvent(b, st, 8, 6, 105);
  RecordScaleEvent(b, st, 6, 6, 106);  // no change: no event
  ASSERT_EQ(st.scale_up_events.size(), 1u);
  EXPECT_EQ(st.scale_up_events[0].delta, 4);
  ASSERT_EQ(st.scale_down_events.size(), 1u);
  EXPECT_EQ(st.scale_down_events[0].delta, 2);
  st.recommendations = {{0, 3}, {200, 5}};
  PruneState(b, st, 350);  // window 300, period 15
  ASSERT_EQ(st.recommendations.size(), 1u);
  EXPECT_EQ(st.recommendations[0].replicas, 5);
  EXPECT_TRUE(st.scale_up_events.empty());
  EXPECT_TRUE(st.scale_down_events.empty());
}

TEST(StabilizerTest, ScaleDownWindowHoldsAcrossPasses) {
  // The HPA's classic case: a spike then a drop; the 300 s window keeps the peak.
  Behavior b;
  StabilizerState st;
  int32_t current = 4;
  const struct {
    double t;
    int32_t rec;
    int32_t want;
  } steps[] = {{0, 10, 8}, {15, 10, 10}, {30, 3, 10}, {200, 3, 10}, {316, 3, 3}};
  for (const auto& s : steps) {
    SCOPED_TRACE(s.t);
    const StabilizerResult r = Stabilize(b, 1, 100, current, s.rec, st, s.t);
    EXPECT_EQ(r.desired, s.want);
    RecordScaleEvent(b, st, current, r.desired, s.t);
    current = r.desired;
  }
}

}  // namespace
}  // namespace slo::policies
