#include "controller/prom/estimates.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace slo::controller::prom {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(EstimateArrivalRate, HandWorkedCases) {
  struct Case {
    const char* name;
    std::optional<double> completion;
    std::optional<double> growth;
    std::optional<double> want;
  };
  const Case cases[] = {
      // Steady state: backlog flat, arrivals = completions.
      {"steady", 10.0, 0.0, 10.0},
      // Saturated: 8 req/s complete while queue+running grows by 120 over 60 s (2 req/s).
      {"saturated_backlog_growing", 8.0, 120.0 / 60.0, 10.0},
      // Draining: 10 req/s complete, backlog shrinks by 3 req/s: only 7 req/s arrive.
      {"draining", 10.0, -3.0, 7.0},
      // Noise cannot make the estimate negative.
      {"clamped_at_zero", 1.0, -4.0, 0.0},
      {"growth_missing_uses_completions", 5.0, std::nullopt, 5.0},
      {"growth_nan_uses_completions", 5.0, kNan, 5.0},
      {"completion_missing", std::nullopt, 2.0, std::nullopt},
      {"completion_inf", kInf, 2.0, std::nullopt},
  };
  for (const auto& c : cases) {
    ArrivalEstimate e = EstimateArrivalRate(c.completion, c.growth);
    ASSERT_EQ(e.rate_rps.has_value(), c.want.has_value()) << c.name;
    if (c.want) {
      EXPECT_NEAR(*e.rate_rps, *c.want, 1e-12) << c.name;
    }
    EXPECT_FALSE(e.note.empty()) << c.name;
  }
}

TEST(ScvFromBuckets, SingleBucketIsUniform) {
  // All mass uniform on (0, 2]: mean 1, E[X^2] = 4/3, SCV = 1/3.
  auto scv = ScvFromBuckets({{2.0, 10.0}, {kInf, 10.0}});
  ASSERT_TRUE(scv.has_value());
  EXPECT_NEAR(*scv, 1.0 / 3.0, 1e-12);
}

TEST(ScvFromBuckets, TwoBucketsHandWorked) {
  // Cumulative: le=1 -> 5, le=3 -> 10. Buckets (0,1] x5 and (1,3] x5, uniform within.
  // mean = (5*0.5 + 5*2)/10 = 1.25; E[X^2] = (5*(1/3) + 5*((1+3+9)/3))/10 = (5/3 + 65/3)/10 = 7/3
  // SCV = (7/3) / 1.5625 - 1 = 0.49333...
  auto scv = ScvFromBuckets({{3.0, 10.0}, {1.0, 5.0}, {kInf, 10.0}});  // any order
  ASSERT_TRUE(scv.has_value());
  EXPECT_NEAR(*scv, (7.0 / 3.0) / 1.5625 - 1.0, 1e-12);
}

TEST(ScvFromBuckets, InfBucketPlacedAtLowerBound) {
  // (0,1] x0, +Inf x4 placed at 1: constant service time, SCV 0.
  auto scv = ScvFromBuckets({{1.0, 0.0}, {kInf, 4.0}});
  ASSERT_TRUE(scv.has_value());
  EXPECT_NEAR(*scv, 0.0, 1e-12);
}

TEST(ScvFromBuckets, NoTrafficOrBadDataIsMissing) {
  EXPECT_FALSE(ScvFromBuckets({}).has_value());
  EXPECT_FALSE(ScvFromBuckets({{1.0, 0.0}, {kInf, 0.0}}).has_value());
  EXPECT_FALSE(ScvFromBuckets({{1.0, kNan}, {kInf, 1.0}}).has_value());
  EXPECT_FALSE(ScvFromBuckets({{-1.0, 1.0}, {kInf, 1.0}}).has_value());
}

}  // namespace
}  // namespace slo::controller::prom
