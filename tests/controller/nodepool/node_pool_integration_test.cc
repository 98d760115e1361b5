// The node-pool coordinator inside the reconcile loop, against the test API server
// (tests/apiserver/apiserver.py): Cluster API MachineDeployments through /scale and a
// replicasPath kind (a CRD without /scale). The order of the pool and Deployment patches is
// read from the server's request log.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "controller/k8s/client.h"
#include "controller/nodepool/coordinator.h"
#include "controller/nodepool/kube_node_pool_port.h"
#include "controller/reconcile/reconciler.h"
#include "controller/reconcile/status.h"
#include "tests/controller/reconcile/fakes.h"
#include "tests/support/apiserver_fixture.h"

namespace slo::controller {
namespace {

using json = nlohmann::json;
using slo::testing::TestApiServer;

constexpr char kToken[] = "np-t0ken";
constexpr char kMdPath[] = "/apis/cluster.x-k8s.io/v1beta1/namespaces/capi/machinedeployments";

// ScalePort on the real client (the runtime has its own; this keeps the test off slo_runtime).
class ClientScalePort : public ScalePort {
 public:
  explicit ClientScalePort(k8s::KubeClient* c) : c_(c) {}
  std::optional<ScaleState> GetScale(const ObjectRef& ref, const std::string& ns,
                                     PortError* error) override {
    auto r = c_->GetScale({ref.api_version, ref.kind, ns, ref.name});
    if (!r.ok()) {
      error->message = r.error().Describe();
      error->not_found = r.error().IsNotFound();
      return std::nullopt;
    }
    return ScaleState{r.value().spec_replicas, r.value().status_replicas, r.value().selector};
  }
  bool SetReplicas(const ObjectRef& ref, const std::string& ns, int32_t replicas,
                   PortError* error) override {
    auto r = c_->PatchScale({ref.api_version, ref.kind, ns, ref.name}, replicas);
    if (!r.ok()) error->message = r.error().Describe();
    return r.ok();
  }

 private:
  k8s::KubeClient* c_;
};

json Deployment(const std::string& name, int replicas) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "x"}}})}}}}}}}};
}

json MachineDeployment(const std::string& name, int replicas, json annotations = json::object()) {
  return {{"apiVersion", "cluster.x-k8s.io/v1beta1"},
          {"kind", "MachineDeployment"},
          {"metadata", {{"name", name}, {"annotations", annotations}}},
          {"spec", {{"clusterName", "c1"}, {"replicas", replicas}}}};
}

json Autoscaler(const std::string& name, const std::string& deploy, json pool) {
  return {{"apiVersion", "slo-autoscaler.io/v1alpha1"},
          {"kind", "InferenceAutoscaler"},
          {"metadata", {{"name", name}, {"namespace", "serving"}, {"uid", "uid-" + name},
                        {"generation", 1}}},
          {"spec",
           {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", deploy}}},
            {"minReplicas", 1},
            {"maxReplicas", 8},
            {"slo", {{"latencyThresholdSeconds", 2.0}}},
            {"capacity", {{"concurrencyPerReplica", 4}, {"serviceTimeSeconds", 1.0}}},
            {"behavior", {{"scaleDown", {{"stabilizationWindowSeconds", 0}}}}},
            {"nodePool", pool}}}};
}

json MdPool(const std::string& name, int max_nodes) {
  return {{"scaleTargetRef", {{"apiVersion", "cluster.x-k8s.io/v1beta1"},
                              {"kind", "MachineDeployment"}, {"name", name}, {"namespace", "capi"}}},
          {"gpusPerReplica", 2},
          {"gpusPerNode", 8},
          {"minNodes", 0},
          {"maxNodes", max_nodes}};
}

// Little's law with W = 1 s on `slots` busy slots (4 replicas x 4): the rest waits in the queue.
ObservedMetrics Load(double rps, double slots = 16) {
  ObservedMetrics m;
  m.observation.arrival_rate_rps = rps;
  m.observation.in_flight = std::min(rps, slots);
  m.observation.queue_depth = std::max(0.0, rps - slots);
  m.observation.service_time_s = 1.0;
  m.observation.sample_age_s = 1.0;
  return m;
}

int64_t NodesFor(int32_t replicas) { return (replicas * 2 + 7) / 8; }

class NodePoolIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestApiServer::Options o;
    o.token = kToken;
    o.namespaces = {"serving", "capi"};
    std::string err;
    api_ = TestApiServer::Start(o, &err);
    ASSERT_TRUE(api_) << err;
    k8s::KubeConfig cfg;
    cfg.server = api_->url();
    cfg.token = kToken;
    k8s::ClientOptions co;
    co.call_timeout = std::chrono::milliseconds(3000);
    co.retry.max_attempts = 2;
    co.seed = 7;
    client_ = std::make_unique<k8s::KubeClient>(cfg, co);
    scale_ = std::make_unique<ClientScalePort>(client_.get());
    pool_port_ = std::make_unique<KubeNodePoolPort>(client_.get());
  }

  void Make(NodePoolCoordinatorOptions o = {}) {
    coordinator_ = std::make_unique<NodePoolCoordinator>(pool_port_.get(), &events_, o);
    ReconcilerPorts ports{scale_.get(), &status_, &events_, nullptr, &metrics_, &sink_, nullptr};
    ports.node_pools = coordinator_.get();
    reconciler_ = std::make_unique<Reconciler>(ports, ReconcilerOptions{});
  }

  void Post(const std::string& path, const json& body) {
    auto r = api_->Api("POST", path, body.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  void CreatePod(const std::string& name, const std::string& app, const std::string& phase) {
    Post("/api/v1/namespaces/serving/pods",
         {{"apiVersion", "v1"}, {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", {{"app", app}}}}},
          {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "x"}}})}}}});
    auto r = api_->Api("PATCH", "/api/v1/namespaces/serving/pods/" + name + "/status",
                       json{{"status", {{"phase", phase}}}}.dump(), "application/merge-patch+json");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  int SpecReplicas(const std::string& path) {
    return json::parse(api_->Api("GET", path).body)["spec"].value("replicas", -1);
  }
  // Lines of the given type written since `from`.
  std::vector<json> Lines(const std::string& type, size_t from = 0) {
    std::vector<json> out;
    for (size_t i = from; i < sink_.lines.size(); ++i) {
      json j = json::parse(sink_.lines[i]);
      if (j.value("type", "") == type) out.push_back(j);
    }
    return out;
  }
  // Index in the request log of the first PATCH whose path ends with suffix; -1 if none.
  static int FirstPatch(const json& log, const std::string& suffix) {
    int i = 0;
    for (const auto& r : log["requests"]) {
      const std::string p = r.value("path", "");
      if (r.value("method", "") == "PATCH" && p.size() >= suffix.size() &&
          p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return i;
      }
      ++i;
    }
    return -1;
  }
  static int CountPatches(const json& log, const std::string& fragment) {
    int n = 0;
    for (const auto& r : log["requests"]) {
      if (r.value("method", "") == "PATCH" &&
          r.value("path", "").find(fragment) != std::string::npos) {
        ++n;
      }
    }
    return n;
  }
  const json& Condition(const std::string& key, const std::string& type) {
    static const json kNone = json::object();
    for (const auto& c : status_.statuses[key]["conditions"]) {
      if (c.value("type", "") == type) return c;
    }
    return kNone;
  }

  std::unique_ptr<TestApiServer> api_;
  std::unique_ptr<k8s::KubeClient> client_;
  std::unique_ptr<ClientScalePort> scale_;
  std::unique_ptr<KubeNodePoolPort> pool_port_;
  FakeStatusPort status_;
  FakeEventPort events_;
  FakeMetricsPort metrics_;
  FakeDecisionSink sink_;
  std::unique_ptr<NodePoolCoordinator> coordinator_;
  std::unique_ptr<Reconciler> reconciler_;
};

TEST_F(NodePoolIntegrationTest, ScaleUpPatchesThePoolBeforeTheDeployment) {
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 4));
  Post(kMdPath, MachineDeployment("gpu", 1));
  Make();
  metrics_.by_key["serving/chat"] = Load(40);
  ASSERT_TRUE(api_->ClearRequests());
  reconciler_->RunPass({Autoscaler("chat", "web", MdPool("gpu", 10))}, 1000);

  const auto decisions = Lines("ScalingDecision");
  ASSERT_EQ(decisions.size(), 1u);
  const int32_t desired = decisions[0]["desiredReplicas"];
  ASSERT_GT(desired, 4) << decisions[0].dump();
  const json log = json::parse(api_->Requests());
  const int pool_patch = FirstPatch(log, "/machinedeployments/gpu/scale");
  const int deploy_patch = FirstPatch(log, "/deployments/web/scale");
  ASSERT_GE(pool_patch, 0);
  ASSERT_GE(deploy_patch, 0);
  EXPECT_LT(pool_patch, deploy_patch) << "the pool must be patched no later than the Deployment";
  EXPECT_EQ(SpecReplicas(std::string(kMdPath) + "/gpu"), NodesFor(desired));

  const auto pools = Lines("NodePoolDecision");
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(pools[0]["phase"], "BeforeReplicas");
  EXPECT_EQ(pools[0]["reason"], "ScaleUp");
  EXPECT_EQ(pools[0]["actuated"], true);
  EXPECT_EQ(pools[0]["contributors"].size(), 1u);
  EXPECT_EQ(decisions[0]["nodePool"]["desiredNodes"], NodesFor(desired));
  EXPECT_EQ(status_.statuses["serving/chat"]["nodePool"]["desiredNodes"], NodesFor(desired));
  EXPECT_EQ(Condition("serving/chat", kCondNodePoolManaged).value("status", ""), "True");
  bool event = false;
  for (const auto& e : events_.events) event = event || e.reason == "NodePoolScaleUp";
  EXPECT_TRUE(event);
}

TEST_F(NodePoolIntegrationTest, ScaleDownShrinksThePoolOnlyAfterTheReplicasAndTheWindow) {
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 8));
  // A 60 s node scale-down window set on the pool (the default is 600 s).
  Post(kMdPath, MachineDeployment("gpu", 2, {{kScaleDownWindowAnnotation, "60"}}));
  Make();
  metrics_.by_key["serving/chat"] = Load(0.5);
  const json ia = Autoscaler("chat", "web", MdPool("gpu", 10));
  const std::string md = std::string(kMdPath) + "/gpu";

  ASSERT_TRUE(api_->ClearRequests());
  reconciler_->RunPass({ia}, 1000);  // the Deployment shrinks; the pool waits
  json log = json::parse(api_->Requests());
  EXPECT_GE(FirstPatch(log, "/deployments/web/scale"), 0);
  EXPECT_EQ(CountPatches(log, "machinedeployments"), 0);
  EXPECT_EQ(SpecReplicas(md), 2);
  EXPECT_EQ(Lines("NodePoolDecision").back()["reason"], "ScaleDownStabilizing");

  reconciler_->RunPass({ia}, 1059);  // inside the window
  EXPECT_EQ(SpecReplicas(md), 2);

  // Five old pods are still there (terminating): past the window, the pool still waits.
  for (int i = 0; i < 5; ++i) CreatePod("web-old-" + std::to_string(i), "web", "Running");
  reconciler_->RunPass({ia}, 1061);
  EXPECT_EQ(SpecReplicas(md), 2);
  EXPECT_EQ(Lines("NodePoolDecision").back()["reason"], "WaitingForPodsToTerminate");
  EXPECT_EQ(Lines("NodePoolDecision").back()["contributors"][0]["existingPods"], 5);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(api_->Api("DELETE", "/api/v1/namespaces/serving/pods/web-old-" + std::to_string(i))
                  .status,
              200);
  }

  const size_t from = sink_.lines.size();
  reconciler_->RunPass({ia}, 1062);  // window passed, pods gone
  const auto pools = Lines("NodePoolDecision", from);
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(pools[0]["reason"], "ScaleDown") << pools[0].dump();
  EXPECT_EQ(pools[0]["phase"], "AfterReplicas");
  EXPECT_EQ(SpecReplicas(md), 1);
}

TEST_F(NodePoolIntegrationTest, TwoAutoscalersOnOnePoolAreSizedTogetherOncePerPass) {
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 4));
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("api", 4));
  Post(kMdPath, MachineDeployment("gpu", 1));
  Make();
  metrics_.by_key["serving/chat"] = Load(40);
  metrics_.by_key["serving/code"] = Load(40);
  ASSERT_TRUE(api_->ClearRequests());
  reconciler_->RunPass({Autoscaler("chat", "web", MdPool("gpu", 10)),
                        Autoscaler("code", "api", MdPool("gpu", 10))},
                       1000);
  const auto decisions = Lines("ScalingDecision");
  ASSERT_EQ(decisions.size(), 2u);
  const int32_t sum = decisions[0]["desiredReplicas"].get<int32_t>() +
                      decisions[1]["desiredReplicas"].get<int32_t>();
  const auto pools = Lines("NodePoolDecision");
  ASSERT_EQ(pools.size(), 1u) << "one line per pool per pass";
  EXPECT_EQ(pools[0]["contributors"].size(), 2u);
  EXPECT_EQ(pools[0]["demandGpus"], sum * 2);
  const json log = json::parse(api_->Requests());
  EXPECT_EQ(CountPatches(log, "machinedeployments/gpu"), 1) << "decided and patched once";
  EXPECT_EQ(SpecReplicas(std::string(kMdPath) + "/gpu"), NodesFor(sum));
  EXPECT_LT(FirstPatch(log, "/machinedeployments/gpu/scale"), FirstPatch(log, "/deployments/web/scale"));
  EXPECT_LT(FirstPatch(log, "/machinedeployments/gpu/scale"), FirstPatch(log, "/deployments/api/scale"));
}

TEST_F(NodePoolIntegrationTest, MaxNodesReachedLimitsReportsOverloadAndDoesNotRepatch) {
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 4));
  Post(kMdPath, MachineDeployment("gpu", 1));
  // Two pods of the target stuck Pending.
  CreatePod("web-a", "web", "Pending");
  CreatePod("web-b", "web", "Pending");
  Make();
  metrics_.by_key["serving/chat"] = Load(40);
  const json ia = Autoscaler("chat", "web", MdPool("gpu", 1));  // 1 node = 4 replicas
  ASSERT_TRUE(api_->ClearRequests());
  for (double t : {1000.0, 1015.0, 1030.0}) reconciler_->RunPass({ia}, t);

  const json log = json::parse(api_->Requests());
  EXPECT_EQ(CountPatches(log, "machinedeployments"), 0) << "no re-patch loop at maxNodes";
  EXPECT_EQ(CountPatches(log, "deployments/web"), 0) << "the capped pool hosts 4 replicas";
  const json limited = Condition("serving/chat", kCondScalingLimited);
  EXPECT_EQ(limited.value("status", ""), "True") << status_.statuses["serving/chat"].dump();
  const json overloaded = Condition("serving/chat", kCondOverloaded);
  EXPECT_EQ(overloaded.value("status", ""), "True");
  EXPECT_NE(overloaded.value("message", "").find("shed fraction"), std::string::npos);
  const auto decisions = Lines("ScalingDecision");
  EXPECT_EQ(decisions.back()["reason"], "NodePoolLimited");
  EXPECT_EQ(decisions.back()["nodePool"]["replicaCapacity"], 4);
  const auto pools = Lines("NodePoolDecision");
  EXPECT_EQ(pools.back()["limited"], true);
  EXPECT_EQ(pools.back()["pendingPods"], 2);
  EXPECT_EQ(pools.back()["reason"], "AtMaxNodes");
}

TEST_F(NodePoolIntegrationTest, APoolThatDisappearsSetsAConditionAndTheReplicasCarryOn) {
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 4));
  Post(kMdPath, MachineDeployment("gpu", 1));
  Make();
  metrics_.by_key["serving/chat"] = Load(40);
  const json ia = Autoscaler("chat", "web", MdPool("gpu", 10));
  reconciler_->RunPass({ia}, 1000);
  ASSERT_EQ(api_->Api("DELETE", std::string(kMdPath) + "/gpu").status, 200);
  const size_t from = sink_.lines.size();
  reconciler_->RunPass({ia}, 1015);
  const json c = Condition("serving/chat", kCondNodePoolManaged);
  EXPECT_EQ(c.value("status", ""), "False");
  EXPECT_EQ(c.value("reason", ""), "NodePoolNotFound");
  const auto pools = Lines("NodePoolDecision", from);
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(pools[0]["reason"], "NodePoolNotFound");
  EXPECT_EQ(Lines("ScalingDecision", from).size(), 1u);
}

TEST_F(NodePoolIntegrationTest, ClusterAutoscalerManagedPoolIsNotCoManaged) {
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 4));
  Post(kMdPath, MachineDeployment("gpu", 1, {{kCapiMinSizeAnnotation, "1"},
                                             {kCapiMaxSizeAnnotation, "5"}}));
  Make();
  metrics_.by_key["serving/chat"] = Load(40);
  ASSERT_TRUE(api_->ClearRequests());
  reconciler_->RunPass({Autoscaler("chat", "web", MdPool("gpu", 10))}, 1000);
  const json log = json::parse(api_->Requests());
  EXPECT_EQ(CountPatches(log, "machinedeployments"), 0);
  const json c = Condition("serving/chat", kCondNodePoolManaged);
  EXPECT_EQ(c.value("reason", ""), "ManagedByClusterAutoscaler");
  EXPECT_NE(c.value("message", "").find("Cluster Autoscaler"), std::string::npos);
}

TEST_F(NodePoolIntegrationTest, OneCapiBoundAnnotationNarrowsTheBounds) {
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 4));
  Post(kMdPath, MachineDeployment("gpu", 1, {{kCapiMaxSizeAnnotation, "1"}}));
  Make();
  metrics_.by_key["serving/chat"] = Load(40);
  reconciler_->RunPass({Autoscaler("chat", "web", MdPool("gpu", 10))}, 1000);
  const auto pools = Lines("NodePoolDecision");
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(pools[0]["maxNodes"], 1);
  EXPECT_EQ(SpecReplicas(std::string(kMdPath) + "/gpu"), 1);
}

TEST_F(NodePoolIntegrationTest, ReplicasPathKindIsPatchedByMergePatch) {
  // An ACK-like Nodegroup: no /scale; the node count is spec.scalingConfig.desiredSize.
  const json crd = {
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", {{"name", "nodegroups.eks.services.k8s.aws"}}},
      {"spec",
       {{"group", "eks.services.k8s.aws"},
        {"scope", "Namespaced"},
        {"names", {{"plural", "nodegroups"}, {"singular", "nodegroup"}, {"kind", "Nodegroup"},
                   {"listKind", "NodegroupList"}}},
        {"versions",
         json::array({{{"name", "v1alpha1"}, {"served", true}, {"storage", true},
                       {"schema", {{"openAPIV3Schema",
                                    {{"type", "object"},
                                     {"x-kubernetes-preserve-unknown-fields", true}}}}}}})}}}};
  std::string err;
  ASSERT_TRUE(api_->InstallCrd(crd.dump(), &err)) << err;
  const std::string ng = "/apis/eks.services.k8s.aws/v1alpha1/namespaces/capi/nodegroups";
  Post(ng, {{"apiVersion", "eks.services.k8s.aws/v1alpha1"}, {"kind", "Nodegroup"},
            {"metadata", {{"name", "gpu-ng"}}},
            {"spec", {{"scalingConfig", {{"desiredSize", 1}, {"maxSize", 10}}}}}});
  Post("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 4));
  Make();
  metrics_.by_key["serving/chat"] = Load(40);
  json pool = {{"scaleTargetRef", {{"apiVersion", "eks.services.k8s.aws/v1alpha1"},
                                   {"kind", "Nodegroup"}, {"name", "gpu-ng"}, {"namespace", "capi"}}},
               {"replicasPath", "spec.scalingConfig.desiredSize"},
               {"gpusPerReplica", 2},
               {"gpusPerNode", 8},
               {"maxNodes", 10}};
  ASSERT_TRUE(api_->ClearRequests());
  reconciler_->RunPass({Autoscaler("chat", "web", pool)}, 1000);
  const auto decisions = Lines("ScalingDecision");
  ASSERT_EQ(decisions.size(), 1u);
  const int32_t desired = decisions[0]["desiredReplicas"];
  const json obj = json::parse(api_->Api("GET", ng + "/gpu-ng").body);
  EXPECT_EQ(obj["spec"]["scalingConfig"]["desiredSize"], NodesFor(desired));
  EXPECT_EQ(obj["spec"]["scalingConfig"]["maxSize"], 10) << "merge-patch keeps siblings";
  const json log = json::parse(api_->Requests());
  const int pool_patch = FirstPatch(log, "/nodegroups/gpu-ng");
  ASSERT_GE(pool_patch, 0);
  EXPECT_EQ(log["requests"][pool_patch]["contentType"], "application/merge-patch+json");
  EXPECT_LT(pool_patch, FirstPatch(log, "/deployments/web/scale"));
  EXPECT_EQ(Lines("NodePoolDecision")[0]["pool"]["replicasPath"], "spec.scalingConfig.desiredSize");
}

}  // namespace
}  // namespace slo::controller
