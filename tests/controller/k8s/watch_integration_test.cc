// ListWatch and KubeClient::Watch against the test API server: events, bookmarks, reconnects,
// 410 Gone (ERROR event and HTTP), relist, Stop().
#include <gtest/gtest.h>

#include <atomic>
#include <set>
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
using slo::testing::TestApiServer;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

json Autoscaler(const std::string& name) {
  return json{
      {"apiVersion", "slo-autoscaler.io/v1alpha1"},
      {"kind", "InferenceAutoscaler"},
      {"metadata", {{"name", name}, {"namespace", "serving"}}},
      {"spec",
       {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
        {"maxReplicas", 10},
        {"slo", {{"latencyThresholdSeconds", 2.0}}},
        {"capacity", {{"concurrencyPerReplica", 16}}}}}};
}

// What the handlers saw, guarded for the test thread.
struct Seen {
  std::mutex mu;
  std::vector<std::string> events;
  std::set<std::string> names;  // the current view
  int syncs = 0;
  int bookmarks = 0;
  bool Has(const std::string& e) {
    std::lock_guard<std::mutex> lock(mu);
    return std::find(events.begin(), events.end(), e) != events.end();
  }
};

class K8sWatchIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestApiServer::Options o;
    o.namespaces = {"serving"};
    o.extra_args = {"--bookmark-interval", "0.2"};
    std::string err;
    api_ = TestApiServer::Start(o, &err);
    ASSERT_TRUE(api_) << err;
    auto docs = slo::controller::ParseYamlDocuments(slo::testing::ReadFile(
        slo::testing::SourceDir() + "/manifests/crd/slo-autoscaler.io_inferenceautoscalers.yaml"));
    ASSERT_TRUE(api_->InstallCrd(docs.documents.at(0).value.dump(), &err)) << err;
    KubeConfig c;
    c.server = api_->url();
    ClientOptions options;
    options.call_timeout = milliseconds(1000);
    options.retry.base_delay = milliseconds(20);
    client_ = std::make_unique<KubeClient>(c, options);
  }

  ListWatchHandlers Handlers() {
    ListWatchHandlers h;
    auto name = [](const json& o) { return o["metadata"]["name"].get<std::string>(); };
    h.on_sync = [this, name](const std::vector<json>& items, const std::string&) {
      std::lock_guard<std::mutex> lock(seen_.mu);
      ++seen_.syncs;
      seen_.names.clear();
      for (const auto& i : items) seen_.names.insert(name(i));
      seen_.events.push_back("sync " + std::to_string(items.size()));
    };
    h.on_added = [this, name](const json& o) {
      std::lock_guard<std::mutex> lock(seen_.mu);
      seen_.names.insert(name(o));
      seen_.events.push_back("added " + name(o));
    };
    h.on_modified = [this, name](const json& o) {
      std::lock_guard<std::mutex> lock(seen_.mu);
      seen_.events.push_back("modified " + name(o));
    };
    h.on_deleted = [this, name](const json& o) {
      std::lock_guard<std::mutex> lock(seen_.mu);
      seen_.names.erase(name(o));
      seen_.events.push_back("deleted " + name(o));
    };
    h.on_bookmark = [this](const std::string&) {
      std::lock_guard<std::mutex> lock(seen_.mu);
      ++seen_.bookmarks;
    };
    return h;
  }

  std::unique_ptr<TestApiServer> api_;
  std::unique_ptr<KubeClient> client_;
  Seen seen_;
};

// Runs a ListWatch on a thread; stops and joins it on destruction (also on test failure).
class Running {
 public:
  Running(KubeClient* client, ListWatchOptions o, ListWatchHandlers h)
      : lw_(client, std::move(o), std::move(h)), thread_([this] { lw_.Run(); }) {}
  ~Running() {
    lw_.Stop();
    thread_.join();
  }
  ListWatch& lw() { return lw_; }

 private:
  ListWatch lw_;
  std::thread thread_;
};

TEST_F(K8sWatchIntegrationTest, DeliversAddsModifiesDeletesAndBookmarks) {
  const std::string path = KubeClient::AutoscalersPath("serving");
  ASSERT_TRUE(client_->Create(path, Autoscaler("before")).ok());
  ListWatchOptions o;
  o.path = KubeClient::AutoscalersPath("");
  o.watch_timeout_s = 1;  // forces reconnects from the last resourceVersion
  Running run(client_.get(), o, Handlers());
  ASSERT_TRUE(PollUntil([&] { return seen_.Has("sync 1"); }, milliseconds(5000)));
  ASSERT_TRUE(client_->Create(path, Autoscaler("a")).ok());
  ASSERT_TRUE(PollUntil([&] { return seen_.Has("added a"); }, milliseconds(5000)));
  ASSERT_TRUE(client_->MergePatch(path + "/a", json{{"spec", {{"maxReplicas", 12}}}}).ok());
  ASSERT_TRUE(PollUntil([&] { return seen_.Has("modified a"); }, milliseconds(5000)));
  ASSERT_TRUE(PollUntil([&] { return run.lw().watches() >= 2; }, milliseconds(5000)));
  ASSERT_TRUE(client_->Get(path + "/before").ok());
  auto del = slo::testing::HttpRequest("DELETE", api_->url() + path + "/before");
  ASSERT_EQ(del.status, 200) << del.body;
  ASSERT_TRUE(PollUntil([&] { return seen_.Has("deleted before"); }, milliseconds(5000)));
  ASSERT_TRUE(PollUntil(
      [&] {
        std::lock_guard<std::mutex> lock(seen_.mu);
        return seen_.bookmarks > 0;
      },
      milliseconds(5000)));
  std::lock_guard<std::mutex> lock(seen_.mu);
  EXPECT_EQ(seen_.syncs, 1);  // reconnects resumed; nothing was relisted
  EXPECT_EQ(seen_.names, (std::set<std::string>{"a"}));
  // Every watch after the first resumed from a resourceVersion (no duplicate ADDED events).
  EXPECT_EQ(std::count(seen_.events.begin(), seen_.events.end(), "added a"), 1);
}

TEST_F(K8sWatchIntegrationTest, RelistsWhenTheHistoryIsCompactedWhileDisconnected) {
  const std::string path = KubeClient::AutoscalersPath("serving");
  ListWatchOptions o;
  o.path = path;
  o.watch_timeout_s = 1;
  o.min_backoff = milliseconds(20);
  Running run(client_.get(), o, Handlers());
  ASSERT_TRUE(PollUntil([&] { return seen_.Has("sync 0"); }, milliseconds(5000)));
  // The next watch request hangs 1 s (then the connection drops); while it hangs, an object is
  // created and the history compacted, so the reconnect's resourceVersion is gone.
  ASSERT_TRUE(api_->AddFault({.method = "GET",
                              .path = "/inferenceautoscalers$",
                              .action = "hang",
                              .count = 1,
                              .hang_s = 1}));
  ASSERT_TRUE(PollUntil([&] { return api_->Faults().find("hang") == std::string::npos; },
                        milliseconds(5000)));
  ASSERT_TRUE(client_->Create(path, Autoscaler("during")).ok());
  ASSERT_TRUE(api_->Compact());
  ASSERT_TRUE(PollUntil([&] { return run.lw().lists() >= 2; }, milliseconds(6000)));
  ASSERT_TRUE(PollUntil(
      [&] {
        std::lock_guard<std::mutex> lock(seen_.mu);
        return seen_.names.count("during") == 1;
      },
      milliseconds(5000)));
}

TEST_F(K8sWatchIntegrationTest, GoneIsReportedAsErrorEventAndHttp410) {
  const std::string path = KubeClient::AutoscalersPath("serving");
  auto created = client_->Create(path, Autoscaler("x"));
  ASSERT_TRUE(created.ok());
  std::string old_rv = created.value()["metadata"]["resourceVersion"];
  ASSERT_TRUE(client_->Create(path, Autoscaler("y")).ok());
  ASSERT_TRUE(api_->Compact());
  auto watched = client_->Watch(
      path, old_rv, "", 5, [](const WatchEvent&) { return true; }, nullptr);
  ASSERT_FALSE(watched.ok());
  EXPECT_TRUE(watched.error().IsGone()) << watched.error().Describe();
  auto listed = client_->List(path, "resourceVersion=" + old_rv + "&resourceVersionMatch=Exact");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().http_status, 410);
}

TEST_F(K8sWatchIntegrationTest, StopInterruptsAnOpenWatchPromptly) {
  ListWatchOptions o;
  o.path = KubeClient::AutoscalersPath("");
  o.watch_timeout_s = 60;
  auto run = std::make_unique<Running>(client_.get(), o, Handlers());
  ASSERT_TRUE(PollUntil([&] { return run->lw().watches() >= 1; }, milliseconds(5000)));
  ASSERT_TRUE(PollUntil(
      [&] {
        std::lock_guard<std::mutex> lock(seen_.mu);
        return seen_.bookmarks > 0;  // the watch is open and streaming
      },
      milliseconds(5000)));
  auto start = Clock::now();
  run.reset();  // Stop() + join
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
}

TEST_F(K8sWatchIntegrationTest, ReconnectsAfterAResetWatch) {
  ListWatchOptions o;
  o.path = KubeClient::AutoscalersPath("serving");
  o.watch_timeout_s = 30;
  o.min_backoff = milliseconds(20);
  std::atomic<int> errors{0};
  ListWatchHandlers h = Handlers();
  h.on_error = [&](const ApiError&) { errors.fetch_add(1); };
  ASSERT_TRUE(api_->AddFault(
      {.method = "GET", .path = "/inferenceautoscalers$", .action = "reset", .count = 2}));
  Running run(client_.get(), o, h);
  ASSERT_TRUE(PollUntil([&] { return seen_.Has("sync 0"); }, milliseconds(5000)));
  ASSERT_TRUE(client_->Create(o.path, Autoscaler("z")).ok());
  ASSERT_TRUE(PollUntil([&] { return seen_.Has("added z"); }, milliseconds(5000)));
  EXPECT_EQ(errors.load(), 0);  // the list retried inside the client; the watch never failed
}

}  // namespace
}  // namespace slo::controller::k8s
