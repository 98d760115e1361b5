#include "controller/runtime/informer.h"

#include <gtest/gtest.h>

namespace slo::controller {
namespace {

using nlohmann::json;

json Obj(const std::string& ns, const std::string& name, int64_t generation, int replicas = 0) {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"generation", generation}}},
          {"status", {{"currentReplicas", replicas}}}};
}

TEST(AutoscalerCacheTest, IsNotSyncedUntilEverySourceListed) {
  AutoscalerCache cache;
  cache.ExpectSources({"a", "b"});
  EXPECT_FALSE(cache.synced());
  cache.Replace("a", {Obj("a", "x", 1)});
  cache.MarkSynced("a");
  EXPECT_FALSE(cache.synced());
  cache.Replace("b", {});
  cache.MarkSynced("b");
  EXPECT_TRUE(cache.synced());
}

TEST(AutoscalerCacheTest, CountsSpecChangesButNotStatusWrites) {
  AutoscalerCache cache;
  cache.Replace("", {Obj("ns", "a", 1)});
  uint64_t v = cache.spec_version();
  cache.Apply("", "MODIFIED", Obj("ns", "a", 1, 5));  // our own status write
  EXPECT_EQ(cache.spec_version(), v);
  EXPECT_EQ(cache.Snapshot()[0]["status"]["currentReplicas"], 5);  // but the object is fresh
  cache.Apply("", "MODIFIED", Obj("ns", "a", 2));  // a spec edit
  EXPECT_GT(cache.spec_version(), v);
  v = cache.spec_version();
  cache.Apply("", "ADDED", Obj("ns", "b", 1));
  EXPECT_GT(cache.spec_version(), v);
  v = cache.spec_version();
  cache.Apply("", "DELETED", Obj("ns", "a", 2));
  EXPECT_GT(cache.spec_version(), v);
  ASSERT_EQ(cache.Snapshot().size(), 1u);
  EXPECT_EQ(cache.Snapshot()[0]["metadata"]["name"], "b");
}

TEST(AutoscalerCacheTest, ARelistReplacesOnlyItsOwnSource) {
  AutoscalerCache cache;
  cache.Replace("ns1", {Obj("ns1", "a", 1), Obj("ns1", "b", 1)});
  cache.Replace("ns2", {Obj("ns2", "c", 1)});
  cache.Replace("ns1", {Obj("ns1", "b", 1)});  // a was deleted while the watch was down
  auto snap = cache.Snapshot();
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap[0]["metadata"]["name"], "b");  // sorted by ns/name
  EXPECT_EQ(snap[1]["metadata"]["name"], "c");
}

TEST(AutoscalerCacheTest, WaitReturnsAtOnceOnAChangeAndOnWake) {
  AutoscalerCache cache;
  uint64_t v = cache.spec_version();
  std::thread t([&] { cache.Apply("", "ADDED", Obj("ns", "a", 1)); });
  auto start = std::chrono::steady_clock::now();
  uint64_t got = cache.WaitForSpecChange(v, start + std::chrono::seconds(30));
  t.join();
  EXPECT_NE(got, v);
  std::thread w([&] { cache.Wake(); });
  cache.WaitForSpecChange(got, std::chrono::steady_clock::now() + std::chrono::seconds(30));
  w.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

}  // namespace
}  // namespace slo::controller
