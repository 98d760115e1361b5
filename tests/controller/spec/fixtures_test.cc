// The shipped samples (manifests/samples/) must be valid for both the validator and the CRD
// schema; every invalid fixture (tests/testdata/spec/) must fail with exactly the paths its
// "# expect: PATH" comment lines name.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "controller/spec/autoscaler.h"
#include "controller/spec/yaml_json.h"
#include "tests/controller/spec/crd_schema_check.h"
#include "tests/controller/spec/spec_test_util.h"

namespace slo::controller::testing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> YamlFiles(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(SourcePath(dir))) {
    if (entry.path().extension() == ".yaml") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SamplesTest, EverySampleIsValidForValidatorAndSchema) {
  const auto files = YamlFiles("manifests/samples");
  ASSERT_GE(files.size(), 5u);
  const auto schema =
      LoadCrdSchema(SourcePath("manifests/crd/slo-autoscaler.io_inferenceautoscalers.yaml"));
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const std::string text = ReadText(f.string());
    auto parsed = ParseAutoscalersYaml(text, f.filename().string());
    ASSERT_FALSE(parsed.empty());
    for (const auto& p : parsed) {
      for (const auto& e : p.errors)
        ADD_FAILURE() << p.source << " " << e.path << ": " << e.message;
      EXPECT_TRUE(p.autoscaler.has_value());
    }
    for (const auto& doc : ParseYamlDocuments(text).documents) {
      for (const auto& e : CheckSchema(doc.value, schema)) ADD_FAILURE() << "[schema] " << e.path;
    }
  }
}

TEST(SamplesTest, SamplesCoverEveryPresetAndANodePool) {
  std::set<std::string> presets;
  bool node_pool = false;
  for (const auto& f : YamlFiles("manifests/samples")) {
    for (const auto& p : ParseAutoscalersYaml(ReadText(f.string()), "s")) {
      if (!p.autoscaler) continue;
      presets.insert(std::string(PresetName(p.autoscaler->metrics.preset)));
      node_pool = node_pool || p.autoscaler->node_pool.has_value();
    }
  }
  EXPECT_EQ(presets, (std::set<std::string>{"vllm", "sglang", "tgi", "custom"}));
  EXPECT_TRUE(node_pool);
}

TEST(InvalidFixturesTest, EachFixtureFailsWithExactlyItsExpectedPaths) {
  const auto files = YamlFiles("tests/testdata/spec");
  ASSERT_GE(files.size(), 10u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const std::string text = ReadText(f.string());
    std::set<std::string> want;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("# expect: ", 0) == 0) want.insert(line.substr(10));
    }
    ASSERT_FALSE(want.empty()) << "a fixture must name its expected error paths";
    std::set<std::string> got;
    for (const auto& p : ParseAutoscalersYaml(text, f.filename().string())) {
      for (const auto& e : p.errors) {
        got.insert(e.path);
        EXPECT_FALSE(e.message.empty());
      }
    }
    EXPECT_EQ(got, want);
  }
}

}  // namespace
}  // namespace slo::controller::testing
