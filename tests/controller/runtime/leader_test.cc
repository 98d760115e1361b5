#include "controller/runtime/leader.h"

#include <gtest/gtest.h>

namespace slo::controller {
namespace {

TEST(MicroTimeTest, FormatsAndParsesRoundTrip) {
  EXPECT_EQ(FormatMicroTime(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatMicroTime(1795456100.25), "2026-11-23T17:48:20.250000Z");
  auto t = ParseRfc3339("2026-11-23T17:48:20.250000Z");
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(*t, 1795456100.25);
  EXPECT_DOUBLE_EQ(*ParseRfc3339("2026-11-23T17:48:20Z"), 1795456100.0);
  EXPECT_FALSE(ParseRfc3339("yesterday"));
}

}  // namespace
}  // namespace slo::controller
