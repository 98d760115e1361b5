// ListWatch against a scripted transport: resume from the last resourceVersion, relist on 410.
#include "controller/k8s/watch.h"

#include <gtest/gtest.h>

#include "tests/controller/k8s/fake_http_transport.h"

namespace slo::controller::k8s {
namespace {

using json = nlohmann::json;

std::string Event(const std::string& type, const std::string& name, const std::string& rv) {
  return json{{"type", type}, {"object", {{"metadata", {{"name", name}, {"resourceVersion", rv}}}}}}
      .dump();
}

HttpReply Ok200(std::string body = "") {
  HttpReply r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

TEST(K8sListWatchTest, ResumesFromTheLastVersionAndRelistsWhenGone) {
  const std::string path = KubeClient::AutoscalersPath("");
  auto fake = std::make_shared<FakeHttpTransport>();
  fake->Queue("GET", path, Ok200(R"({"metadata":{"resourceVersion":"5"},"items":[{"a":1}]})"));
  fake->Queue("GET", path, Ok200(R"({"metadata":{"resourceVersion":"20"},"items":[]})"));
  fake->QueueStream(path, {Ok200(), {Event("ADDED", "x", "6"), Event("BOOKMARK", "", "7")}});
  fake->QueueStream(path, {Ok200(), {Event("MODIFIED", "x", "8"), Event("DELETED", "x", "9")}});
  fake->QueueStream(path,
                    {Ok200(),
                     {json{{"type", "ERROR"},
                           {"object", {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}}}}
                          .dump()}});
  HttpReply gone;
  gone.status = 410;
  gone.body = R"({"kind":"Status","code":410,"reason":"Expired"})";
  fake->QueueStream(path, {gone, {}});  // repeats: every later watch is gone

  ClientOptions options;
  options.sleep = [](std::chrono::milliseconds) {};
  KubeClient client(fake, options);
  std::vector<std::string> seen;
  ListWatch* lw_ptr = nullptr;
  ListWatchHandlers h;
  h.on_sync = [&](const std::vector<json>& items, const std::string& rv) {
    seen.push_back("sync " + rv + " " + std::to_string(items.size()));
    if (seen.size() > 8) lw_ptr->Stop();
  };
  h.on_added = [&](const json& o) {
    seen.push_back("added " + o["metadata"]["name"].get<std::string>());
  };
  h.on_modified = [&](const json&) { seen.push_back("modified"); };
  h.on_deleted = [&](const json&) { seen.push_back("deleted"); };
  h.on_bookmark = [&](const std::string& rv) { seen.push_back("bookmark " + rv); };
  ListWatchOptions o;
  o.path = path;
  o.min_backoff = std::chrono::milliseconds(1);
  ListWatch lw(&client, o, h);
  lw_ptr = &lw;
  lw.Run();

  // list, watch(6,7), watch from 7 (8,9), watch from 9 -> ERROR 410, relist (rv 20),
  // watch from 20 -> HTTP 410, relist, ... until stopped.
  ASSERT_GE(seen.size(), 7u);
  EXPECT_EQ(std::vector<std::string>(seen.begin(), seen.begin() + 7),
            (std::vector<std::string>{"sync 5 1", "added x", "bookmark 7", "modified", "deleted",
                                      "sync 20 0", "sync 20 0"}));
  std::vector<std::string> watch_rvs;
  for (const auto& c : fake->calls()) {
    if (c.path.find("watch=true") == std::string::npos) continue;
    EXPECT_NE(c.path.find("allowWatchBookmarks=true"), std::string::npos);
    size_t at = c.path.find("resourceVersion=");
    watch_rvs.push_back(c.path.substr(at + 16, c.path.find('&', at) - at - 16));
  }
  ASSERT_GE(watch_rvs.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(watch_rvs.begin(), watch_rvs.begin() + 4),
            (std::vector<std::string>{"5", "7", "9", "20"}));
}

TEST(K8sListWatchTest, ReportsErrorsAndStopsPromptly) {
  auto fake = std::make_shared<FakeHttpTransport>();  // nothing queued: every list is a 404
  ClientOptions options;
  options.sleep = [](std::chrono::milliseconds) {};
  KubeClient client(fake, options);
  int errors = 0;
  ListWatch* lw_ptr = nullptr;
  ListWatchHandlers h;
  h.on_error = [&](const ApiError& e) {
    EXPECT_TRUE(e.IsNotFound());
    if (++errors == 3) lw_ptr->Stop();
  };
  ListWatchOptions o;
  o.path = "/api/v1/pods";
  o.min_backoff = std::chrono::milliseconds(1);
  ListWatch lw(&client, o, h);
  lw_ptr = &lw;
  lw.Run();
  EXPECT_EQ(errors, 3);
  EXPECT_EQ(lw.lists(), 3);
}

}  // namespace
}  // namespace slo::controller::k8s
