// KubeClient against a scripted transport: retries, conflicts, discovery, events, leases.
#include "controller/k8s/client.h"

#include <gtest/gtest.h>

#include "tests/controller/k8s/fake_http_transport.h"

namespace slo::controller::k8s {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

HttpReply Reply(int status, std::string body = "{}", std::map<std::string, std::string> h = {}) {
  HttpReply r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(h);
  return r;
}

HttpReply Broken(const std::string& reason) {
  HttpReply r;
  r.transport_error = reason;
  r.transport_detail = "simulated " + reason;
  return r;
}

const char kAppsV1[] = R"({"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
  {"name":"deployments","kind":"Deployment","namespaced":true},
  {"name":"deployments/scale","kind":"Scale","namespaced":true},
  {"name":"deployments/status","kind":"Deployment","namespaced":true},
  {"name":"controllerrevisions","kind":"ControllerRevision","namespaced":true}]})";

class K8sClientTest : public ::testing::Test {
 protected:
  K8sClientTest() {
    options_.retry.max_attempts = 4;
    options_.retry.base_delay = milliseconds(100);
    options_.retry.max_delay = milliseconds(1000);
    options_.retry.jitter = 0.0;
    options_.seed = 1;
    options_.sleep = [this](milliseconds d) { sleeps_.push_back(d); };
  }
  KubeClient Client() { return KubeClient(fake_, options_); }
  int CallsTo(const std::string& method, const std::string& prefix) {
    int n = 0;
    for (const auto& c : fake_->calls()) n += c.method == method && c.path.rfind(prefix, 0) == 0;
    return n;
  }

  std::shared_ptr<FakeHttpTransport> fake_ = std::make_shared<FakeHttpTransport>();
  ClientOptions options_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(K8sClientTest, RetriesServerErrorsHonouringRetryAfter) {
  fake_->Queue("GET", "/api/v1/pods", Reply(503, "{}", {{"retry-after", "2"}}));
  fake_->Queue("GET", "/api/v1/pods", Reply(429));
  fake_->Queue("GET", "/api/v1/pods", Reply(200, R"({"items":[1]})"));
  auto client = Client();
  auto r = client.List("/api/v1/pods");
  ASSERT_TRUE(r.ok()) << r.error().Describe();
  EXPECT_EQ(r.value()["items"][0], 1);
  EXPECT_EQ(sleeps_, (std::vector<milliseconds>{milliseconds(2000), milliseconds(200)}));
}

TEST_F(K8sClientTest, GivesUpAfterTheAttemptCap) {
  fake_->Queue("GET", "/api/v1/pods", Reply(500));
  auto client = Client();
  auto r = client.List("/api/v1/pods");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CallsTo("GET", "/api/v1/pods"), 4);
  EXPECT_NE(r.error().message.find("gave up after 4 attempts"), std::string::npos);
  EXPECT_EQ(r.error().http_status, 500);
}

TEST_F(K8sClientTest, NeverRetriesAuthorizationErrors) {
  for (int status : {401, 403}) {
    auto fake = std::make_shared<FakeHttpTransport>();
    fake->Queue("PATCH", "/apis/apps", Reply(status));
    KubeClient client(fake, options_);
    auto r = client.MergePatch("/apis/apps/v1/namespaces/s/deployments/d/scale",
                               json{{"spec", {{"replicas", 2}}}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(fake->calls().size(), 1u) << status;
    EXPECT_NE(r.error().message.find("patch deployments/scale in namespace s (apps)"),
              std::string::npos)
        << r.error().message;
  }
}

TEST_F(K8sClientTest, ConnectionFailuresAreRetriedOnlyForIdempotentCalls) {
  fake_->Queue("GET", "/api/v1/namespaces/a/pods/p", Broken("ConnectionFailed"));
  fake_->Queue("GET", "/api/v1/namespaces/a/pods/p", Broken("Timeout"));
  fake_->Queue("GET", "/api/v1/namespaces/a/pods/p", Reply(200, R"({"ok":true})"));
  fake_->Queue("POST", "/api/v1/namespaces/a/events", Broken("ConnectionFailed"));
  auto client = Client();
  EXPECT_TRUE(client.Get("/api/v1/namespaces/a/pods/p").ok());
  auto created = client.Create("/api/v1/namespaces/a/events", json::object());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().reason, "ConnectionFailed");
  EXPECT_EQ(CallsTo("POST", "/api/v1/namespaces/a/events"), 1);
}

TEST_F(K8sClientTest, MergePatchRetriesConflictsButPreconditionedWritesDoNot) {
  fake_->Queue("PATCH", "/x", Reply(409));
  fake_->Queue("PATCH", "/x", Reply(200, R"({"n":1})"));
  fake_->Queue("PUT", "/y", Reply(409));
  auto client = Client();
  EXPECT_TRUE(client.MergePatch("/x", json{{"a", 1}}).ok());
  auto put = client.Update("/y", json{{"metadata", {{"resourceVersion", "3"}}}});
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.error().IsConflict());
  EXPECT_EQ(CallsTo("PUT", "/y"), 1);
  auto preconditioned = client.MergePatch("/y", json{{"metadata", {{"resourceVersion", "3"}}}});
  EXPECT_FALSE(preconditioned.ok());
}

TEST_F(K8sClientTest, UpdateWithRetryRereadsAfterAConflict) {
  const std::string path =
      "/apis/slo-autoscaler.io/v1alpha1/namespaces/s/inferenceautoscalers/a/status";
  fake_->Queue("GET", path, Reply(200, R"({"metadata":{"resourceVersion":"1"},"status":{}})"));
  fake_->Queue("GET", path, Reply(200, R"({"metadata":{"resourceVersion":"2"},"status":{}})"));
  fake_->Queue("PUT", path, Reply(409));
  fake_->Queue("PUT", path, Reply(200, R"({"metadata":{"resourceVersion":"3"}})"));
  auto client = Client();
  int mutations = 0;
  auto r = client.UpdateWithRetry(path, [&](json& obj) {
    ++mutations;
    obj["status"]["desiredReplicas"] = 4;
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().Describe();
  EXPECT_EQ(mutations, 2);
  std::vector<std::string> put_rvs;
  for (const auto& c : fake_->calls()) {
    if (c.method == "PUT") put_rvs.push_back(json::parse(c.body)["metadata"]["resourceVersion"]);
  }
  EXPECT_EQ(put_rvs, (std::vector<std::string>{"1", "2"}));
}

TEST_F(K8sClientTest, UpdateWithRetrySkipsTheWriteWhenNothingChanged) {
  fake_->Queue("GET", "/z", Reply(200, R"({"metadata":{"resourceVersion":"1"}})"));
  auto client = Client();
  EXPECT_TRUE(client.UpdateWithRetry("/z", [](json&) { return false; }).ok());
  EXPECT_EQ(CallsTo("PUT", "/z"), 0);
}

TEST_F(K8sClientTest, ScaleUsesDiscoveryAndCachesIt) {
  fake_->Queue("GET", "/apis/apps/v1", Reply(200, kAppsV1));
  fake_->Queue("GET", "/apis/apps/v1/namespaces/s/deployments/web/scale",
               Reply(200, R"({"spec":{"replicas":3},"status":{"replicas":2,"selector":"app=web"},
                             "metadata":{"resourceVersion":"9"}})"));
  fake_->Queue("PATCH", "/apis/apps/v1/namespaces/s/deployments/web/scale",
               Reply(200, R"({"spec":{"replicas":5},"status":{"replicas":2}})"));
  auto client = Client();
  ScaleTarget t{"apps/v1", "Deployment", "s", "web"};
  auto got = client.GetScale(t);
  ASSERT_TRUE(got.ok()) << got.error().Describe();
  EXPECT_EQ(got.value().spec_replicas, 3);
  EXPECT_EQ(got.value().status_replicas, 2);
  EXPECT_EQ(got.value().selector, "app=web");
  EXPECT_EQ(got.value().resource_version, "9");
  auto patched = client.PatchScale(t, 5);
  ASSERT_TRUE(patched.ok());
  EXPECT_EQ(patched.value().spec_replicas, 5);
  EXPECT_EQ(client.discovery().fetches(), 1);
  auto calls = fake_->calls();
  EXPECT_EQ(calls.back().content_type, "application/merge-patch+json");
  EXPECT_EQ(json::parse(calls.back().body), json::parse(R"({"spec":{"replicas":5}})"));
}

TEST_F(K8sClientTest, DiscoveryRefetchesOnAMissAndRejectsKindsWithoutScale) {
  fake_->Queue("GET", "/apis/apps/v1", Reply(200, kAppsV1));
  auto client = Client();
  auto missing = client.ScalePath({"apps/v1", "StatefulSet", "s", "db"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no resource of kind StatefulSet"), std::string::npos);
  auto unscalable = client.ScalePath({"apps/v1", "ControllerRevision", "s", "r"});
  ASSERT_FALSE(unscalable.ok());
  EXPECT_EQ(unscalable.error().reason, "NotScalable");
  EXPECT_EQ(client.discovery().fetches(), 1);  // the hit used the cache
  EXPECT_FALSE(client.ScalePath({"apps/v1", "StatefulSet", "s", "db"}).ok());
  EXPECT_EQ(client.discovery().fetches(), 2);             // a kind missing from the cache refetches
  auto core = client.ScalePath({"v1", "Pod", "s", "p"});  // /api/v1 not queued: 404
  ASSERT_FALSE(core.ok());
  EXPECT_NE(core.error().message.find("not served"), std::string::npos);
}

TEST_F(K8sClientTest, StatusPatchCarriesObservedGeneration) {
  fake_->Queue("PATCH", "/apis/slo-autoscaler.io", Reply(200));
  auto client = Client();
  ASSERT_TRUE(client.PatchAutoscalerStatus("s", "a", json{{"desiredReplicas", 3}}, 7).ok());
  auto call = fake_->calls().back();
  EXPECT_EQ(call.path,
            "/apis/slo-autoscaler.io/v1alpha1/namespaces/s/inferenceautoscalers/a/status");
  EXPECT_EQ(json::parse(call.body)["status"]["observedGeneration"], 7);
  EXPECT_EQ(json::parse(call.body)["status"]["desiredReplicas"], 3);
}

TEST_F(K8sClientTest, RepeatedEventsPatchTheCount) {
  fake_->Queue("POST", "/api/v1/namespaces/s/events", Reply(201));
  fake_->Queue("PATCH", "/api/v1/namespaces/s/events/", Reply(200));
  auto client = Client();
  EventSpec ev{{{"kind", "InferenceAutoscaler"}, {"namespace", "s"}, {"name", "a"}},
               "Normal",
               "ScaleUp",
               "4 -> 6"};
  ASSERT_TRUE(client.RecordEvent(ev, "2026-11-23T17:00:00Z").ok());
  ASSERT_TRUE(client.RecordEvent(ev, "2026-11-23T17:00:15Z").ok());
  ev.message = "6 -> 8";
  ASSERT_TRUE(client.RecordEvent(ev, "2026-11-23T17:00:30Z").ok());
  auto calls = fake_->calls();
  ASSERT_EQ(calls.size(), 3u);
  json first = json::parse(calls[0].body);
  EXPECT_EQ(first["source"]["component"], "slo-autoscaler");
  EXPECT_EQ(first["count"], 1);
  EXPECT_EQ(first["type"], "Normal");
  EXPECT_EQ(first["firstTimestamp"], "2026-11-23T17:00:00Z");
  EXPECT_EQ(calls[1].method, "PATCH");
  EXPECT_EQ(calls[1].path,
            "/api/v1/namespaces/s/events/" + first["metadata"]["name"].get<std::string>());
  EXPECT_EQ(json::parse(calls[1].body),
            json::parse(R"({"count":2,"lastTimestamp":"2026-11-23T17:00:15Z"})"));
  EXPECT_EQ(calls[2].method, "POST");
}

TEST_F(K8sClientTest, LeaseCallsUseCoordinationPaths) {
  fake_->Queue("GET", "/apis/coordination.k8s.io/v1/namespaces/s/leases/l", Reply(200));
  fake_->Queue("POST", "/apis/coordination.k8s.io/v1/namespaces/s/leases", Reply(201));
  fake_->Queue("PUT", "/apis/coordination.k8s.io/v1/namespaces/s/leases/l", Reply(200));
  auto client = Client();
  json lease = {{"metadata", {{"name", "l"}, {"resourceVersion", "1"}}}};
  EXPECT_TRUE(client.GetLease("s", "l").ok());
  EXPECT_TRUE(client.CreateLease("s", lease).ok());
  EXPECT_TRUE(client.UpdateLease("s", lease).ok());
  EXPECT_EQ(fake_->calls().size(), 3u);
}

}  // namespace
}  // namespace slo::controller::k8s
