#include "controller/audit/record.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/controller/audit/test_util.h"

namespace slo::controller::audit {
namespace {

using testing::Decision;

TEST(ParseRecord, ReadsTheCompactFieldsOfADecision) {
  StringTable strings;
  const std::string line = Decision(
      "2026-11-23T10:30:00.123Z", "chat", 4, 6, "ScaleUp", true,
      R"(,"bindingModel":"erlangC","recommendedReplicas":6,"dryRun":false,)"
      R"("limits":["scaleUpRate","maxReplicas"],"controller":{"version":"0.1.0",)"
      R"("commit":"abc1234","instance":"ctl-0"},"models":[{"name":"x","detail":{"k":[1,{}]}}])");
  ParseOutcome out = ParseRecord(line, strings);
  ASSERT_EQ(out.status, ParseStatus::kDecision) << out.error;
  const AuditRecord& r = out.record;
  EXPECT_EQ(r.ts_ms, 1795429800123);
  EXPECT_EQ(strings.Get(r.target), "ns/chat");
  EXPECT_EQ(r.current_replicas, 4);
  EXPECT_EQ(r.desired_replicas, 6);
  EXPECT_EQ(r.recommended_replicas, 6);
  EXPECT_EQ(strings.Get(r.reason), "ScaleUp");
  EXPECT_EQ(strings.Get(r.binding_model), "erlangC");
  EXPECT_EQ(strings.Get(r.version), "0.1.0");
  EXPECT_EQ(strings.Get(r.commit), "abc1234");
  EXPECT_EQ(strings.Get(r.instance), "ctl-0");
  EXPECT_TRUE(r.actuated);
  EXPECT_TRUE(r.at_max);
  EXPECT_DOUBLE_EQ(r.arrival_rate_rps, 10.5);
  EXPECT_DOUBLE_EQ(r.queue_depth, 2);
  EXPECT_FALSE(Has(r.in_flight)) << "null input is missing, not 0";
  EXPECT_FALSE(Has(r.latency_s));
}

TEST(ParseRecord, ClassifiesWhatIsNotADecision) {
  struct Case {
    const char* name;
    std::string line;
    ParseStatus want;
    const char* error_contains;
  };
  const Case cases[] = {
      {"other type", R"({"ts":"2026-11-23T10:30:00Z","type":"ReconcilePass"})",
       ParseStatus::kOtherType, "ReconcilePass"},
      {"no type", R"({"level":"info","msg":"hello"})", ParseStatus::kOtherType, "type"},
      {"array", R"([1,2])", ParseStatus::kOtherType, "not a JSON object"},
      {"truncated", R"({"ts":"2026-11-23T10:30:00Z","ty)", ParseStatus::kMalformed,
       "end of input"},
      {"garbage", R"({"a":nope})", ParseStatus::kMalformed, "invalid literal"},
      {"missing ts", R"({"type":"ScalingDecision","autoscaler":{"namespace":"a","name":"b"}})",
       ParseStatus::kInvalid, "missing \"ts\""},
      {"bad ts", Decision("yesterday", "a", 1, 1, "Steady", false), ParseStatus::kInvalid,
       "not an RFC 3339 time"},
      {"string replicas", R"({"ts":"2026-11-23T10:30:00Z","type":"ScalingDecision","autoscaler":)"
                          R"({"namespace":"a","name":"b"},"currentReplicas":"4",)"
                          R"("desiredReplicas":4,"reason":"Steady"})",
       ParseStatus::kInvalid, "\"currentReplicas\" is not a replica count"},
      {"string input", Decision("2026-11-23T10:30:00Z", "a", 1, 1, "Steady", false,
                                R"(,"inputs":{"queueDepth":"3"})"),
       ParseStatus::kInvalid, "\"inputs.queueDepth\" is not a number or null"},
      {"missing reason", R"({"ts":"2026-11-23T10:30:00Z","type":"ScalingDecision","autoscaler":)"
                         R"({"namespace":"a","name":"b"},"currentReplicas":4,"desiredReplicas":4})",
       ParseStatus::kInvalid, "missing \"reason\""},
  };
  for (const auto& c : cases) {
    StringTable strings;
    ParseOutcome out = ParseRecord(c.line, strings);
    EXPECT_EQ(out.status, c.want) << c.name << ": " << out.error;
    EXPECT_NE(out.error.find(c.error_contains), std::string::npos) << c.name << ": " << out.error;
  }
}

TEST(ParseRecord, UnescapesEscapedNames) {
  StringTable strings;
  ParseOutcome out = ParseRecord(
      Decision("2026-11-23T10:30:00Z", R"(ch\u0061t)", 1, 1, "Steady", false), strings);
  ASSERT_EQ(out.status, ParseStatus::kDecision) << out.error;
  EXPECT_EQ(strings.Get(out.record.target), "ns/chat");
}

TEST(ParseRecord, ReadsEveryRecordedFixtureDecision) {
  std::ifstream in(testing::Fixture("rotated/ctl.log"));
  std::string line;
  int decisions = 0;
  StringTable strings;
  while (std::getline(in, line)) {
    ParseOutcome out = ParseRecord(line, strings);
    ASSERT_EQ(out.status, ParseStatus::kDecision) << out.error;
    EXPECT_EQ(strings.Get(out.record.target), "serving/chat");
    ++decisions;
  }
  EXPECT_EQ(decisions, 20);
}

TEST(StringTable, InternsEqualStringsToOneId) {
  StringTable t;
  EXPECT_EQ(t.Intern(""), 0u);
  const uint32_t a = t.Intern("serving/chat");
  EXPECT_EQ(t.Intern(std::string("serving/") + "chat"), a);
  EXPECT_NE(t.Intern("serving/code"), a);
  EXPECT_EQ(t.Get(a), "serving/chat");
}

}  // namespace
}  // namespace slo::controller::audit
