// KubeClient and ListWatch against the project's test API server (tests/apiserver/apiserver.py):
// every call path and every fault the server can inject.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "controller/k8s/client.h"
#include "controller/k8s/watch.h"
#include "controller/spec/yaml_json.h"
#include "tests/support/apiserver_fixture.h"

namespace slo::controller::k8s {
namespace {

using json = nlohmann::json;
using slo::testing::ApiFault;
using slo::testing::PollUntil;
using slo::testing::TempDir;
using slo::testing::TestApiServer;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr char kToken[] = "sekret-token-4f1e9b";

json Autoscaler(const std::string& ns, const std::string& name) {
  return json{
      {"apiVersion", "slo-autoscaler.io/v1alpha1"},
      {"kind", "InferenceAutoscaler"},
      {"metadata", {{"name", name}, {"namespace", ns}}},
      {"spec",
       {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
        {"maxReplicas", 10},
        {"slo", {{"latencyThresholdSeconds", 2.0}}},
        {"capacity", {{"concurrencyPerReplica", 16}}}}}};
}

json Deployment(const std::string& name, int replicas) {
  return json{{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"metadata", {{"name", name}, {"labels", {{"app", name}}}}},
              {"spec",
               {{"replicas", replicas},
                {"selector", {{"matchLabels", {{"app", name}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", name}}}}},
                  {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "x"}}})}}}}}}}};
}

class K8sClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StartServer({});
    options_.call_timeout = milliseconds(1000);
    options_.retry.max_attempts = 4;
    options_.retry.base_delay = milliseconds(50);
    options_.retry.max_delay = milliseconds(200);
    options_.retry.max_total = milliseconds(8000);
    options_.seed = 42;
  }

  void StartServer(std::vector<std::string> extra) {
    TestApiServer::Options o;
    o.token = kToken;
    o.namespaces = {"serving", "other"};
    o.extra_args = std::move(extra);
    std::string err;
    api_ = TestApiServer::Start(o, &err);
    ASSERT_TRUE(api_) << err;
    auto docs = slo::controller::ParseYamlDocuments(slo::testing::ReadFile(
        slo::testing::SourceDir() + "/manifests/crd/slo-autoscaler.io_inferenceautoscalers.yaml"));
    ASSERT_TRUE(docs.error.empty()) << docs.error;
    ASSERT_TRUE(api_->InstallCrd(docs.documents.at(0).value.dump(), &err)) << err;
  }

  KubeConfig Config() const {
    KubeConfig c;
    c.server = api_->url();
    c.token = kToken;
    return c;
  }
  KubeClient Client() const { return KubeClient(Config(), options_); }

  // Requests the server logged for method on a path matching suffix.
  int Logged(const std::string& method, const std::string& path_suffix) const {
    json log = json::parse(api_->Requests());
    int n = 0;
    for (const auto& r : log["requests"]) {
      std::string p = r.value("path", "");
      if (r.value("method", "") == method && p.size() >= path_suffix.size() &&
          p.compare(p.size() - path_suffix.size(), path_suffix.size(), path_suffix) == 0) {
        ++n;
      }
    }
    return n;
  }

  std::unique_ptr<TestApiServer> api_;
  ClientOptions options_;
};

TEST_F(K8sClientIntegrationTest, GenericCallsCoverAnyPath) {
  KubeClient client = Client();
  auto created =
      client.Create("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 2));
  ASSERT_TRUE(created.ok()) << created.error().Describe();
  auto got = client.Get("/apis/apps/v1/namespaces/serving/deployments/web");
  ASSERT_TRUE(got.ok()) << got.error().Describe();
  EXPECT_EQ(got.value()["spec"]["replicas"], 2);
  auto listed = client.List("/apis/apps/v1/deployments", "labelSelector=" + UrlEncode("app=web"));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed.value()["items"].size(), 1u);
  auto patched = client.MergePatch("/apis/apps/v1/namespaces/serving/deployments/web",
                                   json{{"metadata", {{"labels", {{"tier", "gpu"}}}}}});
  ASSERT_TRUE(patched.ok()) << patched.error().Describe();
  EXPECT_EQ(patched.value()["metadata"]["labels"]["tier"], "gpu");
  // What the controller lists to detect conflicts and size node pools.
  for (const char* path :
       {"/apis/autoscaling/v2/horizontalpodautoscalers", "/apis/keda.sh/v1alpha1/scaledobjects",
        "/api/v1/pods", "/api/v1/nodes", "/api/v1/namespaces/serving/pods"}) {
    auto r = client.List(path);
    EXPECT_TRUE(r.ok()) << path << ": " << r.error().Describe();
  }
  auto missing = client.Get("/apis/apps/v1/namespaces/serving/deployments/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().IsNotFound());
  EXPECT_FALSE(missing.error().retryable);
}

TEST_F(K8sClientIntegrationTest, AutoscalersListedPerNamespaceAndStatusPatched) {
  KubeClient client = Client();
  ASSERT_TRUE(
      client.Create(KubeClient::AutoscalersPath("serving"), Autoscaler("serving", "a")).ok());
  ASSERT_TRUE(client.Create(KubeClient::AutoscalersPath("other"), Autoscaler("other", "b")).ok());
  auto all = client.ListAutoscalers("");
  ASSERT_TRUE(all.ok()) << all.error().Describe();
  EXPECT_EQ(all.value()["items"].size(), 2u);
  auto one = client.ListAutoscalers("other");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one.value()["items"].size(), 1u);
  EXPECT_EQ(one.value()["items"][0]["metadata"]["name"], "b");

  auto patched = client.PatchAutoscalerStatus("serving", "a", json{{"desiredReplicas", 3}}, 1);
  ASSERT_TRUE(patched.ok()) << patched.error().Describe();
  EXPECT_EQ(patched.value()["status"]["observedGeneration"], 1);
  EXPECT_EQ(patched.value()["status"]["desiredReplicas"], 3);
}

TEST_F(K8sClientIntegrationTest, UpdateWithRetryRereadsAfterAConflict) {
  KubeClient client = Client();
  ASSERT_TRUE(
      client.Create(KubeClient::AutoscalersPath("serving"), Autoscaler("serving", "a")).ok());
  ASSERT_TRUE(api_->AddFault({.method = "PUT", .path = "/status$", .action = "409", .count = 1}));
  const std::string path = KubeClient::AutoscalersPath("serving") + "/a/status";
  int mutations = 0;
  auto r = client.UpdateWithRetry(path, [&](json& obj) {
    ++mutations;
    obj["status"]["currentReplicas"] = 2;
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().Describe();
  EXPECT_EQ(r.value()["status"]["currentReplicas"], 2);
  EXPECT_EQ(mutations, 2);
  EXPECT_EQ(Logged("GET", "/a/status"), 2);
  EXPECT_EQ(Logged("PUT", "/a/status"), 2);
}

TEST_F(K8sClientIntegrationTest, ScaleOfAnyKindThroughDiscovery) {
  KubeClient client = Client();
  ASSERT_TRUE(
      client.Create("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 2)).ok());
  json md = {{"apiVersion", "cluster.x-k8s.io/v1beta1"},
             {"kind", "MachineDeployment"},
             {"metadata", {{"name", "gpu-h100"}}},
             {"spec", {{"replicas", 1}, {"clusterName", "c"}}}};
  ASSERT_TRUE(
      client.Create("/apis/cluster.x-k8s.io/v1beta1/namespaces/other/machinedeployments", md).ok());

  ScaleTarget deploy{"apps/v1", "Deployment", "serving", "web"};
  auto scale = client.GetScale(deploy);
  ASSERT_TRUE(scale.ok()) << scale.error().Describe();
  EXPECT_EQ(scale.value().spec_replicas, 2);
  EXPECT_EQ(scale.value().selector, "app=web");
  auto patched = client.PatchScale(deploy, 5);
  ASSERT_TRUE(patched.ok()) << patched.error().Describe();
  EXPECT_EQ(patched.value().spec_replicas, 5);
  auto again = client.Get("/apis/apps/v1/namespaces/serving/deployments/web");
  EXPECT_EQ(again.value()["spec"]["replicas"], 5);

  ScaleTarget pool{"cluster.x-k8s.io/v1beta1", "MachineDeployment", "other", "gpu-h100"};
  auto pool_patched = client.PatchScale(pool, 3);
  ASSERT_TRUE(pool_patched.ok()) << pool_patched.error().Describe();
  EXPECT_EQ(pool_patched.value().spec_replicas, 3);
  EXPECT_EQ(Logged("GET", "/apis/apps/v1"), 1);  // discovery cached
  EXPECT_EQ(Logged("GET", "/apis/cluster.x-k8s.io/v1beta1"), 1);

  auto lease = client.GetScale({"coordination.k8s.io/v1", "Lease", "serving", "x"});
  ASSERT_FALSE(lease.ok());
  EXPECT_EQ(lease.error().reason, "NotScalable");
  auto unknown = client.GetScale({"example.com/v1", "Widget", "serving", "x"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("not served"), std::string::npos);
}

TEST_F(K8sClientIntegrationTest, EventsAreCreatedThenCounted) {
  KubeClient client = Client();
  EventSpec ev{{{"apiVersion", "slo-autoscaler.io/v1alpha1"},
                {"kind", "InferenceAutoscaler"},
                {"namespace", "serving"},
                {"name", "a"}},
               "Warning",
               "MetricsStale",
               "no sample for 90 s"};
  auto first = client.RecordEvent(ev);
  ASSERT_TRUE(first.ok()) << first.error().Describe();
  auto second = client.RecordEvent(ev);
  ASSERT_TRUE(second.ok()) << second.error().Describe();
  auto events = client.List("/api/v1/namespaces/serving/events");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events.value()["items"].size(), 1u);
  const json& e = events.value()["items"][0];
  EXPECT_EQ(e["count"], 2);
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["reason"], "MetricsStale");
  EXPECT_EQ(e["source"]["component"], "slo-autoscaler");
  EXPECT_EQ(e["involvedObject"]["name"], "a");
  EXPECT_EQ(Logged("POST", "/events"), 1);
}

TEST_F(K8sClientIntegrationTest, LeasesCreateGetUpdateAndConflict) {
  KubeClient client = Client();
  json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata", {{"name", "slo-autoscaler"}}},
                {"spec", {{"holderIdentity", "pod-a"}, {"leaseDurationSeconds", 15}}}};
  auto created = client.CreateLease("serving", lease);
  ASSERT_TRUE(created.ok()) << created.error().Describe();
  auto got = client.GetLease("serving", "slo-autoscaler");
  ASSERT_TRUE(got.ok());
  json updated = got.value();
  updated["spec"]["holderIdentity"] = "pod-b";
  auto put = client.UpdateLease("serving", updated);
  ASSERT_TRUE(put.ok()) << put.error().Describe();
  EXPECT_EQ(put.value()["spec"]["holderIdentity"], "pod-b");
  auto stale = client.UpdateLease("serving", updated);  // the old resourceVersion
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.error().IsConflict());
  auto dup = client.CreateLease("serving", lease);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().reason, "AlreadyExists");
}

TEST_F(K8sClientIntegrationTest, ServerErrorsAreRetriedHonouringRetryAfter) {
  KubeClient client = Client();
  const std::string path = "/api/v1/namespaces/serving/pods";
  ASSERT_TRUE(api_->AddFault({.method = "GET", .path = "/pods$", .action = "500", .count = 1}));
  ASSERT_TRUE(api_->AddFault(
      {.method = "GET", .path = "/pods$", .action = "503", .count = 1, .retry_after_s = 0}));
  ASSERT_TRUE(api_->AddFault(
      {.method = "GET", .path = "/pods$", .action = "429", .count = 1, .retry_after_s = 1}));
  auto start = Clock::now();
  auto r = client.List(path);
  ASSERT_TRUE(r.ok()) << r.error().Describe();
  EXPECT_GE(Clock::now() - start, milliseconds(1000));  // Retry-After: 1 was honoured
  EXPECT_EQ(Logged("GET", "/pods"), 4);
}

TEST_F(K8sClientIntegrationTest, RetriesStopAtTheAttemptCap) {
  KubeClient client = Client();
  ASSERT_TRUE(api_->AddFault({.method = "GET", .path = "/pods$", .action = "500", .count = 10}));
  auto r = client.List("/api/v1/pods");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 500);
  EXPECT_NE(r.error().message.find("gave up after 4 attempts"), std::string::npos);
  EXPECT_EQ(Logged("GET", "/pods"), 4);
}

TEST_F(K8sClientIntegrationTest, ConnectionResetsAreRetriedOnlyForIdempotentVerbs) {
  KubeClient client = Client();
  ASSERT_TRUE(api_->AddFault({.method = "GET", .path = "/pods$", .action = "reset", .count = 2}));
  auto listed = client.List("/api/v1/namespaces/serving/pods");
  ASSERT_TRUE(listed.ok()) << listed.error().Describe();
  EXPECT_EQ(Logged("GET", "/pods"), 3);

  ASSERT_TRUE(
      api_->AddFault({.method = "POST", .path = "/events$", .action = "reset", .count = 1}));
  auto created = client.RecordEvent(
      {{{"kind", "Pod"}, {"namespace", "serving"}, {"name", "p"}}, "Normal", "Test", "m"});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().reason, "ConnectionFailed");
  EXPECT_EQ(Logged("POST", "/events"), 1);
}

TEST_F(K8sClientIntegrationTest, HangingCallsHitTheDeadline) {
  KubeClient client = Client();
  ASSERT_TRUE(api_->AddFault(
      {.method = "GET", .path = "/pods$", .action = "hang", .count = 1, .hang_s = 5}));
  auto start = Clock::now();
  auto listed = client.List("/api/v1/namespaces/serving/pods");
  ASSERT_TRUE(listed.ok()) << listed.error().Describe();  // the retry succeeded
  EXPECT_LT(Clock::now() - start, milliseconds(3000));

  ASSERT_TRUE(api_->AddFault(
      {.method = "POST", .path = "/events$", .action = "hang", .count = 1, .hang_s = 5}));
  start = Clock::now();
  auto created = client.RecordEvent(
      {{{"kind", "Pod"}, {"namespace", "serving"}, {"name", "p"}}, "Normal", "Test", "m"});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().reason, "Timeout");
  EXPECT_LT(Clock::now() - start, milliseconds(3000));
}

TEST_F(K8sClientIntegrationTest, ForbiddenAndUnauthorizedAreNotRetriedAndNamePermissions) {
  ASSERT_TRUE(api_->SetForbid({"patch:deployments/scale"}));
  KubeClient client = Client();
  ASSERT_TRUE(
      client.Create("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 1)).ok());
  auto r = client.PatchScale({"apps/v1", "Deployment", "serving", "web"}, 3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 403);
  EXPECT_EQ(r.error().message.rfind(
                "forbidden: the controller's service account cannot patch deployments/scale in "
                "namespace serving (apps); grant it in the ClusterRole",
                0),
            0u)
      << r.error().message;
  EXPECT_EQ(Logged("PATCH", "/scale"), 1);

  KubeConfig wrong = Config();
  wrong.token = "not-the-token";
  KubeClient bad(wrong, options_);
  auto denied = bad.List("/api/v1/nodes");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().http_status, 401);
  EXPECT_NE(denied.error().message.find("credentials"), std::string::npos);
  EXPECT_EQ(Logged("GET", "/nodes"), 1);
}

TEST_F(K8sClientIntegrationTest, TheTokenNeverAppearsInErrorsOrLogs) {
  std::ostringstream logs;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(logs));
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  ASSERT_TRUE(api_->SetForbid({"list:nodes"}));
  options_.retry.max_attempts = 2;  // keeps the hang case at 2 x 1 s
  KubeClient client = Client();
  std::vector<ApiError> errors;
  auto collect = [&](const Result<json>& r) {
    EXPECT_FALSE(r.ok());
    if (!r.ok()) errors.push_back(r.error());
  };
  collect(client.List("/api/v1/nodes"));                        // 403
  collect(client.Get("/api/v1/namespaces/serving/pods/none"));  // 404
  for (const char* action : {"409", "429", "500", "503", "reset", "hang"}) {
    ASSERT_TRUE(api_->AddFault({.method = "PUT",
                                .path = "/leases/x$",
                                .action = action,
                                .count = 10,
                                .retry_after_s = 0,
                                .hang_s = 2}));
    collect(client.Update(KubeClient::LeasePath("serving", "x"),
                          json{{"metadata", {{"name", "x"}, {"resourceVersion", "1"}}}}));
    ASSERT_TRUE(api_->ClearFaults());
  }
  ASSERT_TRUE(api_->SetToken("rotated-token"));
  collect(client.Get("/api/v1/namespaces/serving/pods/none"));  // 401
  auto watched = client.Watch(
      "/api/v1/pods", "", "", 1, [](const WatchEvent&) { return true; }, nullptr);
  ASSERT_FALSE(watched.ok());
  errors.push_back(watched.error());
  spdlog::set_default_logger(previous);
  ASSERT_EQ(errors.size(), 10u);
  for (const auto& e : errors) {
    EXPECT_EQ(e.Describe().find(kToken), std::string::npos) << e.Describe();
  }
  EXPECT_NE(logs.str().find("retrying"), std::string::npos);
  EXPECT_EQ(logs.str().find(kToken), std::string::npos) << logs.str();
}

TEST_F(K8sClientIntegrationTest, RotatedTokenFileIsPickedUp) {
  TempDir dir;
  slo::testing::WriteFile(dir.File("token"), kToken);
  KubeConfig c = Config();
  c.token.clear();
  c.token_file = dir.File("token");
  KubeClient client(c, options_);
  ASSERT_TRUE(client.List("/api/v1/namespaces").ok());
  ASSERT_TRUE(api_->SetToken("second-token"));
  EXPECT_EQ(client.List("/api/v1/namespaces").error().http_status, 401);
  slo::testing::WriteFile(dir.File("token"), "second-token\n");
  std::filesystem::last_write_time(
      dir.File("token"), std::filesystem::file_time_type::clock::now() + std::chrono::seconds(10));
  auto r = client.List("/api/v1/namespaces");
  EXPECT_TRUE(r.ok()) << r.error().Describe();
}

TEST_F(K8sClientIntegrationTest, ConcurrentCallsShareOneClient) {
  KubeClient client = Client();
  ASSERT_TRUE(
      client.Create("/apis/apps/v1/namespaces/serving/deployments", Deployment("web", 1)).ok());
  ASSERT_TRUE(api_->AddFault({.method = "GET", .path = "/scale$", .action = "500", .count = 3}));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        ScaleTarget target{"apps/v1", "Deployment", "serving", "web"};
        if (!client.GetScale(target).ok()) failures.fetch_add(1);
        if (!client.PatchScale(target, 1 + (t + i) % 3).ok()) failures.fetch_add(1);
        EventSpec ev{{{"kind", "Deployment"}, {"namespace", "serving"}, {"name", "web"}},
                     "Normal",
                     "Tick",
                     "thread " + std::to_string(t)};
        if (!client.RecordEvent(ev).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto events = client.List("/api/v1/namespaces/serving/events");
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events.value()["items"].size(), 4u);  // one per distinct message, counts patched
  int total = 0;
  for (const auto& e : events.value()["items"]) total += e["count"].get<int>();
  EXPECT_EQ(total, 20);
}

TEST_F(K8sClientIntegrationTest, KubeconfigFromTheFixtureWorks) {
  TempDir dir;
  ConfigResult cfg = LoadKubeconfig(api_->WriteKubeconfig(dir.File("kubeconfig")));
  ASSERT_TRUE(cfg.ok()) << cfg.error;
  KubeClient client(cfg.config, options_);
  auto r = client.Get("/api/v1/namespaces/" + cfg.config.namespace_name);
  EXPECT_TRUE(r.ok()) << r.error().Describe();
}

}  // namespace
}  // namespace slo::controller::k8s
