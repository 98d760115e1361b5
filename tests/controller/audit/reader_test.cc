#include "controller/audit/reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tests/controller/audit/test_util.h"

namespace slo::controller::audit {
namespace {

using testing::Decision;
using testing::ReadText;
using testing::TempDir;

const std::string kTs = "2026-11-23T10:30:00.000Z";

TEST(ReadStream, CountsEveryKindOfSkippedLine) {
  const std::string text =
      "[2026-11-23 10:30:00.000] [info] reconcile pass\n"                    // non-JSON
      "\n"                                                                 // blank
      + Decision(kTs, "a", 1, 2, "ScaleUp", true) + "\n"                   // decision
      + R"({"ts":"2026-11-23T10:30:00Z","type":"ReconcilePass"})" "\n"     // other type
      + R"({"ts": nope})" "\n"                                             // malformed
      + "\xff\xfe binary\n"                                                // invalid UTF-8
      + R"({"type":"ScalingDecision"})" "\n"                               // invalid decision
      + R"(["an","array"])" "\n"                                           // non-JSON
      + Decision(kTs, "a", 1, 2, "ScaleUp", true).substr(0, 40);           // truncated, no \n
  LogData data = ReadText(text);
  EXPECT_EQ(data.lines, 9u);
  EXPECT_EQ(data.records.size(), 1u);
  EXPECT_EQ(data.Skipped(SkipKind::kNonJson), 2u);
  EXPECT_EQ(data.Skipped(SkipKind::kBlank), 1u);
  EXPECT_EQ(data.Skipped(SkipKind::kOtherType), 1u);
  EXPECT_EQ(data.Skipped(SkipKind::kMalformed), 1u);
  EXPECT_EQ(data.Skipped(SkipKind::kInvalidUtf8), 1u);
  EXPECT_EQ(data.Skipped(SkipKind::kInvalidDecision), 1u);
  EXPECT_EQ(data.Skipped(SkipKind::kTruncated), 1u);
  EXPECT_EQ(data.TotalSkipped(), 8u);
  EXPECT_EQ(data.examples[static_cast<size_t>(SkipKind::kMalformed)].where, "mem:5");
  const std::string report = SkipReport(data);
  EXPECT_NE(report.find("read 9 lines from 1 input: 1 decisions; skipped 8"), std::string::npos)
      << report;
  EXPECT_NE(report.find("first invalid UTF-8: mem:6"), std::string::npos) << report;
}

TEST(ReadStream, StripsKubectlPrefixesAndCarriageReturns) {
  const std::string d = Decision(kTs, "a", 1, 1, "Steady", false);
  LogData data = ReadText("2026-11-23T10:30:00.123456789Z " + d + "\n" +
                          "[pod/ctl-0/manager] 2026-11-23T10:30:01Z " +
                          Decision("2026-11-23T10:30:01.000Z", "a", 1, 1, "Steady", false) +
                          "\r\n");
  EXPECT_EQ(data.records.size(), 2u);
  EXPECT_EQ(data.TotalSkipped(), 0u);
}

TEST(ReadStream, SkipsOverLongLinesWithoutReadingThemIntoMemory) {
  const std::string huge = "{\"pad\":\"" + std::string(10 << 20, 'x') + "\"}";
  const std::string text = Decision(kTs, "a", 1, 1, "Steady", false) + "\n" + huge + "\n" +
                           Decision("2026-11-23T10:30:15.000Z", "a", 1, 1, "Steady", false) +
                           "\n" + huge;  // an over-long last line without newline
  LogData data = ReadText(text);
  EXPECT_EQ(data.records.size(), 2u);
  EXPECT_EQ(data.Skipped(SkipKind::kOverLong), 2u);
  EXPECT_EQ(data.lines, 4u);
}

TEST(ReadStream, AcceptsLongLinesUpToTheLimit) {
  ReadOptions opts;
  opts.max_line_bytes = 4 << 20;
  const std::string long_decision =
      Decision(kTs, "a", 1, 1, "Steady", false, ",\"pad\":\"" + std::string(3 << 20, 'y') + "\"");
  LogData data = ReadText(long_decision + "\n", opts);
  EXPECT_EQ(data.records.size(), 1u);
}

TEST(ReadStream, SurvivesBinaryGarbage) {
  std::mt19937 rng(42);
  std::string garbage(1 << 20, '\0');
  for (char& c : garbage) c = static_cast<char>(rng() & 0xff);
  LogData data = ReadText(garbage + "\n" + Decision(kTs, "a", 1, 1, "Steady", false) + "\n");
  EXPECT_EQ(data.records.size(), 1u);
  EXPECT_GT(data.TotalSkipped(), 0u);
  EXPECT_EQ(data.lines, data.TotalSkipped() + 1);
}

TEST(MergeRecords, OrdersByTimeAcrossInputsAndDropsDuplicates) {
  TempDir dir;
  const std::string a1 = Decision("2026-11-23T10:30:00.000Z", "a", 1, 1, "Steady", false);
  const std::string a2 = Decision("2026-11-23T10:30:15.000Z", "a", 1, 2, "ScaleUp", true);
  const std::string a3 = Decision("2026-11-23T10:30:30.000Z", "a", 2, 2, "Steady", false);
  const std::string older = dir.Write("ctl.log.1", a1 + "\n" + a2 + "\n");
  const std::string newer = dir.Write("ctl.log", a2 + "\n" + a3 + "\n");  // overlaps by a2
  LogData data;
  ASSERT_EQ(ReadLogs({newer, older}, {}, data), "");
  ASSERT_EQ(data.records.size(), 3u);
  EXPECT_EQ(data.records[0].ts_ms + 15000, data.records[1].ts_ms);
  EXPECT_EQ(data.records[1].ts_ms + 15000, data.records[2].ts_ms);
  EXPECT_EQ(data.Skipped(SkipKind::kDuplicate), 1u);
}

TEST(ExpandInputs, ExpandsDirectoriesAndGlobsAndNamesWhatIsMissing) {
  TempDir dir;
  dir.Write("b.log", "");
  dir.Write("a.log", "");
  dir.Write(".hidden", "");
  std::vector<std::string> paths;
  ASSERT_EQ(ExpandInputs({dir.path()}, &paths), "");
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], dir.path() + "/a.log");
  paths.clear();
  ASSERT_EQ(ExpandInputs({dir.path() + "/*.log", "-"}, &paths), "");
  EXPECT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths.back(), "-");
  paths.clear();
  const std::string err = ExpandInputs({dir.path() + "/nope.log"}, &paths);
  EXPECT_NE(err.find("--log " + dir.path() + "/nope.log"), std::string::npos) << err;
  EXPECT_NE(ExpandInputs({dir.path() + "/*.txt"}, &paths).find("no file matches"),
            std::string::npos);
}

TEST(ReadLogs, NamesAnUnreadableInput) {
  LogData data;
  const std::string err = ReadLogs({"/nonexistent/ctl.log"}, {}, data);
  EXPECT_NE(err.find("/nonexistent/ctl.log"), std::string::npos) << err;
}

TEST(IsValidUtf8, AcceptsUtf8AndRejectsTheRest) {
  struct Case {
    const char* name;
    std::string text;
    bool want;
  };
  const Case cases[] = {
      {"ascii", "plain text that is long enough for the fast path", true},
      {"two-byte", "\xC3\xA9", true},
      {"three-byte arrow", "4 \xE2\x86\x92 6", true},
      {"four-byte", "\xF0\x9F\x98\x80", true},
      {"lone continuation", "\x80", false},
      {"overlong slash", "\xC0\xAF", false},
      {"overlong three-byte", "\xE0\x80\xAF", false},
      {"surrogate", "\xED\xA0\x80", false},
      {"beyond U+10FFFF", "\xF4\x90\x80\x80", false},
      {"cut sequence", "abc\xE2\x86", false},
  };
  for (const auto& c : cases) EXPECT_EQ(IsValidUtf8(c.text), c.want) << c.name;
}

}  // namespace
}  // namespace slo::controller::audit
