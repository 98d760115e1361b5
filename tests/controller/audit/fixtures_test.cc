// The recorded fixture logs (tests/testdata/audit/, written by make_fixtures.py) read end to end
// through the library: every count here was worked out from the scenario in make_fixtures.py.
#include <gtest/gtest.h>

#include "controller/audit/filter.h"
#include "controller/audit/integrity.h"
#include "controller/audit/reader.h"
#include "controller/audit/summary.h"
#include "tests/controller/audit/test_util.h"

namespace slo::controller::audit {
namespace {

TEST(RecordedLogs, TwoControllerReplicasMergeIntoOneTimeline) {
  LogData data;
  std::vector<std::string> paths;
  ASSERT_EQ(ExpandInputs({testing::Fixture("controller-*.log")}, &paths), "");
  ASSERT_EQ(ReadLogs(paths, {}, data), "");
  EXPECT_EQ(data.records.size(), 120u);  // 40 passes x 3 autoscalers
  EXPECT_EQ(data.Skipped(SkipKind::kNonJson), 19u);   // spdlog text lines
  EXPECT_EQ(data.Skipped(SkipKind::kOtherType), 15u); // ReconcilePass records
  EXPECT_EQ(data.Skipped(SkipKind::kTruncated), 1u);  // controller-0 killed mid-write
  EXPECT_EQ(data.Skipped(SkipKind::kBlank), 1u);
  for (size_t i = 1; i < data.records.size(); ++i) {
    ASSERT_LE(data.records[i - 1].ts_ms, data.records[i].ts_ms);
  }
  const auto events = CheckIntegrity(data);
  int gaps = 0, leaders = 0, versions = 0;
  for (const auto& e : events) {
    gaps += e.kind == IntegrityEvent::Kind::kUnexplained || e.kind == IntegrityEvent::Kind::kGap;
    leaders += e.kind == IntegrityEvent::Kind::kLeaderChange;
    versions += e.kind == IntegrityEvent::Kind::kVersionChange;
  }
  EXPECT_EQ(gaps, 1) << "the hand scale of serving/chat at pass 20";
  EXPECT_EQ(leaders, 1);
  EXPECT_EQ(versions, 1);

  const auto summaries = Summarize(data, events, 5 * 60 * 1000);
  ASSERT_EQ(summaries.size(), 3u);
  const TargetSummary& chat = summaries[0];
  EXPECT_EQ(data.strings.Get(chat.target), "serving/chat");
  EXPECT_EQ(chat.scale_ups, 5u);
  EXPECT_EQ(chat.scale_downs, 5u);
  EXPECT_EQ(chat.at_max_ms, 7 * 15000);
  EXPECT_EQ(chat.metrics_missing_ms, 2 * 15000);
  EXPECT_EQ(summaries[1].unapplied, 10u) << "serving/code is a dry run";
  EXPECT_EQ(summaries[2].flaps, 3u) << "serving/embed flaps 2 <-> 3";
}

TEST(RecordedLogs, RotatedFilesInADirectoryOverlapByOneLine) {
  LogData data;
  std::vector<std::string> paths;
  ASSERT_EQ(ExpandInputs({testing::Fixture("rotated")}, &paths), "");
  ASSERT_EQ(paths.size(), 2u);
  ASSERT_EQ(ReadLogs(paths, {}, data), "");
  EXPECT_EQ(data.records.size(), 40u);
  EXPECT_EQ(data.Skipped(SkipKind::kDuplicate), 1u);
}

}  // namespace
}  // namespace slo::controller::audit
