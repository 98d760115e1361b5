#include "controller/audit/summary.h"

#include <gtest/gtest.h>

#include "tests/controller/audit/test_util.h"

namespace slo::controller::audit {
namespace {

using testing::Decision;
using testing::ReadText;

std::string At(int s) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "2026-11-23T10:%02d:%02d.000Z", 30 + s / 60, s % 60);
  return buf;
}

TEST(Summarize, CountsEventsTimesAndFlaps) {
  // a: up at 0 s, down at 60 s (a flap within 5 min), at max 120-180 s, metrics missing
  // 180-240 s, up again at 600 s (not a flap: 540 s after the last event).
  const std::string text =
      Decision(At(0), "a", 1, 3, "ScaleUp", true) + "\n" +
      Decision(At(60), "a", 3, 2, "ScaleDown", true) + "\n" +
      Decision(At(120), "a", 2, 2, "AtMaxReplicas", false) + "\n" +
      Decision(At(180), "a", 2, 2, "MetricsMissing", false) + "\n" +
      Decision(At(240), "a", 2, 4, "DryRun", false) + "\n" +
      Decision(At(600), "a", 2, 3, "ScaleUp", true) + "\n" +
      Decision(At(660), "b", 1, 1, "Steady", false) + "\n";
  LogData data = ReadText(text);
  const auto events = CheckIntegrity(data);
  const auto s = Summarize(data, events, 5 * 60 * 1000);
  ASSERT_EQ(s.size(), 2u);
  const TargetSummary& a = s[0];
  EXPECT_EQ(data.strings.Get(a.target), "ns/a");
  EXPECT_EQ(a.decisions, 6u);
  EXPECT_EQ(a.scale_ups, 2u);
  EXPECT_EQ(a.scale_downs, 1u);
  EXPECT_EQ(a.unapplied, 1u);
  EXPECT_EQ(a.flaps, 1u);
  EXPECT_EQ(a.at_max_ms, 60000);
  EXPECT_EQ(a.metrics_missing_ms, 60000);
  EXPECT_EQ(a.in_force_ms, 660000) << "the last decision lasts until the window's end";
  EXPECT_EQ(a.min_replicas, 1);
  EXPECT_EQ(a.max_replicas, 4);
  EXPECT_EQ(a.reasons.at("ScaleUp"), 2u);
  EXPECT_EQ(s[1].decisions, 1u);
}

TEST(Summarize, FlapWindowDecidesWhatCountsAsFlapping) {
  const std::string text = Decision(At(0), "a", 1, 2, "ScaleUp", true) + "\n" +
                           Decision(At(90), "a", 2, 1, "ScaleDown", true) + "\n";
  LogData data = ReadText(text);
  EXPECT_EQ(Summarize(data, {}, 60000)[0].flaps, 0u);
  EXPECT_EQ(Summarize(data, {}, 120000)[0].flaps, 1u);
}

TEST(Summarize, CountsGapsPerTarget) {
  const std::string text = Decision(At(0), "a", 1, 1, "Steady", false) + "\n" +
                           Decision(At(15), "a", 3, 3, "Steady", false) + "\n";
  LogData data = ReadText(text);
  EXPECT_EQ(Summarize(data, CheckIntegrity(data), 60000)[0].gaps, 1u);
}

}  // namespace
}  // namespace slo::controller::audit
