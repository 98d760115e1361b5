#include "controller/prom/response.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace slo::controller::prom {
namespace {

std::string Testdata(const std::string& name) {
  const char* root = std::getenv("SLO_SOURCE_DIR");
  std::string path = std::string(root ? root : ".") + "/tests/testdata/prom/" + name;
  std::ifstream f(path);
  EXPECT_TRUE(f) << "cannot open " << path;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(ParseQueryResponse, VectorWithSeveralSeries) {
  QueryResult r = ParseQueryResponse(Testdata("vector_two_series.json"), 200);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result_type, ResultType::kVector);
  ASSERT_EQ(r.samples.size(), 2u);
  EXPECT_EQ(r.samples[0].labels.at("model_name"), "llama-3-8b");
  EXPECT_EQ(r.samples[0].labels.at("namespace"), "serving");
  EXPECT_DOUBLE_EQ(r.samples[0].value, 12.5);
  EXPECT_DOUBLE_EQ(r.samples[0].timestamp_s, 1763919062.123);
  EXPECT_EQ(r.samples[1].labels.at("model_name"), "mistral-7b");
  EXPECT_DOUBLE_EQ(r.samples[1].value, 3);
}

TEST(ParseQueryResponse, Scalar) {
  QueryResult r = ParseQueryResponse(Testdata("scalar.json"), 200);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result_type, ResultType::kScalar);
  ASSERT_EQ(r.samples.size(), 1u);
  EXPECT_TRUE(r.samples[0].labels.empty());
  EXPECT_DOUBLE_EQ(r.samples[0].value, 42.25);
  EXPECT_DOUBLE_EQ(r.samples[0].timestamp_s, 1763919062.5);
}

TEST(ParseQueryResponse, PrometheusErrorCarriesTypeAndMessage) {
  QueryResult r = ParseQueryResponse(Testdata("error_bad_data.json"), 400);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_type, "bad_data");
  EXPECT_NE(r.error.find("parse error"), std::string::npos) << r.error;
  EXPECT_EQ(r.http_status, 400);
  QueryResult t = ParseQueryResponse(Testdata("error_timeout.json"), 503);
  EXPECT_EQ(t.error_type, "timeout");
  EXPECT_EQ(t.error, "query timed out in expression evaluation");
}

TEST(ParseQueryResponse, WarningsAreKeptOnSuccess) {
  QueryResult r = ParseQueryResponse(Testdata("warnings.json"), 200);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("might not be a counter"), std::string::npos);
  ASSERT_EQ(r.samples.size(), 1u);
  EXPECT_DOUBLE_EQ(r.samples[0].value, 7);
}

TEST(ParseQueryResponse, NanAndInfinitiesParseToIeeeValues) {
  QueryResult r = ParseQueryResponse(Testdata("nan_inf.json"), 200);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.samples.size(), 4u);
  EXPECT_TRUE(std::isnan(r.samples[0].value));
  EXPECT_TRUE(std::isinf(r.samples[1].value) && r.samples[1].value > 0);
  EXPECT_TRUE(std::isinf(r.samples[2].value) && r.samples[2].value < 0);
  EXPECT_DOUBLE_EQ(r.samples[3].value, 0.0015);
}

TEST(ParseQueryResponse, EmptyVectorIsSuccessWithNoSamples) {
  QueryResult r = ParseQueryResponse(Testdata("empty_vector.json"), 200);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result_type, ResultType::kVector);
  EXPECT_TRUE(r.samples.empty());
}

TEST(ParseQueryResponse, MatrixAndStringAreUnsupported) {
  for (const char* name : {"matrix.json", "string.json"}) {
    QueryResult r = ParseQueryResponse(Testdata(name), 200);
    EXPECT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error_type, "unsupported") << name;
  }
}

TEST(ParseQueryResponse, MalformedBodiesAreParseErrors) {
  struct Case {
    const char* name;
    std::string body;
  };
  const Case cases[] = {
      {"truncated", Testdata("malformed_truncated.json")},
      {"bad_value", Testdata("bad_value.json")},
      {"empty", ""},
      {"html", "<html>502 Bad Gateway</html>"},
      {"array", "[1,2]"},
      {"no_status", R"({"data":{}})"},
      {"no_data", R"({"status":"success"})"},
      {"value_not_pair",
       R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}})"},
      {"value_number",
       R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}})"},
      {"label_number",
       R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"2"]}]}})"},
      {"unknown_type", R"({"status":"success","data":{"resultType":"tensor","result":[]}})"},
  };
  for (const auto& c : cases) {
    QueryResult r = ParseQueryResponse(c.body, 200);
    EXPECT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.error_type, "parse") << c.name << ": " << r.error;
  }
}

TEST(ParseQueryResponse, NonJsonErrorStatusIsHttpError) {
  QueryResult r = ParseQueryResponse("upstream connect error", 502);
  EXPECT_EQ(r.error_type, "http");
  EXPECT_NE(r.error.find("502"), std::string::npos);
}

TEST(ParseQueryResponse, HugeBodyWithManySeriesParses) {
  // ~5 MB: 40000 series with long label values.
  const int kSeries = 40000;
  std::string body = R"({"status":"success","data":{"resultType":"vector","result":[)";
  std::string pad(80, 'x');
  for (int i = 0; i < kSeries; ++i) {
    if (i) body += ",";
    body += R"({"metric":{"pod":"pod-)" + std::to_string(i) + pad +
            R"(","model_name":"m"},"value":[1763919062,")" + std::to_string(i) + R"("]})";
  }
  body += "]}}";
  ASSERT_GT(body.size(), 4u << 20);
  QueryResult r = ParseQueryResponse(body, 200);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.samples.size(), static_cast<size_t>(kSeries));
  EXPECT_DOUBLE_EQ(r.samples.back().value, kSeries - 1);
}

TEST(ParseSampleValue, AcceptsPrometheusSpellingsOnly) {
  struct Case {
    const char* text;
    bool ok;
    double want;
  };
  const Case cases[] = {{"1", true, 1},      {"-2.5", true, -2.5}, {"+3", true, 3},
                        {"1e3", true, 1000}, {"abc", false, 0},    {"", false, 0},
                        {"1.0x", false, 0},  {" 1", false, 0}};
  for (const auto& c : cases) {
    double v = 0;
    EXPECT_EQ(ParseSampleValue(c.text, &v), c.ok) << c.text;
    if (c.ok) {
      EXPECT_DOUBLE_EQ(v, c.want) << c.text;
    }
  }
}

}  // namespace
}  // namespace slo::controller::prom
