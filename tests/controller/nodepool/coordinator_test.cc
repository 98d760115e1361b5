// NodePoolCoordinator with a fake pool port: dry run, failed patches, stuck pools, and the
// merge-patch helpers of the Kubernetes port.
#include "controller/nodepool/coordinator.h"

#include <gtest/gtest.h>

#include "controller/nodepool/kube_node_pool_port.h"
#include "tests/controller/reconcile/fakes.h"

namespace slo::controller {
namespace {

using json = nlohmann::json;

class FakeNodePoolPort : public NodePoolPort {
 public:
  std::optional<PoolState> pool;  // nullopt: not found
  bool fail_patch = false;
  std::vector<int32_t> patches;
  PodCounts pods;
  std::optional<PoolState> GetPool(const PoolRef&, PortError* error) override {
    if (!pool) {
      error->message = "machinedeployments \"gpu\" not found";
      error->not_found = true;
    }
    return pool;
  }
  bool SetPoolNodes(const PoolRef&, int32_t nodes, PortError* error) override {
    if (fail_patch) {
      error->message = "forbidden";
      return false;
    }
    patches.push_back(nodes);
    pool->nodes = nodes;
    return true;
  }
  std::optional<PodCounts> CountPods(const std::string&, const std::string&, PortError*) override {
    return pods;
  }
};

InferenceAutoscaler Ia(const std::string& name, int32_t gpr, int32_t max_nodes) {
  InferenceAutoscaler ia;
  ia.meta.name = name;
  ia.meta.namespace_ = "serving";
  ia.scale_target_ref = {"apps/v1", "Deployment", name, ""};
  NodePoolSpec np;
  np.scale_target_ref = {"cluster.x-k8s.io/v1beta1", "MachineDeployment", "gpu", "capi"};
  np.sizing.gpus_per_replica = gpr;
  np.sizing.gpus_per_node = 8;
  np.sizing.max_nodes = max_nodes;
  ia.node_pool = np;
  return ia;
}

policies::Decision Desired(int32_t current, int32_t desired) {
  policies::Decision d;
  d.current_replicas = current;
  d.desired_replicas = desired;
  return d;
}

TEST(NodePoolCoordinatorTest, DryRunPlansButNeverPatches) {
  FakeNodePoolPort port;
  port.pool = PoolState{1, 1, {}};
  FakeEventPort events;
  NodePoolCoordinatorOptions o;
  o.dry_run = true;
  NodePoolCoordinator c(&port, &events, o);
  const auto ia = Ia("chat", 8, 10);
  c.BeginPass({{"serving/chat", "u1", &ia, "serving", {2, 2, "app=chat"}, true}}, 0);
  c.BeforeReplicas({{"serving/chat", Desired(2, 4)}}, 0);
  const auto lines = c.AfterReplicas(0);
  EXPECT_TRUE(port.patches.empty());
  ASSERT_EQ(lines.size(), 1u);
  const json line = json::parse(lines[0]);
  EXPECT_EQ(line["desiredNodes"], 4);
  EXPECT_EQ(line["dryRun"], true);
  EXPECT_EQ(line["actuated"], false);
  EXPECT_TRUE(events.events.empty());
}

TEST(NodePoolCoordinatorTest, FailedPatchSetsConditionAndWarns) {
  FakeNodePoolPort port;
  port.pool = PoolState{1, 1, {}};
  port.fail_patch = true;
  FakeEventPort events;
  NodePoolCoordinator c(&port, &events, {});
  const auto ia = Ia("chat", 8, 10);
  c.BeginPass({{"serving/chat", "u1", &ia, "serving", {2, 2, "app=chat"}, false}}, 0);
  c.BeforeReplicas({{"serving/chat", Desired(2, 3)}}, 0);
  const auto out = c.Outcome("serving/chat");
  ASSERT_TRUE(out.has_value());
  ASSERT_FALSE(out->conditions.empty());
  EXPECT_EQ(out->conditions[0].type, kCondNodePoolManaged);
  EXPECT_EQ(out->conditions[0].status, "False");
  EXPECT_EQ(out->conditions[0].reason, "FailedNodePoolScale");
  ASSERT_EQ(events.events.size(), 1u);
  EXPECT_EQ(events.events[0].reason, "FailedNodePoolScale");
  EXPECT_EQ(events.events[0].type, "Warning");
  EXPECT_NE(json::parse(c.AfterReplicas(0)[0]).value("error", ""), "");
}

TEST(NodePoolCoordinatorTest, StuckPoolGivesOnlyTheReadyNodesAsCapacity) {
  FakeNodePoolPort port;
  port.pool = PoolState{1, 1, {{kNodeReadyTimeoutAnnotation, "60"}}};
  NodePoolCoordinator c(&port, nullptr, {});
  const auto ia = Ia("chat", 8, 10);
  auto pass = [&](double t, int32_t current, int32_t desired) {
    c.BeginPass({{"serving/chat", "u1", &ia, "serving", {current, current, "app=chat"}, false}}, t);
    policies::Observation obs;
    c.Annotate("serving/chat", &obs);
    c.BeforeReplicas({{"serving/chat", Desired(current, desired)}}, t);
    c.AfterReplicas(t);
    return obs;
  };
  EXPECT_EQ(pass(0, 1, 3).pool_replica_capacity, 10);  // raises to 3 nodes
  ASSERT_EQ(port.patches, std::vector<int32_t>{3});
  pass(30, 3, 3);  // one node Ready of three, within the timeout
  pass(61, 3, 5);  // past the timeout: stuck, no raise to 5
  EXPECT_EQ(port.patches, std::vector<int32_t>{3});
  const auto obs = pass(75, 3, 5);
  EXPECT_EQ(obs.pool_replica_capacity, 1) << "only the Ready node counts while stuck";
  const auto out = c.Outcome("serving/chat");
  ASSERT_TRUE(out.has_value());
  bool stuck = false;
  for (const auto& cond : out->conditions) {
    stuck = stuck || (cond.type == "ScalingLimited" && cond.reason == "NodesNotReady");
  }
  EXPECT_TRUE(stuck);
}

TEST(NodePoolCoordinatorTest, AutoscalersWithoutNodePoolAreIgnored) {
  FakeNodePoolPort port;
  NodePoolCoordinator c(&port, nullptr, {});
  InferenceAutoscaler ia = Ia("chat", 1, 1);
  ia.node_pool.reset();
  c.BeginPass({{"serving/chat", "u1", &ia, "serving", {1, 1, ""}, false}}, 0);
  EXPECT_FALSE(c.Outcome("serving/chat").has_value());
  EXPECT_TRUE(c.AfterReplicas(0).empty());
}

TEST(KubeNodePoolPortTest, MergePatchAndFieldPaths) {
  struct Case {
    const char* name;
    const char* path;
    json want_patch;
  };
  const Case cases[] = {
      {"AckNodegroup", "spec.scalingConfig.desiredSize",
       {{"spec", {{"scalingConfig", {{"desiredSize", 3}}}}}}},
      {"ConfigConnectorNodeCount", "spec.nodeCount", {{"spec", {{"nodeCount", 3}}}}},
      {"LeadingDotIgnored", ".spec.replicas", {{"spec", {{"replicas", 3}}}}},
      {"EmptyPathPatchesNothing", "", json::object()},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const json patch = MergePatchForPath(c.path, 3);
    EXPECT_EQ(patch, c.want_patch);
    if (!patch.empty()) {
      EXPECT_EQ(IntAtPath(patch, c.path), 3);
    }
  }
  EXPECT_FALSE(IntAtPath(json{{"spec", {{"x", "3"}}}}, "spec.x").has_value());
  EXPECT_FALSE(IntAtPath(json{{"spec", 1}}, "spec.x.y").has_value());
}

}  // namespace
}  // namespace slo::controller
