// Leader election against the test API server: two LeaderElectors on one Lease. Time is passed
// in (Unix seconds), so expiry is tested without waiting for it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "controller/k8s/client.h"
#include "controller/runtime/leader.h"
#include "tests/support/apiserver_fixture.h"

namespace slo::controller {
namespace {

using nlohmann::json;
using slo::testing::TestApiServer;

constexpr char kNs[] = "slo-autoscaler-system";
constexpr double kT0 = 1795456100.0;  // 2026-11-23T17:48:20Z
constexpr double kLeaseS = 15.0;

class LeaderElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    TestApiServer::Options o;
    o.namespaces = {kNs};
    api_ = TestApiServer::Start(o, &err);
    ASSERT_TRUE(api_) << err;
    k8s::KubeConfig cfg;
    cfg.server = api_->url();
    k8s::ClientOptions opts;
    opts.seed = 1;
    opts.sleep = [](std::chrono::milliseconds) {};
    client_a_ = std::make_unique<k8s::KubeClient>(cfg, opts);
    client_b_ = std::make_unique<k8s::KubeClient>(cfg, opts);
  }
  json Lease() {
    auto r = api_->Api("GET", k8s::KubeClient::LeasePath(kNs, "slo-autoscaler"));
    return json::parse(r.body, nullptr, false);
  }

  std::unique_ptr<TestApiServer> api_;
  std::unique_ptr<k8s::KubeClient> client_a_;
  std::unique_ptr<k8s::KubeClient> client_b_;
};

TEST_F(LeaderElectionTest, OneLeadsTheOtherStandsByAndTakesOverAfterExpiry) {
  LeaderElector a(client_a_.get(), kNs, "slo-autoscaler", "pod-a", kLeaseS);
  LeaderElector b(client_b_.get(), kNs, "slo-autoscaler", "pod-b", kLeaseS);
  ASSERT_TRUE(a.TryAcquireOrRenew(kT0));  // creates the Lease
  EXPECT_FALSE(b.TryAcquireOrRenew(kT0 + 1));
  EXPECT_EQ(b.holder(), "pod-a");
  EXPECT_TRUE(a.TryAcquireOrRenew(kT0 + 5));                 // renews
  EXPECT_FALSE(b.TryAcquireOrRenew(kT0 + 5 + kLeaseS - 1));  // not expired yet
  json lease = Lease();
  EXPECT_EQ(lease["spec"]["holderIdentity"], "pod-a");
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 15);
  EXPECT_EQ(lease["spec"]["leaseTransitions"], 0);
  // pod-a stops renewing; after renewTime + leaseDuration pod-b takes over.
  ASSERT_TRUE(b.TryAcquireOrRenew(kT0 + 5 + kLeaseS + 1));
  EXPECT_TRUE(b.is_leader());
  lease = Lease();
  EXPECT_EQ(lease["spec"]["holderIdentity"], "pod-b");
  EXPECT_EQ(lease["spec"]["leaseTransitions"], 1);
  // pod-a comes back and finds it has lost the lease.
  EXPECT_FALSE(a.TryAcquireOrRenew(kT0 + 5 + kLeaseS + 2));
  EXPECT_FALSE(a.is_leader());
  EXPECT_EQ(a.holder(), "pod-b");
}

TEST_F(LeaderElectionTest, AReleasedLeaseIsTakenOverAtOnce) {
  LeaderElector a(client_a_.get(), kNs, "slo-autoscaler", "pod-a", kLeaseS);
  LeaderElector b(client_b_.get(), kNs, "slo-autoscaler", "pod-b", kLeaseS);
  ASSERT_TRUE(a.TryAcquireOrRenew(kT0));
  a.Release(kT0 + 1);  // SIGTERM: give the lease up
  EXPECT_FALSE(a.is_leader());
  EXPECT_EQ(Lease()["spec"]["holderIdentity"], "");
  EXPECT_TRUE(b.TryAcquireOrRenew(kT0 + 2));  // well before the 15 s expiry
  EXPECT_EQ(Lease()["spec"]["holderIdentity"], "pod-b");
}

TEST_F(LeaderElectionTest, LosingTheUpdateRaceMeansNotLeading) {
  LeaderElector a(client_a_.get(), kNs, "slo-autoscaler", "pod-a", kLeaseS);
  LeaderElector b(client_b_.get(), kNs, "slo-autoscaler", "pod-b", kLeaseS);
  ASSERT_TRUE(a.TryAcquireOrRenew(kT0));
  // pod-b sees an expired lease, but another replica wrote it first: its PUT gets 409.
  ASSERT_TRUE(
      api_->AddFault({.method = "PUT", .path = "/leases/slo-autoscaler$", .action = "409"}));
  EXPECT_FALSE(b.TryAcquireOrRenew(kT0 + 60));
  EXPECT_FALSE(b.is_leader());
  EXPECT_EQ(Lease()["spec"]["holderIdentity"], "pod-a");
}

TEST_F(LeaderElectionTest, AnUnreadableLeaseStopsLeading) {
  LeaderElector a(client_a_.get(), kNs, "slo-autoscaler", "pod-a", kLeaseS);
  ASSERT_TRUE(a.TryAcquireOrRenew(kT0));
  ASSERT_TRUE(api_->SetForbid({"get:leases"}));
  EXPECT_FALSE(a.TryAcquireOrRenew(kT0 + 5));
  EXPECT_FALSE(a.is_leader());
}

}  // namespace
}  // namespace slo::controller
