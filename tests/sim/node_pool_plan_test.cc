// The simulator's node pool driven by policies/node_pool_plan.h (the controller's planner):
// nodes take node_provision_s to be Ready, replicas on them wait, and planned nodes stay until
// the planner shrinks them.
#include <gtest/gtest.h>

#include <vector>

#include "sim/fleet.h"

namespace slo::sim {
namespace {

FleetConfig PlannedPool() {
  FleetConfig c;
  c.concurrency_per_replica = 1;
  c.startup_s = 60;
  c.node_pool = policies::NodePoolSizing{1, 2, 0, 4};  // 2 replicas per node, up to 4 nodes
  c.node_provision_s = 180;
  c.planned_nodes = true;
  return c;
}

TEST(SimNodePoolPlanTest, ReplicasWaitForProvisionedNodes) {
  std::vector<TraceRequest> reqs;
  Fleet f(PlannedPool(), &reqs, 1);
  f.SetNodes(2, 0);  // the pool first, as on a scale-up
  EXPECT_EQ(f.nodes(), 2);
  EXPECT_EQ(f.ready_nodes(), 0);
  EXPECT_EQ(f.SetDesired(3, 0), 3);
  for (const auto& r : f.replicas()) EXPECT_DOUBLE_EQ(r.ready_s, 180.0 + 60.0);
  f.SetNodes(2, 200);
  EXPECT_EQ(f.ready_nodes(), 2);
}

TEST(SimNodePoolPlanTest, PlannedNodesOutliveTheReplicasUntilSetNodes) {
  std::vector<TraceRequest> reqs;
  Fleet f(PlannedPool(), &reqs, 1);
  f.SetNodes(2, 0);
  f.SetDesired(4, 0);
  f.SetDesired(0, 300);
  EXPECT_EQ(f.nodes(), 2) << "the planner, not the replicas, shrinks a planned pool";
  f.SetDesired(2, 400);  // back within the window: the Ready node is reused at once
  EXPECT_DOUBLE_EQ(f.replicas().back().ready_s, 400.0 + 60.0);
  f.SetNodes(0, 500);
  EXPECT_EQ(f.nodes(), 1) << "never below what the running replicas need";
}

}  // namespace
}  // namespace slo::sim
