// The runtime's Kubernetes side against the test API server: the reconcile ports (scale, status,
// events, conflicts) and the informer (list, watch, relist after 410).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "controller/k8s/client.h"
#include "controller/runtime/informer.h"
#include "controller/runtime/kube_ports.h"
#include "controller/spec/yaml_json.h"
#include "tests/support/apiserver_fixture.h"

namespace slo::controller {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using slo::testing::PollUntil;
using slo::testing::TestApiServer;

const std::string kIas = "/apis/slo-autoscaler.io/v1alpha1/namespaces/serving/inferenceautoscalers";

json Ia(const std::string& name) {
  return json::parse(R"({"apiVersion": "slo-autoscaler.io/v1alpha1", "kind": "InferenceAutoscaler",
    "metadata": {"namespace": "serving", "name": ")" +
                     name + R"("},
    "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "vllm"},
             "maxReplicas": 5, "slo": {"latencyThresholdSeconds": 2},
             "capacity": {"concurrencyPerReplica": 4}}})");
}

class KubeIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    TestApiServer::Options o;
    o.namespaces = {"serving"};
    api_ = TestApiServer::Start(o, &err);
    ASSERT_TRUE(api_) << err;
    auto docs = ParseYamlDocuments(slo::testing::ReadFile(
        slo::testing::SourceDir() + "/manifests/crd/slo-autoscaler.io_inferenceautoscalers.yaml"));
    json crd;
    for (auto& d : docs.documents) {
      if (!d.value.is_null()) crd = d.value;
    }
    ASSERT_TRUE(api_->InstallCrd(crd.dump(), &err)) << err;
    ASSERT_EQ(api_->Api("POST", "/apis/apps/v1/namespaces/serving/deployments", R"({
      "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "vllm"},
      "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "vllm"}},
               "template": {"metadata": {"labels": {"app": "vllm"}},
                            "spec": {"containers": [{"name": "c", "image": "i"}]}}}})")
                  .status,
              201);
    k8s::KubeConfig cfg;
    cfg.server = api_->url();
    k8s::ClientOptions opts;
    opts.seed = 1;
    client_ = std::make_unique<k8s::KubeClient>(cfg, opts);
  }

  std::unique_ptr<TestApiServer> api_;
  std::unique_ptr<k8s::KubeClient> client_;
};

TEST_F(KubeIntegrationTest, ScalePortReadsAndPatchesTheScaleSubresource) {
  KubeScalePort port(client_.get());
  ObjectRef ref{"apps/v1", "Deployment", "vllm", ""};
  PortError err;
  auto scale = port.GetScale(ref, "serving", &err);
  ASSERT_TRUE(scale) << err.message;
  EXPECT_EQ(scale->spec_replicas, 2);
  EXPECT_EQ(scale->selector, "app=vllm");
  ASSERT_TRUE(port.SetReplicas(ref, "serving", 5, &err)) << err.message;
  EXPECT_EQ(port.GetScale(ref, "serving", &err)->spec_replicas, 5);
  EXPECT_FALSE(port.GetScale({"apps/v1", "Deployment", "nope", ""}, "serving", &err));
  EXPECT_TRUE(err.not_found);
  EXPECT_EQ(err.http_status, 404);
}

TEST_F(KubeIntegrationTest, StatusAndEventPortsWriteTheAutoscaler) {
  auto created = api_->Api("POST", kIas, Ia("chat").dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string uid = json::parse(created.body)["metadata"]["uid"];
  KubeStatusPort status(client_.get());
  PortError err;
  ASSERT_TRUE(status.PatchStatus(
      "serving", "chat",
      {{"observedGeneration", 1},
       {"desiredReplicas", 3},
       {"stabilizer", {{"recommendations", json::array({{{"t", 1.5}, {"replicas", 3}}})}}}},
      &err))
      << err.message;
  json ia = json::parse(api_->Api("GET", kIas + "/chat").body);
  EXPECT_EQ(ia["status"]["desiredReplicas"], 3);
  EXPECT_EQ(ia["status"]["stabilizer"]["recommendations"][0]["replicas"], 3);  // not pruned
  KubeEventPort events(client_.get());
  ASSERT_TRUE(events.Emit({"serving", "chat", uid, "Normal", "ScaleUp", "New size: 3"}, &err))
      << err.message;
  json list = json::parse(api_->Api("GET", "/api/v1/namespaces/serving/events").body);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["reason"], "ScaleUp");
  EXPECT_EQ(list["items"][0]["involvedObject"]["kind"], "InferenceAutoscaler");
  EXPECT_FALSE(status.PatchStatus("serving", "gone", {{"observedGeneration", 1}}, &err));
}

TEST_F(KubeIntegrationTest, ConflictPortFindsAnHpaOrScaledObjectOnTheSameTarget) {
  KubeConflictPort port(client_.get());
  ObjectRef ref{"apps/v1", "Deployment", "vllm", ""};
  port.BeginPass();
  EXPECT_FALSE(port.FindConflict("serving", ref));
  ASSERT_EQ(
      api_->Api("POST", "/apis/autoscaling/v2/namespaces/serving/horizontalpodautoscalers", R"({
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "vllm-hpa"},
    "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "vllm"},
             "maxReplicas": 4}})")
          .status,
      201);
  EXPECT_FALSE(port.FindConflict("serving", ref));  // the lists are cached for the pass
  port.BeginPass();
  auto hpa = port.FindConflict("serving", ref);
  ASSERT_TRUE(hpa);
  EXPECT_EQ(*hpa, "HorizontalPodAutoscaler serving/vllm-hpa");
  EXPECT_FALSE(port.FindConflict("serving", {"apps/v1", "Deployment", "other", ""}));
  ASSERT_EQ(api_->Api("POST", "/apis/keda.sh/v1alpha1/namespaces/serving/scaledobjects", R"({
    "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "other-so"},
    "spec": {"scaleTargetRef": {"name": "other"}, "triggers": []}})")
                .status,
            201);
  port.BeginPass();
  auto so = port.FindConflict("serving", {"apps/v1", "Deployment", "other", ""});
  ASSERT_TRUE(so);
  EXPECT_EQ(*so, "KEDA ScaledObject serving/other-so");
}

TEST_F(KubeIntegrationTest, InformerListsWatchesAndRelistsAfterCompaction) {
  ASSERT_EQ(api_->Api("POST", kIas, Ia("a").dump()).status, 201);
  AutoscalerCache cache;
  AutoscalerInformer informer(client_.get(), "", &cache);
  informer.set_watch_timeout_s(1);  // re-opened every second, so it meets the compaction soon
  informer.Start();
  ASSERT_TRUE(PollUntil([&] { return cache.synced() && cache.size() == 1; }, 20s));
  uint64_t v = cache.spec_version();
  ASSERT_EQ(api_->Api("POST", kIas, Ia("b").dump()).status, 201);
  ASSERT_TRUE(PollUntil([&] { return cache.size() == 2; }, 20s));
  EXPECT_NE(cache.spec_version(), v);
  // The watch breaks (connection resets) while the history it would resume from is compacted:
  // the reconnect gets 410 and the informer relists, missing nothing.
  const int relists = informer.relists();
  const int watches = informer.watches();
  ASSERT_TRUE(api_->AddFault(
      {.method = "GET", .path = "/inferenceautoscalers$", .action = "reset", .count = 1000}));
  ASSERT_TRUE(PollUntil([&] { return informer.watches() >= watches + 2; }, 30s));
  ASSERT_EQ(api_->Api("DELETE", kIas + "/a").status, 200);
  ASSERT_EQ(api_->Api("POST", kIas, Ia("c").dump()).status, 201);
  ASSERT_TRUE(api_->Compact());
  ASSERT_TRUE(api_->ClearFaults());
  ASSERT_TRUE(PollUntil([&] { return informer.relists() > relists && cache.size() == 2; }, 30s))
      << "relists " << informer.relists() << ", cached " << cache.size();
  auto snap = cache.Snapshot();
  EXPECT_EQ(snap[0]["metadata"]["name"], "b");
  EXPECT_EQ(snap[1]["metadata"]["name"], "c");
  informer.Stop();
}

}  // namespace
}  // namespace slo::controller
