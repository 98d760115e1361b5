// Tests for policies/inputs.h: fallbacks, rejection of bad numbers, the wait budget.
#include "policies/inputs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace slo::policies {
namespace {

TEST(InputsTest, ObservationWinsOverSpecAndSpecFillsGaps) {
  ScalingConfig cfg;
  cfg.capacity.service_time_s = 1.5;
  cfg.capacity.service_time_scv = 2.0;
  cfg.capacity.prefill_fraction = 0.2;
  Observation obs;
  ResolvedInputs in = ResolveInputs(cfg, obs);
  ASSERT_TRUE(in.service_time_s.has_value());
  EXPECT_DOUBLE_EQ(*in.service_time_s, 1.5);
  EXPECT_TRUE(in.service_time_from_spec);
  EXPECT_DOUBLE_EQ(in.service_time_scv, 2.0);
  EXPECT_DOUBLE_EQ(*in.prefill_time_s, 0.3);

  obs.service_time_s = 0.9;
  obs.service_time_scv = 4.0;
  obs.prefill_time_s = 0.05;
  in = ResolveInputs(cfg, obs);
  EXPECT_DOUBLE_EQ(*in.service_time_s, 0.9);
  EXPECT_FALSE(in.service_time_from_spec);
  EXPECT_DOUBLE_EQ(in.service_time_scv, 4.0);
  EXPECT_DOUBLE_EQ(*in.prefill_time_s, 0.05);
}

TEST(InputsTest, NanInfinityAndNegativeAreMissing) {
  const double kNan = std::numeric_limits<double>::quiet_NaN();
  const double kInf = std::numeric_limits<double>::infinity();
  for (double bad : {kNan, kInf, -kInf, -1.0}) {
    SCOPED_TRACE(bad);
    ScalingConfig cfg;
    Observation obs;
    obs.arrival_rate_rps = bad;
    obs.queue_depth = bad;
    obs.in_flight = bad;
    obs.service_time_s = bad;
    const ResolvedInputs in = ResolveInputs(cfg, obs);
    EXPECT_FALSE(in.arrival_rate_rps.has_value());
    EXPECT_FALSE(in.queue_depth.has_value());
    EXPECT_FALSE(in.in_flight.has_value());
    EXPECT_FALSE(in.service_time_s.has_value());
    EXPECT_FALSE(in.prefill_time_s.has_value());
  }
}

TEST(InputsTest, WaitBudgetPerMetric) {
  SloSpec slo;
  slo.latency_threshold_s = 2.0;
  slo.latency_metric = LatencyMetric::kTtft;
  EXPECT_DOUBLE_EQ(WaitBudget(slo, 1.0, 0.3), 1.7);
  EXPECT_DOUBLE_EQ(WaitBudget(slo, 1.0, std::nullopt), 2.0);
  slo.latency_metric = LatencyMetric::kE2e;
  EXPECT_DOUBLE_EQ(WaitBudget(slo, 2.5, 0.3), -0.5);
  slo.latency_metric = LatencyMetric::kQueueWait;
  EXPECT_DOUBLE_EQ(WaitBudget(slo, 2.5, 0.3), 2.0);
}

}  // namespace
}  // namespace slo::policies
