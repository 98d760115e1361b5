#include "controller/audit/filter.h"

#include <gtest/gtest.h>

#include "tests/controller/audit/test_util.h"

namespace slo::controller::audit {
namespace {

using testing::Decision;
using testing::ReadText;

LogData ThreeTargets() {
  std::string text;
  const char* names[] = {"chat", "code", "embed"};
  for (int i = 0; i < 6; ++i) {
    const std::string ts = "2026-11-23T10:3" + std::to_string(i) + ":00.000Z";
    text += Decision(ts, names[i % 3], 1, 1, i % 2 ? "ScaleUp" : "Steady", i % 2 == 1) + "\n";
  }
  return ReadText(text);  // 10:30 .. 10:35
}

TEST(ParseTimeArg, AcceptsAbsoluteClockAndRelativeForms) {
  const int64_t end = 1795430100000;  // 2026-11-23T10:35:00Z
  struct Case {
    const char* text;
    int64_t want_ms;
  };
  for (const auto& c : {Case{"2026-11-23T10:31:00Z", end - 240000}, Case{"10:33", end - 120000},
                        Case{"90s", end - 90000}, Case{"1h", end - 3600000}}) {
    auto r = ParseTimeArg(c.text, "--since");
    ASSERT_TRUE(r.arg.has_value()) << c.text << ": " << r.error;
    EXPECT_EQ(r.arg->Resolve(end), c.want_ms) << c.text;
  }
  auto bad = ParseTimeArg("last tuesday", "--since");
  EXPECT_FALSE(bad.arg.has_value());
  EXPECT_EQ(bad.error.rfind("--since \"last tuesday\"", 0), 0u) << bad.error;
}

TEST(Select, KeepsTargetsByNameNamespaceOrGlob) {
  struct Case {
    const char* name;
    std::vector<std::string> targets;
    size_t want;
  };
  const Case cases[] = {
      {"all", {}, 6},
      {"ns/name", {"ns/chat"}, 2},
      {"bare name", {"code"}, 2},
      {"glob", {"ns/c*"}, 4},
      {"two", {"chat", "embed"}, 4},
      {"other namespace", {"prod/chat"}, 0},
  };
  for (const auto& c : cases) {
    LogData data = ThreeTargets();
    Select({c.targets, std::nullopt, std::nullopt}, data);
    EXPECT_EQ(data.records.size(), c.want) << c.name;
  }
}

TEST(Select, KeepsTheTimeWindowInclusive) {
  LogData data = ThreeTargets();
  Selection sel;
  sel.since = ParseTimeArg("10:31", "--since").arg;
  sel.until = ParseTimeArg("2m", "--until").arg;  // 10:33
  Select(sel, data);
  ASSERT_EQ(data.records.size(), 3u);
  EXPECT_EQ(data.records.front().ts_ms, 1795429860000);
}

TEST(ListFilter, MatchesReasonsAndActuated) {
  LogData data = ThreeTargets();
  ListFilter f;
  ASSERT_EQ(ParseReasons("ScaleUp, AtMaxReplicas", data.strings, &f), "");
  size_t n = 0;
  for (const auto& r : data.records) n += f.Matches(r);
  EXPECT_EQ(n, 3u);
  ListFilter actuated;
  actuated.actuated_only = true;
  n = 0;
  for (const auto& r : data.records) n += actuated.Matches(r);
  EXPECT_EQ(n, 3u);
}

TEST(ParseReasons, NamesTheFlagAndTheUnknownCode) {
  StringTable strings;
  ListFilter f;
  const std::string err = ParseReasons("ScaleUp,ScaleSideways", strings, &f);
  EXPECT_EQ(err.rfind("--reason \"ScaleSideways\" is not a reason code", 0), 0u) << err;
  ListFilter empty;
  EXPECT_EQ(ParseReasons(",", strings, &empty), "--reason: no reason code given");
}

}  // namespace
}  // namespace slo::controller::audit
