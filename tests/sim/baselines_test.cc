#include "sim/policies/baselines.h"

#include <gtest/gtest.h>

namespace slo::sim {
namespace {

TEST(SimHpaTest, HandWorkedCases) {
  struct Case {
    std::string name;
    HpaInput in;
    int32_t want;
  };
  // capacity 16 slots, target 0.7 -> 11.2 in flight per pod at target.
  const std::vector<Case> cases = {
      {"within tolerance holds", {4, 4, 0, 4 * 11.2 * 1.05, 16, 0.7, 0.1}, 4},
      {"over target scales by usage ratio", {4, 4, 0, 64, 16, 0.7, 0.1}, 6},  // ceil(1.4286*4)
      {"under target scales down", {10, 10, 0, 40, 16, 0.7, 0.1}, 4},         // ceil(0.357*10)
      {"missing pods count as zero on scale up", {6, 4, 2, 64, 16, 0.7, 0.1}, 6},
      // ratio 64/4/11.2 = 1.43 > 1; rebalanced 64/6/11.2 = 0.95 -> within tolerance: hold 6.
      {"missing pods flip direction holds", {8, 4, 4, 50, 16, 0.7, 0.1}, 8},
      // rebalanced 50/8/11.2 = 0.558 < 1 while the ratio was 1.116 > 1: hold.
      {"missing pods at target on scale down", {8, 4, 4, 8, 16, 0.7, 0.1}, 5},
      // ratio 8/4/11.2 = 0.179; rebalanced (8 + 4*11.2)/8/11.2 = 0.589 -> ceil(4.71) = 5.
      {"missing pods still over after rebalancing", {6, 4, 2, 100, 16, 0.7, 0.1}, 9},
      // ratio 2.23; rebalanced 100/6/11.2 = 1.488 -> ceil(8.93) = 9.
      {"no ready pods holds", {3, 0, 3, 10, 16, 0.7, 0.1}, 3},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(HpaRecommend(c.in), c.want) << c.name;
  }
}

TEST(SimKedaTest, AverageValueRule) {
  EXPECT_EQ(KedaRecommend(4, 100, 10, 0.1), 10);  // ceil(100 / 10)
  EXPECT_EQ(KedaRecommend(10, 104, 10, 0.1), 10); // 104 / (10 * 10) within 10 %
  EXPECT_EQ(KedaRecommend(10, 111, 10, 0.1), 12); // ceil(11.1)
  EXPECT_EQ(KedaRecommend(5, 0, 10, 0.1), 0);     // the HPA's minReplicas clamps later
  EXPECT_EQ(KedaRecommend(0, 3, 10, 0.1), 1);
}

TEST(SimKpaTest, StableModeFollowsTheStableWindow) {
  KpaSpec spec;  // target 11.2
  KpaState st;
  const auto s = KpaScale(spec, st, 4, 60, 70, 100);
  EXPECT_EQ(s.stable_pods, 6);  // ceil(60 / 11.2) = ceil(5.36)
  EXPECT_EQ(s.panic_pods, 7);   // ceil(6.25)
  EXPECT_FALSE(s.panicking);    // 7 / 4 < 2
  EXPECT_EQ(s.desired, 6);
}

TEST(SimKpaTest, PanicAtTwiceCapacityAndNoScaleDownWhilePanicking) {
  KpaSpec spec;
  KpaState st;
  auto s = KpaScale(spec, st, 2, 20, 50, 10);  // dppc = 5 >= 2 * 2: panic
  EXPECT_TRUE(s.panicking);
  EXPECT_EQ(s.desired, 5);
  s = KpaScale(spec, st, 5, 20, 10, 20);  // panic value fell, still in panic: hold 5
  EXPECT_TRUE(s.panicking);
  EXPECT_EQ(s.desired, 5);
  s = KpaScale(spec, st, 5, 20, 10, 71);  // 61 s after the last over-threshold tick: stable
  EXPECT_FALSE(s.panicking);
  EXPECT_EQ(s.desired, 2);  // ceil(20 / 11.2)
}

TEST(SimKpaTest, ScaleDownRateHalvesAtMost) {
  KpaSpec spec;
  KpaState st;
  const auto s = KpaScale(spec, st, 10, 0, 0, 5);
  EXPECT_EQ(s.desired, 5);  // floor(10 / 2)
}

TEST(SimOracleTest, MatchesTheErlangCSizing) {
  policies::ScalingConfig cfg;
  cfg.max_replicas = 100;
  cfg.capacity.concurrency_per_replica = 1;
  cfg.slo.latency_metric = policies::LatencyMetric::kQueueWait;
  cfg.slo.latency_threshold_s = 0.5;
  cfg.slo.latency_percentile = 90;
  // lambda 3, W 1 (A = 3 Erlangs), SCV 1: 4 servers give C = 0.509, P(Wq > 0.5) =
  // 0.509 * exp(-0.5) = 0.309 > 0.1; 5 servers: C = 0.236, * exp(-1) = 0.087 <= 0.1.
  EXPECT_EQ(OracleNeed(cfg, 3.0, 1.0, 1.0, 0.0), 5);
  EXPECT_EQ(OracleNeed(cfg, 0.0, 1.0, 1.0, 0.0), 0);
  cfg.slo.latency_metric = policies::LatencyMetric::kE2e;
  cfg.slo.latency_threshold_s = 0.9;  // less than the service time: unreachable -> max
  EXPECT_EQ(OracleNeed(cfg, 3.0, 1.0, 1.0, 0.0), 100);
}

TEST(SimBaselineDecisionTest, ReasonsFollowTheOutcome) {
  policies::ScalingConfig cfg;
  cfg.min_replicas = 1;
  cfg.max_replicas = 10;
  policies::Decision d;
  d.current_replicas = 4;
  FinishBaselineDecision(d, 8, 8, cfg, "x");
  EXPECT_EQ(d.reason, policies::Reason::kScaleUp);
  policies::Decision held;
  held.current_replicas = 4;
  FinishBaselineDecision(held, 2, 4, cfg, "x");
  EXPECT_EQ(held.reason, policies::Reason::kScaleDownStabilized);
  policies::Decision capped;
  capped.current_replicas = 10;
  FinishBaselineDecision(capped, 15, 10, cfg, "x");
  EXPECT_EQ(capped.reason, policies::Reason::kAtMaxReplicas);
}

}  // namespace
}  // namespace slo::sim
