// Tests for policies/overload.h: shortfall and the shed fraction of a capped fleet.
#include "policies/overload.h"

#include <gtest/gtest.h>

#include "policies/erlang.h"

namespace slo::policies {
namespace {

TEST(OverloadTest, NoOverloadWhenTheAnswerFits) {
  OverloadInput in;
  in.needed_replicas = 20;
  in.allowed_replicas = 20;
  EXPECT_FALSE(AssessOverload(in).overload.has_value());
}

TEST(OverloadTest, ShedFractionFromTheTailModel) {
  OverloadInput in;
  in.needed_replicas = 30;
  in.allowed_replicas = 10;
  in.arrival_rate_rps = 100;
  in.service_time_s = 1.0;
  in.wait_budget_s = 1.0;
  in.latency_percentile = 99;
  in.concurrency_per_replica = 4;
  const OverloadResult r = AssessOverload(in);
  ASSERT_TRUE(r.overload.has_value());
  EXPECT_EQ(r.overload->shortfall_replicas, 20);
  EXPECT_TRUE(r.from_tail_model);
  const double lambda_max = MaxArrivalRateForSlo(40, 1.0, 1.0, {1.0, 99});
  EXPECT_NEAR(r.max_arrival_rate_rps, lambda_max, 1e-9);
  EXPECT_NEAR(r.overload->shed_fraction, 1.0 - lambda_max / 100.0, 1e-9);
  EXPECT_GT(r.overload->shed_fraction, 0.6);  // 40 slots serve < 40 req/s of 100
  EXPECT_LT(r.overload->shed_fraction, 1.0);
}

TEST(OverloadTest, ShedFractionFromLittlesLawWithoutTailModel) {
  OverloadInput in;
  in.needed_replicas = 10;
  in.allowed_replicas = 5;
  in.arrival_rate_rps = 80;
  in.service_time_s = 1.0;
  in.concurrency_per_replica = 16;
  in.target_utilization = 0.5;
  const OverloadResult r = AssessOverload(in);
  ASSERT_TRUE(r.overload.has_value());
  // 5 × 16 × 0.5 = 40 req/s of 80.
  EXPECT_DOUBLE_EQ(r.overload->shed_fraction, 0.5);
}

TEST(OverloadTest, UnknownRateShedsEverythingUnpromised) {
  OverloadInput in;
  in.needed_replicas = 10;
  in.allowed_replicas = 0;
  const OverloadResult r = AssessOverload(in);
  ASSERT_TRUE(r.overload.has_value());
  EXPECT_EQ(r.overload->shortfall_replicas, 10);
  EXPECT_DOUBLE_EQ(r.overload->shed_fraction, 1.0);
}

}  // namespace
}  // namespace slo::policies
