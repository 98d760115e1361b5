#include "controller/reconcile/decision_sink.h"

#include <gtest/gtest.h>

#include "tests/support/subprocess.h"

namespace slo::controller {
namespace {

TEST(FileDecisionSinkTest, AppendsOneFlushedLinePerRecord) {
  slo::testing::TempDir dir;
  const std::string path = dir.File("decisions.jsonl");
  slo::testing::WriteFile(path, "{\"earlier\":1}\n");
  {
    FileDecisionSink sink(path);
    sink.Write("{\"a\":1}");
    // Readable before the sink is closed: each line is flushed.
    EXPECT_EQ(slo::testing::ReadFile(path), "{\"earlier\":1}\n{\"a\":1}\n");
    sink.Write("{\"b\":2}");
  }
  EXPECT_EQ(slo::testing::ReadFile(path), "{\"earlier\":1}\n{\"a\":1}\n{\"b\":2}\n");
}

TEST(FileDecisionSinkTest, NeverLosesALineWhenTheFileCannotBeWritten) {
  FileDecisionSink sink("/nonexistent-dir/decisions.jsonl");
  ::testing::internal::CaptureStderr();
  sink.Write("{\"kept\":true}");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("{\"kept\":true}"), std::string::npos);
  EXPECT_EQ(sink.failures(), 1);
}

}  // namespace
}  // namespace slo::controller
