#include "controller/audit/integrity.h"

#include <gtest/gtest.h>

#include "tests/controller/audit/test_util.h"

namespace slo::controller::audit {
namespace {

using testing::Decision;
using testing::ReadText;

std::string Ctl(const char* version, const char* instance) {
  return std::string(R"(,"controller":{"version":")") + version + R"(","commit":"c-)" + version +
         R"(","instance":")" + instance + "\"}";
}

TEST(CheckIntegrity, FlagsChangesNoDecisionExplains) {
  struct Case {
    const char* name;
    std::vector<std::string> lines;
    std::vector<IntegrityEvent::Kind> want;
  };
  const std::string t1 = "2026-11-23T10:30:00.000Z", t2 = "2026-11-23T10:30:15.000Z",
                    t3 = "2026-11-23T10:30:30.000Z";
  const Case cases[] = {
      {"applied change seen", {Decision(t1, "a", 2, 4, "ScaleUp", true),
                               Decision(t2, "a", 4, 4, "Steady", false)}, {}},
      {"applied change not seen",
       {Decision(t1, "a", 2, 4, "ScaleUp", true), Decision(t2, "a", 3, 4, "ScaleUp", true)},
       {IntegrityEvent::Kind::kGap}},
      {"changed without a decision",
       {Decision(t1, "a", 2, 2, "Steady", false), Decision(t2, "a", 5, 5, "Steady", false)},
       {IntegrityEvent::Kind::kUnexplained}},
      {"dry run leaves replicas alone",
       {Decision(t1, "a", 2, 4, "DryRun", false), Decision(t2, "a", 2, 4, "DryRun", false)}, {}},
      {"targets are checked apart",
       {Decision(t1, "a", 2, 2, "Steady", false), Decision(t2, "b", 7, 7, "Steady", false),
        Decision(t3, "a", 2, 2, "Steady", false)}, {}},
      {"upgrade and leader change",
       {Decision(t1, "a", 2, 2, "Steady", false, Ctl("0.1.0", "ctl-0")),
        Decision(t2, "a", 2, 2, "Steady", false, Ctl("0.1.0", "ctl-0")),
        Decision(t3, "a", 2, 2, "Steady", false, Ctl("0.2.0", "ctl-1"))},
       {IntegrityEvent::Kind::kVersionChange, IntegrityEvent::Kind::kLeaderChange}},
  };
  for (const auto& c : cases) {
    std::string text;
    for (const auto& l : c.lines) text += l + "\n";
    LogData data = ReadText(text);
    const auto events = CheckIntegrity(data);
    ASSERT_EQ(events.size(), c.want.size()) << c.name;
    for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].kind, c.want[i]) << c.name;
  }
}

TEST(CheckIntegrity, SaysWhatWasExpectedAndFound) {
  LogData data = ReadText(Decision("2026-11-23T10:30:00.000Z", "a", 2, 4, "ScaleUp", true) + "\n" +
                          Decision("2026-11-23T10:30:15.000Z", "a", 3, 4, "ScaleUp", true) + "\n");
  const auto events = CheckIntegrity(data);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].expected, 4);
  EXPECT_EQ(events[0].found, 3);
  EXPECT_EQ(events[0].record, 1u);
  EXPECT_EQ(events[0].message,
            "ns/a: expected 4 replicas after the applied decision at 10:30:00.000 (2 -> 4), "
            "found 3 at 10:30:15.000: the patch did not take or something else scaled it");
}

}  // namespace
}  // namespace slo::controller::audit
