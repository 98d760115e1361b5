#include "controller/audit/views.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/audit/plot.h"
#include "tests/controller/audit/test_util.h"

namespace slo::controller::audit {
namespace {

using testing::Decision;

// Runs a writer into a memory stream and returns what it wrote.
template <typename F>
std::string Capture(F&& write) {
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* f = ::open_memstream(&buf, &size);
  write(f);
  std::fclose(f);
  std::string out(buf, size);
  std::free(buf);
  return out;
}

LogData Sample(bool keep_raw) {
  ReadOptions opts;
  opts.keep_raw = keep_raw;
  return testing::ReadText(
      Decision("2026-11-23T10:30:00.000Z", "chat", 2, 4, "ScaleUp", true,
               R"(,"bindingModel":"erlangC")") + "\n" +
          Decision("2026-11-23T10:30:15.000Z", "chat", 3, 4, "ScaleUp", true) + "\n" +
          Decision("2026-11-23T10:30:15.500Z", "code", 1, 1, "Steady", false) + "\n",
      opts);
}

TEST(WriteTable, PrintsOneRowPerDecisionAndGapsInline) {
  LogData data = Sample(false);
  const auto events = CheckIntegrity(data);
  uint64_t rows = 0;
  const std::string out = Capture([&](std::FILE* f) { rows = WriteTable(data, events, {}, f); });
  EXPECT_EQ(rows, 3u);
  EXPECT_NE(out.find("TIME                     TARGET  REPLICAS  REASON  MODEL   APPLIED INPUTS"),
            std::string::npos) << out;
  EXPECT_NE(out.find("2026-11-23T10:30:00.000Z ns/chat 2 → 4     ScaleUp erlangC yes     "
                     "rate=10.5/s queue=2 inFlight=n/a svc=1.2s lat=n/a"),
            std::string::npos) << out;
  const size_t gap = out.find("! gap: ns/chat: expected 4 replicas");
  ASSERT_NE(gap, std::string::npos) << out;
  EXPECT_LT(gap, out.find("2026-11-23T10:30:15.000Z")) << "printed before the revealing row";
}

TEST(WriteTable, ListFilterHidesRowsButNotTheIntegrityEvents) {
  LogData data = Sample(false);
  StringTable& s = data.strings;
  ListFilter f;
  ASSERT_EQ(ParseReasons("Steady", s, &f), "");
  uint64_t rows = 0;
  const std::string out =
      Capture([&](std::FILE* o) { rows = WriteTable(data, CheckIntegrity(data), f, o); });
  EXPECT_EQ(rows, 1u);
  EXPECT_NE(out.find("! gap"), std::string::npos);
}

TEST(WriteJson, WritesTheRecordsAsLoggedPlusIntegrityAndInput) {
  LogData data = Sample(true);
  const std::string out =
      Capture([&](std::FILE* f) { WriteJson(data, CheckIntegrity(data), {}, f); });
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["decisions"].size(), 3u);
  EXPECT_EQ(j["decisions"][0]["bindingModel"], "erlangC");
  EXPECT_EQ(j["integrity"][0]["kind"], "gap");
  EXPECT_EQ(j["input"]["decisions"], 3);
  EXPECT_EQ(j["input"]["skipped"]["nonJson"], 0);
}

TEST(SummaryViews, TableAndJsonAgree) {
  LogData data = Sample(false);
  const auto events = CheckIntegrity(data);
  const auto summaries = Summarize(data, events, 300000);
  const std::string table =
      Capture([&](std::FILE* f) { WriteSummaryTable(data, summaries, events, f); });
  EXPECT_NE(table.find("ns/chat"), std::string::npos) << table;
  EXPECT_NE(table.find("controller: 0 leader change(s), 0 version change(s)"), std::string::npos);
  const auto j = SummaryJson(data, summaries, events);
  ASSERT_EQ(j["targets"].size(), 2u);
  EXPECT_EQ(j["targets"][0]["target"], "ns/chat");
  EXPECT_EQ(j["targets"][0]["scaleUps"], 2);
  EXPECT_EQ(j["targets"][0]["gaps"], 1);
}

TEST(PlotSvg, DrawsAPanelPerTargetWithBothReplicaLines) {
  LogData data = Sample(false);
  const std::string svg = PlotSvg(data, CheckIntegrity(data));
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find(">ns/chat</text>"), std::string::npos);
  EXPECT_NE(svg.find(">ns/code</text>"), std::string::npos);
  size_t paths = 0;
  for (size_t p = svg.find("<path"); p != std::string::npos; p = svg.find("<path", p + 1)) ++paths;
  EXPECT_EQ(paths, 8u) << "current, desired, rate, queue per target";
  EXPECT_NE(svg.find("stroke=\"#e00\""), std::string::npos) << "the gap is marked";
}

TEST(PlotSvg, SaysSoWhenThereIsNothingToPlot) {
  LogData empty;
  EXPECT_NE(PlotSvg(empty, {}).find("no decisions matched"), std::string::npos);
}

}  // namespace
}  // namespace slo::controller::audit
