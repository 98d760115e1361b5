#include "sim/trace.h"

#include <gtest/gtest.h>

#include <string>

namespace slo::sim {
namespace {

TEST(SimTraceTest, ParsesAzureFormRelativeToFirstRequest) {
  const auto r = ParseTrace(
      "TIMESTAMP,ContextTokens,GeneratedTokens\n"
      "2023-11-16 18:15:46.6805900,374,44\n"
      "2023-11-16 18:15:50.9951690,396,109\n",
      "azure.csv");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.trace->requests.size(), 2u);
  EXPECT_EQ(r.trace->form, "azure");
  EXPECT_DOUBLE_EQ(r.trace->requests[0].arrival_s, 0.0);
  EXPECT_NEAR(r.trace->requests[1].arrival_s, 4.314579, 1e-6);
  EXPECT_EQ(r.trace->requests[1].input_tokens, 396);
  EXPECT_EQ(r.trace->requests[1].output_tokens, 109);
  EXPECT_FALSE(r.trace->requests[0].service_s.has_value());
  // 2023-11-16T18:15:46Z is Unix 1700158546.
  EXPECT_NEAR(r.trace->start_unix_s, 1700158546.68059, 1e-5);
}

TEST(SimTraceTest, ParsesPlainFormWithAndWithoutServiceTimes) {
  const auto with = ParseTrace("arrival_s,input_tokens,output_tokens,service_s\n0.5,10,20,1.25\n",
                               "p.csv");
  ASSERT_TRUE(with.ok()) << with.error;
  EXPECT_EQ(with.trace->form, "plain");
  EXPECT_DOUBLE_EQ(with.trace->requests[0].arrival_s, 0.5);
  ASSERT_TRUE(with.trace->requests[0].service_s.has_value());
  EXPECT_DOUBLE_EQ(*with.trace->requests[0].service_s, 1.25);
  const auto without = ParseTrace("arrival_s,input_tokens,output_tokens\r\n2,1,1\r\n1,3,4\r\n", "q");
  ASSERT_TRUE(without.ok()) << without.error;
  ASSERT_EQ(without.trace->requests.size(), 2u);
  EXPECT_DOUBLE_EQ(without.trace->requests[0].arrival_s, 1.0);  // sorted by arrival
  EXPECT_EQ(without.trace->requests[0].input_tokens, 3);
}

TEST(SimTraceTest, MalformedRowsNameTheLineAndColumn) {
  struct Case {
    std::string name;
    std::string text;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"unknown header", "a,b,c\n1,2,3\n", "t.csv:1: unknown header"},
      {"bad timestamp", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15,1,2\n",
       "t.csv:2: TIMESTAMP"},
      {"negative tokens", "arrival_s,input_tokens,output_tokens\n0,1,2\n1,-3,2\n",
       "t.csv:3: input_tokens"},
      {"text in output", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.1,1,x\n",
       "t.csv:2: GeneratedTokens"},
      {"missing column", "arrival_s,input_tokens,output_tokens\n\n0,1\n",
       "t.csv:3: expected 3 columns, got 2"},
      {"zero service time", "arrival_s,input_tokens,output_tokens,service_s\n0,1,1,0\n",
       "t.csv:2: service_s"},
      {"no rows", "arrival_s,input_tokens,output_tokens\n", "no requests"},
      {"empty", "", "empty trace"},
  };
  for (const auto& c : cases) {
    const auto r = ParseTrace(c.text, "t.csv");
    EXPECT_FALSE(r.ok()) << c.name;
    EXPECT_NE(r.error.find(c.want), std::string::npos) << c.name << ": " << r.error;
  }
}

TEST(SimTraceTest, AzureTimestampsHandleDatesAndFractions) {
  EXPECT_NEAR(*ParseAzureTimestamp("1970-01-01 00:00:01.5"), 1.5, 1e-9);
  EXPECT_NEAR(*ParseAzureTimestamp("2024-02-29 00:00:00"), 1709164800.0, 1e-9);
  EXPECT_FALSE(ParseAzureTimestamp("2024-13-01 00:00:00").has_value());
  EXPECT_FALSE(ParseAzureTimestamp("2024-01-01 00:00:00.").has_value());
}

TEST(SimTraceTest, CompressDividesArrivalTimes) {
  auto r = ParseTrace("arrival_s,input_tokens,output_tokens\n0,1,1\n10,1,1\n", "c");
  ASSERT_TRUE(r.ok());
  ScaleTrace(*r.trace, 2.0);
  EXPECT_DOUBLE_EQ(r.trace->requests[1].arrival_s, 5.0);
}

TEST(SimTraceTest, OverlayKeepsDurationAndMultipliesRequests) {
  Trace t = GeneratePoissonTrace(2.0, 1.0, 1000, 7);
  const double duration = t.requests.back().arrival_s;
  OverlayTrace(t, 3.0, 11);
  EXPECT_EQ(t.requests.size(), 3000u);
  EXPECT_LE(t.requests.back().arrival_s, duration);
  for (size_t i = 1; i < t.requests.size(); ++i) {
    ASSERT_LE(t.requests[i - 1].arrival_s, t.requests[i].arrival_s);
  }
  Trace half = GeneratePoissonTrace(2.0, 1.0, 1000, 7);
  OverlayTrace(half, 1.5, 11);
  EXPECT_GT(half.requests.size(), 1400u);
  EXPECT_LT(half.requests.size(), 1600u);
}

TEST(SimTraceTest, ReplicateKeepsTheShapeWithinTheJitter) {
  auto r = ParseTrace("arrival_s,input_tokens,output_tokens\n0,1,1\n100,2,2\n", "r");
  ASSERT_TRUE(r.ok());
  ReplicateTrace(*r.trace, 10, 5.0, 3);
  ASSERT_EQ(r.trace->requests.size(), 20u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_GE(r.trace->requests[i].arrival_s, 0.0);
    EXPECT_LT(r.trace->requests[i].arrival_s, 5.0);
    EXPECT_EQ(r.trace->requests[i].input_tokens, 1);
    EXPECT_GE(r.trace->requests[10 + i].arrival_s, 100.0);
    EXPECT_LT(r.trace->requests[10 + i].arrival_s, 105.0);
  }
}

TEST(SimTraceTest, PoissonGeneratorIsDeterministicWithTheRightMean) {
  const Trace a = GeneratePoissonTrace(4.0, 0.5, 20000, 3);
  const Trace b = GeneratePoissonTrace(4.0, 0.5, 20000, 3);
  ASSERT_EQ(a.requests.size(), b.requests.size());
  double service = 0;
  for (size_t i = 0; i < a.requests.size(); ++i) {
    ASSERT_EQ(a.requests[i].arrival_s, b.requests[i].arrival_s);
    service += *a.requests[i].service_s;
  }
  EXPECT_NEAR(a.requests.back().arrival_s / 20000, 0.25, 0.01);
  EXPECT_NEAR(service / 20000, 0.5, 0.02);
}

}  // namespace
}  // namespace slo::sim
