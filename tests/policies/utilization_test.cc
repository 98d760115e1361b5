// Tests for policies/utilization.h: the HPA target-utilisation rule with tolerance.
#include "policies/utilization.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace slo::policies {
namespace {

TEST(UtilizationTest, FollowsTheHpaRule) {
  struct Case {
    const char* name;
    UtilizationInput in;
    int32_t want;
  };
  const Case cases[] = {
      // 40 / 64 = 62.5% vs 50%: ratio 1.25 -> ceil(4 × 1.25) = 5.
      {"ScaleUpOnHighUtilization", {40.0, 4, 16, 0.5, 0.1}, 5},
      // 16 / 64 = 25% vs 50%: ratio 0.5 -> 2.
      {"ScaleDownOnLowUtilization", {16.0, 4, 16, 0.5, 0.1}, 2},
      // 34 / 64 = 53% vs 50%: ratio 1.0625, within 10%: keep 4.
      {"WithinToleranceKeepsCurrent", {34.0, 4, 16, 0.5, 0.1}, 4},
      {"ZeroToleranceActs", {34.0, 4, 16, 0.5, 0.0}, 5},
      {"IdleFleetScalesToZeroAnswer", {0.0, 4, 16, 0.5, 0.1}, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ModelResult r = Utilization(c.in);
    ASSERT_TRUE(r.replicas.has_value());
    EXPECT_EQ(*r.replicas, c.want);
  }
}

TEST(UtilizationTest, NeedsInFlightAndRunningReplicas) {
  EXPECT_EQ(Utilization({std::nullopt, 4, 16, 0.5, 0.1}).missing_inputs,
            std::vector<std::string>{"inFlight"});
  EXPECT_EQ(Utilization({10.0, 0, 16, 0.5, 0.1}).missing_inputs,
            std::vector<std::string>{"currentReplicas"});
  EXPECT_FALSE(Utilization({10.0, 0, 16, 0.5, 0.1}).replicas.has_value());
}

}  // namespace
}  // namespace slo::policies
