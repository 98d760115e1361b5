#include "controller/audit/audit_time.h"

#include <gtest/gtest.h>

namespace slo::controller::audit {
namespace {

TEST(ParseRfc3339Ms, AcceptsTheFormsLogsUse) {
  struct Case {
    const char* name;
    const char* text;
    int64_t want_ms;
  };
  const int64_t base = 1795429800000;  // 2026-11-23T10:30:00Z
  const Case cases[] = {
      {"whole seconds Z", "2026-11-23T10:30:00Z", base},
      {"milliseconds", "2026-11-23T10:30:00.123Z", base + 123},
      {"nanoseconds truncate to ms", "2026-11-23T10:30:00.123456789Z", base + 123},
      {"one fractional digit", "2026-11-23T10:30:00.5Z", base + 500},
      {"positive offset", "2026-11-23T12:30:00+02:00", base},
      {"negative offset", "2026-11-23T05:00:00-05:30", base},
      {"lower-case t and z", "2026-11-23t10:30:00z", base},
      {"epoch", "1970-01-01T00:00:00Z", 0},
      {"leap day", "2024-02-29T00:00:00Z", 1709164800000},
  };
  for (const auto& c : cases) {
    auto got = ParseRfc3339Ms(c.text);
    ASSERT_TRUE(got.has_value()) << c.name;
    EXPECT_EQ(*got, c.want_ms) << c.name;
  }
}

TEST(ParseRfc3339Ms, RejectsMalformedTimes) {
  for (const char* text : {"", "2026-11-23", "2026-11-23T10:30:00", "2026-13-01T00:00:00Z",
                           "2026-11-23T25:00:00Z", "2026-11-23T10:30:00.Z", "yesterday",
                           "2026-11-23T10:30:00Zjunk", "2026-11-23T10:30:00+0200"}) {
    EXPECT_FALSE(ParseRfc3339Ms(text).has_value()) << text;
  }
}

TEST(Rfc3339PrefixLength, FindsKubectlTimestampPrefix) {
  EXPECT_EQ(Rfc3339PrefixLength("2026-11-23T10:30:00.123456789Z {\"a\":1}"), 30u);
  EXPECT_EQ(Rfc3339PrefixLength("{\"a\":1}"), 0u);
}

TEST(ParseDurationMs, ParsesGoStyleDurations) {
  struct Case {
    const char* text;
    int64_t want_ms;
  };
  for (const auto& c : {Case{"90s", 90000}, Case{"30m", 1800000}, Case{"2h", 7200000},
                        Case{"1h30m", 5400000}, Case{"1d", 86400000}, Case{"250ms", 250},
                        Case{"1.5h", 5400000}, Case{"0s", 0}}) {
    auto got = ParseDurationMs(c.text);
    ASSERT_TRUE(got.has_value()) << c.text;
    EXPECT_EQ(*got, c.want_ms) << c.text;
  }
  for (const char* bad : {"", "5", "h", "-5m", "5 m", "5y", "1e9999h", "."}) {
    EXPECT_FALSE(ParseDurationMs(bad).has_value()) << bad;
  }
}

TEST(FormatRfc3339Ms, RoundTripsWithParse) {
  for (int64_t ms : {int64_t{0}, int64_t{1795429800123}, int64_t{951782400999}}) {
    EXPECT_EQ(ParseRfc3339Ms(FormatRfc3339Ms(ms)), ms);
  }
  EXPECT_EQ(FormatRfc3339Ms(1795429800123), "2026-11-23T10:30:00.123Z");
  EXPECT_EQ(FormatClock(1795429800123), "10:30:00");
  EXPECT_EQ(FormatClock(1795429800123, true), "10:30:00.123");
}

TEST(ParseClockMs, ParsesTimeOfDay) {
  EXPECT_EQ(ParseClockMs("10:32"), (10 * 60 + 32) * 60000);
  EXPECT_EQ(ParseClockMs("10:32:05"), ((10 * 60 + 32) * 60 + 5) * 1000);
  EXPECT_EQ(ParseClockMs("10:32:05.25"), ((10 * 60 + 32) * 60 + 5) * 1000 + 250);
  EXPECT_FALSE(ParseClockMs("24:00").has_value());
  EXPECT_FALSE(ParseClockMs("10:32:").has_value());
}

TEST(FormatDurationMs, IsShortAndHuman) {
  EXPECT_EQ(FormatDurationMs(4900), "4.9s");
  EXPECT_EQ(FormatDurationMs(125000), "2m05s");
  EXPECT_EQ(FormatDurationMs(3720000), "1h02m");
}

}  // namespace
}  // namespace slo::controller::audit
