// Tests for policies/node_pool.h: nodes per contributor, shared pools, capped capacity.
#include "policies/node_pool.h"

#include <gtest/gtest.h>

#include <vector>

namespace slo::policies {
namespace {

TEST(NodePoolTest, NodesForOneContributor) {
  struct Case {
    const char* name;
    int32_t replicas;
    int32_t gpr;
    int32_t gpn;
    int64_t want;
  };
  const Case cases[] = {
      {"OneGpuReplicasPackEight", 9, 1, 8, 2},  // ceil(9/8)
      {"TwoGpuReplicas", 6, 2, 8, 2},           // ceil(12/8)
      {"FullNodeReplicas", 3, 8, 8, 3},
      {"SpanningReplicasTakeWholeNodes", 3, 16, 8, 6},      // 3 × ceil(16/8)
      {"SpanningRoundsUpPerReplica", 2, 12, 8, 4},          // 2 × ceil(12/8), not ceil(24/8) = 3
      {"NonDividingSizeDoesNotSplitReplicas", 8, 3, 8, 4},  // 2 per node, not ceil(24/8) = 3
      {"ZeroReplicas", 0, 1, 8, 0},
      {"InvalidSizes", 4, 0, 8, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(NodesForReplicas(c.replicas, c.gpr, c.gpn), c.want);
  }
}

TEST(NodePoolTest, SharedPoolSumsContributorsAndClamps) {
  struct Case {
    const char* name;
    NodePoolSpec pool;
    std::vector<PoolContributor> demands;
    int64_t want_required;
    int32_t want_nodes;
    bool want_capped;
  };
  const Case cases[] = {
      {"PowerOfTwoSizesShareNodes", {8, 0, 10}, {{6, 2}, {3, 4}}, 3, 3, false},
      {"OneGpuAndTwoGpuFillGaps", {8, 0, 10}, {{3, 1}, {3, 2}}, 2, 2, false},  // 9 GPUs
      {"SpanningPlusShared", {8, 0, 10}, {{2, 16}, {4, 1}}, 5, 5, false},
      {"NonChainSizesSumPerContributor", {8, 0, 10}, {{3, 3}, {3, 2}}, 3, 3, false},
      {"MinNodesFloor", {8, 2, 10}, {{1, 1}}, 1, 2, false},
      {"MaxNodesCap", {8, 0, 4}, {{40, 1}}, 5, 4, true},
      {"EmptyPoolAtMin", {8, 1, 4}, {}, 0, 1, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const NodePoolSize s = SizeNodePool(c.pool, c.demands);
    EXPECT_EQ(s.required_nodes, c.want_required);
    EXPECT_EQ(s.nodes, c.want_nodes);
    EXPECT_EQ(s.capped, c.want_capped);
  }
}

TEST(NodePoolTest, CappedPoolCapacityAfterOtherContributors) {
  struct Case {
    const char* name;
    NodePoolSpec pool;
    std::vector<PoolContributor> others;
    int32_t gpr;
    int32_t want;
  };
  const Case cases[] = {
      {"EmptyPoolOneGpu", {8, 0, 10}, {}, 1, 80},
      {"EmptyPoolSpanning", {8, 0, 10}, {}, 16, 5},
      {"LeftoverGpusOnSharedNodesCount", {8, 0, 2}, {{5, 2}}, 2, 3},  // 16 - 10 GPUs
      {"OthersFillThePool", {8, 0, 2}, {{16, 1}}, 1, 0},
      {"NonChainUsesFreeNodes", {8, 0, 3}, {{2, 3}}, 2, 8},  // 1 node used, 2 free × 4
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(PoolReplicaCapacity(c.pool, c.others, c.gpr), c.want);
  }
  EXPECT_EQ(ReplicasOnNodes(3, 2, 8), 12);
  EXPECT_EQ(ReplicasOnNodes(5, 16, 8), 2);
}

}  // namespace
}  // namespace slo::policies
