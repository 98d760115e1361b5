// Tests for policies/numeric.h.
#include "policies/numeric.h"

#include <gtest/gtest.h>

#include <cmath>

namespace slo::policies {
namespace {

TEST(NumericTest, CeilReplicasRoundsUpForgivingNoise) {
  struct Case {
    const char* name;
    double x;
    int32_t want;
  };
  const Case cases[] = {
      {"Fraction", 1.22, 2},
      {"ExactInteger", 3.0, 3},
      {"NoiseAboveInteger", 1.0000000000000002, 1},
      {"Zero", 0.0, 0},
      {"Negative", -4.0, 0},
      {"NaN", std::nan(""), 0},
      {"Huge", 1e300, kReplicaCeiling},
      {"Infinity", INFINITY, kReplicaCeiling},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(CeilReplicas(c.x), c.want);
  }
}

TEST(NumericTest, FmtIsShortAndReadable) {
  EXPECT_EQ(Fmt(12.4), "12.4");
  EXPECT_EQ(Fmt(1.10), "1.1");
  EXPECT_EQ(Fmt(13.64), "13.6");
  EXPECT_EQ(Fmt(250.0), "250");
  EXPECT_EQ(Fmt(0.0), "0");
  EXPECT_EQ(Fmt(1.5e6), "1.5e+06");
}

}  // namespace
}  // namespace slo::policies
