// Tests for policies/node_pool_plan.h: order of pool and replica patches, the scale-down window,
// the floor of running replicas, shared pools, limits and stuck detection.
#include "policies/node_pool_plan.h"

#include <gtest/gtest.h>

#include <vector>

namespace slo::policies {
namespace {

PoolPlanContributor C(const char* key, int32_t gpr, int32_t current, int32_t existing,
                      int32_t desired, int32_t pending = 0) {
  return {key, gpr, current, existing, desired, pending};
}

PoolPlanInput Pool(int32_t current, int32_t min_nodes, int32_t max_nodes,
                   std::vector<PoolPlanContributor> cs, std::optional<int32_t> ready = {}) {
  PoolPlanInput in;
  in.gpus_per_node = 8;
  in.min_nodes = min_nodes;
  in.max_nodes = max_nodes;
  in.current_nodes = current;
  in.ready_nodes = ready;
  in.contributors = std::move(cs);
  return in;
}

TEST(NodePoolPlanTest, OnePassDecisions) {
  struct Case {
    const char* name;
    PoolPlanInput in;
    int32_t want_desired;
    bool want_patch;
    PoolPatchPhase want_phase;
    PoolReason want_reason;
    bool want_limited;
  };
  const Case cases[] = {
      {"ScaleUpPatchesPoolBeforeReplicas", Pool(1, 0, 10, {C("a", 2, 4, 4, 8)}), 2, true,
       PoolPatchPhase::kBeforeReplicas, PoolReason::kScaleUp, false},
      {"SharedPoolSumsContributors",  // 8x2 + 4x4 = 32 GPUs = 4 nodes
       Pool(2, 0, 10, {C("a", 2, 4, 4, 8), C("b", 4, 2, 2, 4)}), 4, true,
       PoolPatchPhase::kBeforeReplicas, PoolReason::kScaleUp, false},
      {"DemandBeyondMaxRaisesToMaxAndIsLimited", Pool(3, 0, 5, {C("a", 8, 3, 3, 9)}), 5, true,
       PoolPatchPhase::kBeforeReplicas, PoolReason::kAtMaxNodes, true},
      {"AtMaxWithPendingPodsIsLimitedWithoutPatch", Pool(5, 0, 5, {C("a", 8, 7, 7, 7, 2)}), 5,
       false, PoolPatchPhase::kNone, PoolReason::kAtMaxNodes, true},
      {"SteadyWhenPoolMatches", Pool(2, 0, 10, {C("a", 8, 2, 2, 2)}), 2, false,
       PoolPatchPhase::kNone, PoolReason::kSteady, false},
      {"MinNodesKeepsAnIdlePool", Pool(2, 2, 10, {C("a", 8, 0, 0, 0)}), 2, false,
       PoolPatchPhase::kNone, PoolReason::kSteady, false},
      {"ScaleDownFirstPassOnlyStartsTheWindow", Pool(4, 0, 10, {C("a", 8, 4, 4, 1)}), 4, false,
       PoolPatchPhase::kNone, PoolReason::kScaleDownStabilizing, false},
      {"BelowMinRaisesToMin", Pool(0, 1, 10, {C("a", 8, 0, 0, 0)}), 1, true,
       PoolPatchPhase::kBeforeReplicas, PoolReason::kScaleUp, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const NodePoolPlan p = PlanNodePool(c.in, {}, {}, 1000);
    EXPECT_EQ(p.desired_nodes, c.want_desired);
    EXPECT_EQ(p.patch, c.want_patch);
    EXPECT_EQ(p.phase, c.want_phase);
    EXPECT_EQ(PoolReasonName(p.reason), PoolReasonName(c.want_reason));
    EXPECT_EQ(p.limited, c.want_limited);
    EXPECT_FALSE(p.message.empty());
  }
}

TEST(NodePoolPlanTest, AContributorCappedByTheFullPoolMarksItLimited) {
  PoolPlanInput in = Pool(2, 0, 2, {C("a", 8, 2, 2, 2)});
  EXPECT_FALSE(PlanNodePool(in, {}, {}, 0).limited);
  in.contributors[0].capped_by_pool = true;
  const NodePoolPlan p = PlanNodePool(in, {}, {}, 0);
  EXPECT_TRUE(p.limited);
  EXPECT_EQ(p.reason, PoolReason::kAtMaxNodes);
  EXPECT_FALSE(p.patch);
}

TEST(NodePoolPlanTest, ScaleDownWaitsForTheWindowAndThePods) {
  NodePoolPlannerOptions opt;
  opt.scale_down_window_s = 600;
  NodePoolPlanState st;
  // t=0: replicas go 4 -> 1 (8 GPUs each); the Deployment shrinks first, pods still exist.
  auto p = PlanNodePool(Pool(4, 0, 10, {C("a", 8, 4, 4, 1)}), st, opt, 0);
  EXPECT_FALSE(p.patch);
  EXPECT_EQ(p.reason, PoolReason::kScaleDownStabilizing);
  st = p.next_state;
  // t=300: pods gone but the window has not passed.
  p = PlanNodePool(Pool(4, 0, 10, {C("a", 8, 1, 1, 1)}), st, opt, 300);
  EXPECT_FALSE(p.patch);
  EXPECT_EQ(p.reason, PoolReason::kScaleDownStabilizing);
  st = p.next_state;
  // t=600: window passed, but three pods still terminating: never below what they need.
  p = PlanNodePool(Pool(4, 0, 10, {C("a", 8, 1, 4, 1)}), st, opt, 600);
  EXPECT_FALSE(p.patch);
  EXPECT_EQ(p.reason, PoolReason::kWaitingForPodsToTerminate);
  EXPECT_EQ(p.desired_nodes, 4);
  st = p.next_state;
  // t=630: pods gone: shrink after the replicas.
  p = PlanNodePool(Pool(4, 0, 10, {C("a", 8, 1, 1, 1)}), st, opt, 630);
  EXPECT_TRUE(p.patch);
  EXPECT_EQ(p.phase, PoolPatchPhase::kAfterReplicas);
  EXPECT_EQ(p.reason, PoolReason::kScaleDown);
  EXPECT_EQ(p.desired_nodes, 1);
  EXPECT_FALSE(p.next_state.below_since_s.has_value());
}

TEST(NodePoolPlanTest, ScaleDownShrinksToTheLargestDemandInTheWindow) {
  NodePoolPlannerOptions opt;
  opt.scale_down_window_s = 100;
  NodePoolPlanState st;
  st = PlanNodePool(Pool(5, 0, 10, {C("a", 8, 5, 1, 1)}), st, opt, 0).next_state;
  st = PlanNodePool(Pool(5, 0, 10, {C("a", 8, 1, 3, 3)}), st, opt, 50).next_state;
  auto p = PlanNodePool(Pool(5, 0, 10, {C("a", 8, 3, 2, 2)}), st, opt, 120);
  EXPECT_TRUE(p.patch);
  EXPECT_EQ(p.desired_nodes, 3);  // the 3 seen at t=50, not today's 2
}

TEST(NodePoolPlanTest, DemandRecoveringDuringTheWindowRestartsIt) {
  NodePoolPlannerOptions opt;
  opt.scale_down_window_s = 100;
  NodePoolPlanState st;
  st = PlanNodePool(Pool(4, 0, 10, {C("a", 8, 4, 4, 2)}), st, opt, 0).next_state;
  ASSERT_TRUE(st.below_since_s.has_value());
  st = PlanNodePool(Pool(4, 0, 10, {C("a", 8, 2, 2, 4)}), st, opt, 50).next_state;
  EXPECT_FALSE(st.below_since_s.has_value());
  auto p = PlanNodePool(Pool(4, 0, 10, {C("a", 8, 4, 4, 2)}), st, opt, 120);
  EXPECT_FALSE(p.patch);
  EXPECT_EQ(p.reason, PoolReason::kScaleDownStabilizing);
}

TEST(NodePoolPlanTest, NodesNotReadyInTimeStopsRaisingAndCapsCapacity) {
  NodePoolPlannerOptions opt;
  opt.node_ready_timeout_s = 60;
  NodePoolPlanState st;
  auto p = PlanNodePool(Pool(1, 0, 10, {C("a", 8, 1, 1, 3)}, 1), st, opt, 0);
  ASSERT_TRUE(p.patch);
  st = p.next_state;
  // t=30: the pool says 3, one node Ready: still within the timeout.
  p = PlanNodePool(Pool(3, 0, 10, {C("a", 8, 3, 3, 3, 2)}, 1), st, opt, 30);
  EXPECT_FALSE(p.stuck);
  st = p.next_state;
  // t=61: still one Ready: stuck; a bigger demand is not patched.
  p = PlanNodePool(Pool(3, 0, 10, {C("a", 8, 3, 3, 5, 2)}, 1), st, opt, 61);
  EXPECT_TRUE(p.stuck);
  EXPECT_FALSE(p.patch);
  EXPECT_EQ(p.reason, PoolReason::kNodesNotReady);
  st = p.next_state;
  // Capacity counts only the Ready node while stuck.
  auto caps = ReplicaCapacities(Pool(3, 0, 10, {C("a", 8, 3, 3, 0)}, 1), st);
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_EQ(caps[0], 1);
  // All three Ready: unstuck, the next raise goes through.
  p = PlanNodePool(Pool(3, 0, 10, {C("a", 8, 3, 3, 5)}, 3), st, opt, 90);
  EXPECT_FALSE(p.stuck);
  EXPECT_TRUE(p.patch);
  EXPECT_EQ(p.desired_nodes, 5);
}

TEST(NodePoolPlanTest, PoolSetBackAfterPatchIsNotRepatchedInALoop) {
  NodePoolPlannerOptions opt;
  opt.repatch_backoff_s = 300;
  NodePoolPlanState st;
  auto p = PlanNodePool(Pool(2, 0, 10, {C("a", 8, 2, 2, 4)}), st, opt, 0);
  ASSERT_TRUE(p.patch);
  st = p.next_state;
  // Something set the pool back to 2: hold for the backoff, then try again.
  p = PlanNodePool(Pool(2, 0, 10, {C("a", 8, 2, 2, 4)}), st, opt, 15);
  EXPECT_FALSE(p.patch);
  EXPECT_EQ(p.reason, PoolReason::kRepatchBackoff);
  p = PlanNodePool(Pool(2, 0, 10, {C("a", 8, 2, 2, 4)}), p.next_state, opt, 301);
  EXPECT_TRUE(p.patch);
}

TEST(NodePoolPlanTest, CapacitiesShareTheCappedPool) {
  struct Case {
    const char* name;
    PoolPlanInput in;
    std::vector<int32_t> want;
  };
  const Case cases[] = {
      {"AloneGetsTheWholeMaxPool", Pool(1, 0, 2, {C("a", 2, 1, 1, 0)}), {8}},
      {"OthersCurrentReplicasComeFirst",  // 2 nodes = 16 GPUs; a holds 8, b holds 4
       Pool(2, 0, 2, {C("a", 2, 4, 4, 0), C("b", 4, 1, 1, 0)}),
       {6, 2}},
      {"FullPoolLeavesNothing", Pool(1, 0, 1, {C("a", 8, 1, 1, 0), C("b", 8, 1, 1, 0)}), {0, 0}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ReplicaCapacities(c.in, {}), c.want);
  }
}

TEST(NodePoolPlanTest, PlanReportsPerContributorCapacityAndGpus) {
  auto p = PlanNodePool(Pool(1, 0, 3, {C("a", 2, 2, 2, 6), C("b", 4, 1, 1, 2)}), {}, {}, 0);
  ASSERT_EQ(p.contributors.size(), 2u);
  EXPECT_EQ(p.demand_gpus, 20);
  EXPECT_EQ(p.desired_nodes, 3);          // ceil(20/8)
  EXPECT_EQ(p.contributors[0].gpus, 12);
  EXPECT_EQ(p.contributors[0].replica_capacity, 8);  // (24 - 8) / 2
  EXPECT_EQ(p.contributors[1].replica_capacity, 3);  // (24 - 12) / 4
  EXPECT_NE(p.message.find("a 2->6x2 GPUs"), std::string::npos) << p.message;
}

}  // namespace
}  // namespace slo::policies
