// ParseYamlDocuments: kubectl-style scalar resolution, lines by path, syntax errors.
#include "controller/spec/yaml_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace slo::controller {
namespace {

using nlohmann::json;

json Scalar(const std::string& text) {
  auto docs = ParseYamlDocuments("v: " + text + "\n");
  EXPECT_TRUE(docs.error.empty()) << docs.error;
  return docs.documents.at(0).value.at("v");
}

TEST(ParseYamlDocumentsTest, ResolvesPlainScalarsLikeKubectl) {
  struct Case {
    std::string text;
    json want;
  };
  const std::vector<Case> cases = {
      {"10", 10},
      {"-3", -3},
      {"0x1F", 31},
      {"0o17", 15},
      {"1_000", 1000},
      {"2.5", 2.5},
      {"1e3", 1000.0},
      {".5", 0.5},
      {"-1.5e-2", -0.015},
      {"true", true},
      {"yes", true},
      {"On", true},
      {"false", false},
      {"no", false},
      {"OFF", false},
      {"~", nullptr},
      {"null", nullptr},
      {"", nullptr},
      {"ten", "ten"},
      {"\"10\"", "10"},
      {"'true'", "true"},
      {"1.2.3", "1.2.3"},
      {"http://x:9090", "http://x:9090"},
      {"!!str 5", "5"},
  };
  for (const auto& c : cases) EXPECT_EQ(Scalar(c.text), c.want) << c.text;
  EXPECT_TRUE(std::isinf(Scalar(".inf").get<double>()));
  EXPECT_TRUE(std::isnan(Scalar(".nan").get<double>()));
  EXPECT_TRUE(Scalar("99999999999999999999").is_number_float());
}

TEST(ParseYamlDocumentsTest, KeepsLinesByPath) {
  auto docs = ParseYamlDocuments("a: 1\nb:\n  c:\n    - x: 1\n    - y: 2\n---\nz: 1\n");
  ASSERT_TRUE(docs.error.empty());
  ASSERT_EQ(docs.documents.size(), 2u);
  const auto& lines = docs.documents[0].lines;
  EXPECT_EQ(lines.at("a"), 1);
  EXPECT_EQ(lines.at("b.c[1].y"), 5);
  EXPECT_EQ(LineOf(lines, "b.c[1].missing"), 5);
  EXPECT_EQ(LineOf(lines, "nothing"), 0);
  EXPECT_EQ(docs.documents[1].lines.at("z"), 7);
}

TEST(ParseYamlDocumentsTest, SyntaxErrorHasOneBasedPosition) {
  auto docs = ParseYamlDocuments("a: 1\nb: [1, 2\n");
  EXPECT_TRUE(docs.documents.empty());
  EXPECT_EQ(docs.error.rfind("line ", 0), 0u) << docs.error;
  EXPECT_NE(docs.error.find("column"), std::string::npos);
}

TEST(ParseYamlDocumentsTest, EmptyTextHasNoDocuments) {
  EXPECT_TRUE(ParseYamlDocuments("").documents.empty());
  EXPECT_TRUE(ParseYamlDocuments("# only a comment\n").documents.empty());
}

}  // namespace
}  // namespace slo::controller
