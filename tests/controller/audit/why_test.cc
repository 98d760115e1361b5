#include "controller/audit/why.h"

#include <gtest/gtest.h>

#include "controller/audit/audit_time.h"
#include "tests/controller/audit/test_util.h"

namespace slo::controller::audit {
namespace {

LogData Fixtures() {
  LogData data;
  ReadOptions opts;
  opts.keep_raw = true;
  EXPECT_EQ(ReadLogs({testing::Fixture("controller-0.log"), testing::Fixture("controller-1.log")},
                     opts, data),
            "");
  return data;
}

uint32_t Target(LogData& data, const char* name) { return data.strings.Intern(name); }

TEST(DecisionInForce, IsTheLatestDecisionAtOrBeforeTheTime) {
  LogData data = Fixtures();
  const uint32_t chat = Target(data, "serving/chat");
  const int64_t at = *ParseRfc3339Ms("2026-11-23T10:31:20Z");
  auto i = DecisionInForce(data, chat, at);
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(FormatRfc3339Ms(data.records[*i].ts_ms), "2026-11-23T10:31:15.123Z");
  EXPECT_TRUE(DecisionInForce(data, chat, *ParseRfc3339Ms("2026-11-23T10:31:15.123Z")));
  EXPECT_FALSE(DecisionInForce(data, chat, *ParseRfc3339Ms("2026-11-23T10:00:00Z")));
}

TEST(Explain, TellsWhyWithTheRecordsOwnNumbers) {
  LogData data = Fixtures();
  const int64_t at = *ParseRfc3339Ms("2026-11-23T10:31:20Z");
  const auto i = DecisionInForce(data, Target(data, "serving/chat"), at);
  ASSERT_TRUE(i.has_value());
  const Explanation ex = Explain(data, *i, at);
  EXPECT_EQ(ex.headline,
            "10:31:15 serving/chat 3 → 4: 48 req/s × 1.1 s = 52.8 busy slots; at 90% of 16 "
            "slots: 4 replicas [ScaleUp, applied]");
  for (const char* want :
       {"(4.9s earlier)", "48 req/s arriving", "6 queued", "p99 ttft 0.76 s",
        "99% of requests within 1 s (ttft), target utilisation 90%",
        "littlesLaw    4  binding", "Erlang-C needs 58 slots (4 replicas)",
        "recommended 4; limits that bit: none; desired 4",
        "controller 0.1.0 (abc1234) on controller-0", "before:  10:31:00 2 → 3 ScaleUp",
        "after:   10:31:30 4 → 5 ScaleUp"}) {
    EXPECT_NE(ex.text.find(want), std::string::npos) << want << "\n" << ex.text;
  }
  EXPECT_EQ(ex.json["decision"]["currentReplicas"], 3);
  EXPECT_EQ(ex.json["target"], "serving/chat");
}

TEST(Explain, NamesMissingInputsAndLimits) {
  LogData data = Fixtures();
  const int64_t missing_at = *ParseRfc3339Ms("2026-11-23T10:33:05Z");
  auto i = DecisionInForce(data, Target(data, "serving/chat"), missing_at);
  ASSERT_TRUE(i.has_value());
  Explanation ex = Explain(data, *i, missing_at);
  EXPECT_NE(ex.text.find("missing: arrival rate, service time"), std::string::npos) << ex.text;
  EXPECT_NE(ex.text.find("no answer: missing arrivalRateRps, serviceTimeSeconds"),
            std::string::npos) << ex.text;
  EXPECT_NE(ex.headline.find("limited by missingDataHold"), std::string::npos) << ex.headline;

  const int64_t max_at = *ParseRfc3339Ms("2026-11-23T10:32:20Z");
  i = DecisionInForce(data, Target(data, "serving/chat"), max_at);
  ex = Explain(data, *i, max_at);
  EXPECT_NE(ex.headline.find("limited by maxReplicas"), std::string::npos) << ex.headline;
  EXPECT_NE(ex.text.find("clamped to maxReplicas 6"), std::string::npos) << ex.text;
}

TEST(Explain, WorksWithoutTheRawRecord) {
  LogData data = testing::ReadText(
      testing::Decision("2026-11-23T10:30:00.000Z", "a", 1, 2, "ScaleUp", true) + "\n");
  const Explanation ex = Explain(data, 0, data.records[0].ts_ms);
  EXPECT_NE(ex.headline.find("10.5 req/s × 1.2 s = 12.6 busy slots"), std::string::npos)
      << ex.headline;
}

TEST(ExplainNone, SaysWhenTheFirstDecisionWas) {
  LogData data = Fixtures();
  const Explanation ex =
      ExplainNone(data, Target(data, "serving/chat"), *ParseRfc3339Ms("2026-11-23T10:00:00Z"));
  EXPECT_EQ(ex.headline,
            "serving/chat: no decision at or before 2026-11-23T10:00:00.000Z (the first is at "
            "2026-11-23T10:30:00.123Z)");
}

}  // namespace
}  // namespace slo::controller::audit
