#include "controller/runtime/endpoints.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>

#include <atomic>

#include "tests/support/subprocess.h"

namespace slo::controller {
namespace {

using slo::testing::HttpRequest;

TEST(CivetListenSpecTest, AcceptsHostPortAndBarePort) {
  EXPECT_EQ(CivetListenSpec(":8080"), "8080");
  EXPECT_EQ(CivetListenSpec("127.0.0.1:0"), "127.0.0.1:0");
}

TEST(HealthEndpointTest, ServesHealthzAndReadyzFromTheProbes) {
  std::atomic<bool> ready{false};
  std::string err;
  auto server = HealthEndpoint::Start(
      "127.0.0.1:0", [] { return Probe{true, "loop ran 1s ago"}; },
      [&] { return Probe{ready.load(), ready ? "synced" : "waiting for the first list"}; }, &err);
  ASSERT_TRUE(server) << err;
  ASSERT_GT(server->port(), 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(server->port());
  auto h = HttpRequest("GET", base + "/healthz");
  EXPECT_EQ(h.status, 200) << h.error;
  EXPECT_NE(h.body.find("loop ran"), std::string::npos);
  auto r = HttpRequest("GET", base + "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("waiting"), std::string::npos);
  ready = true;
  EXPECT_EQ(HttpRequest("GET", base + "/readyz").status, 200);
  EXPECT_EQ(HttpRequest("GET", base + "/nope").status, 404);
}

TEST(HealthEndpointTest, ReportsAnAddressInUse) {
  std::string err;
  auto first = HealthEndpoint::Start("127.0.0.1:0", [] { return Probe{true, ""}; },
                                     [] { return Probe{true, ""}; }, &err);
  ASSERT_TRUE(first) << err;
  auto second = HealthEndpoint::Start("127.0.0.1:" + std::to_string(first->port()),
                                      [] { return Probe{true, ""}; },
                                      [] { return Probe{true, ""}; }, &err);
  EXPECT_FALSE(second);
  EXPECT_NE(err.find("cannot listen"), std::string::npos);
}

TEST(MetricsEndpointTest, ServesTheRegistry) {
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter().Name("slo_test_total").Help("test").Register(*registry).Add({}).Increment(3);
  std::string err;
  auto server = MetricsEndpoint::Start("127.0.0.1:0", registry, &err);
  ASSERT_TRUE(server) << err;
  auto r = HttpRequest("GET", "http://127.0.0.1:" + std::to_string(server->port()) + "/metrics");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_NE(r.body.find("slo_test_total 3"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace slo::controller
