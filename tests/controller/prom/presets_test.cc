#include "controller/prom/presets.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "controller/prom/selector.h"

namespace slo::controller::prom {
namespace {

using policies::LatencyMetric;

std::map<std::string, std::string> Rendered(MetricsPreset p, LatencyMetric l,
                                            const std::string& matchers,
                                            const std::vector<std::string>& by, double q) {
  std::map<std::string, std::string> out;
  for (const auto& t : PresetTemplates(p, l))
    out[t.input] = RenderTemplate(t.text, matchers, by, "1m", q);
  return out;
}

TEST(PresetTemplates, VllmGoldenQueries) {
  auto q = Rendered(MetricsPreset::kVllm, LatencyMetric::kTtft, R"(model_name="m")", {"model_name"},
                    0.99);
  const std::map<std::string, std::string> want = {
      {"completionRate",
       R"(sum by (model_name) (rate(vllm:request_success_total{model_name="m"}[1m])))"},
      {"backlogGrowth",
       R"(sum by (model_name) (deriv(vllm:num_requests_waiting{model_name="m"}[1m])) + sum by (model_name) (deriv(vllm:num_requests_running{model_name="m"}[1m])))"},
      {"queueDepth", R"(sum by (model_name) (vllm:num_requests_waiting{model_name="m"}))"},
      {"inFlight", R"(sum by (model_name) (vllm:num_requests_running{model_name="m"}))"},
      {"serviceTime",
       R"(sum by (model_name) (rate(vllm:request_inference_time_seconds_sum{model_name="m"}[1m])) / sum by (model_name) (rate(vllm:request_inference_time_seconds_count{model_name="m"}[1m])))"},
      {"serviceTimeBuckets",
       R"(sum by (model_name, le) (rate(vllm:request_inference_time_seconds_bucket{model_name="m"}[1m])))"},
      {"prefillTime",
       R"(sum by (model_name) (rate(vllm:request_prefill_time_seconds_sum{model_name="m"}[1m])) / sum by (model_name) (rate(vllm:request_prefill_time_seconds_count{model_name="m"}[1m])))"},
      {"freshness",
       R"(min by (model_name) (timestamp(vllm:num_requests_running{model_name="m"})))"},
      {"latency",
       R"(histogram_quantile(0.99, sum by (model_name, le) (rate(vllm:time_to_first_token_seconds_bucket{model_name="m"}[1m]))))"},
  };
  EXPECT_EQ(q, want);
}

TEST(PresetTemplates, LatencyMetricSelectsTheHistogram) {
  struct Case {
    const char* name;
    MetricsPreset preset;
    LatencyMetric latency;
    std::string histogram;  // empty = no latency query
  };
  const Case cases[] = {
      {"vllm_ttft", MetricsPreset::kVllm, LatencyMetric::kTtft, "vllm:time_to_first_token_seconds"},
      {"vllm_e2e", MetricsPreset::kVllm, LatencyMetric::kE2e, "vllm:e2e_request_latency_seconds"},
      {"vllm_queue", MetricsPreset::kVllm, LatencyMetric::kQueueWait,
       "vllm:request_queue_time_seconds"},
      {"sglang_ttft", MetricsPreset::kSglang, LatencyMetric::kTtft,
       "sglang:time_to_first_token_seconds"},
      {"sglang_e2e", MetricsPreset::kSglang, LatencyMetric::kE2e,
       "sglang:e2e_request_latency_seconds"},
      {"sglang_queue", MetricsPreset::kSglang, LatencyMetric::kQueueWait,
       "sglang:queue_time_seconds"},
      {"tgi_ttft_missing", MetricsPreset::kTgi, LatencyMetric::kTtft, ""},
      {"tgi_e2e", MetricsPreset::kTgi, LatencyMetric::kE2e, "tgi_request_duration"},
      {"tgi_queue", MetricsPreset::kTgi, LatencyMetric::kQueueWait, "tgi_request_queue_duration"},
  };
  for (const auto& c : cases) {
    auto q = Rendered(c.preset, c.latency, "", {}, 0.9);
    if (c.histogram.empty()) {
      EXPECT_EQ(q.count("latency"), 0u) << c.name;
      continue;
    }
    ASSERT_EQ(q.count("latency"), 1u) << c.name;
    EXPECT_EQ(q["latency"],
              "histogram_quantile(0.9, sum by (le) (rate(" + c.histogram + "_bucket{}[1m])))")
        << c.name;
  }
}

TEST(PresetTemplates, EnginesUseTheirOwnMetricNames) {
  auto s = Rendered(MetricsPreset::kSglang, LatencyMetric::kTtft, "", {}, 0.99);
  EXPECT_EQ(s["queueDepth"], "sum by () (sglang:num_queue_reqs{})");
  EXPECT_EQ(s["inFlight"], "sum by () (sglang:num_running_reqs{})");
  EXPECT_EQ(s["completionRate"], "sum by () (rate(sglang:num_requests_total{}[1m]))");
  EXPECT_EQ(s.count("serviceTimeBuckets"), 0u);  // no in-service histogram in SGLang
  auto t = Rendered(MetricsPreset::kTgi, LatencyMetric::kE2e, "", {}, 0.99);
  EXPECT_EQ(t["queueDepth"], "sum by () (tgi_queue_size{})");
  EXPECT_EQ(t["inFlight"], "sum by () (tgi_batch_current_size{})");
  EXPECT_EQ(t["completionRate"], "sum by () (rate(tgi_request_success{}[1m]))");
  EXPECT_EQ(t.count("prefillTime"), 0u);
  EXPECT_TRUE(PresetTemplates(MetricsPreset::kCustom, LatencyMetric::kE2e).empty());
}

TEST(RenderTemplate, EmptySelectorDropsTheComma) {
  // Kept for templates that select by __name__ regex.
  EXPECT_EQ(RenderTemplate(R"({__name__=~"a|b",<SEL>})", "", {}, "1m", 0.5),
            R"({__name__=~"a|b"})");
}

TEST(RenderTemplate, MatcherValuesCannotInjectPlaceholdersOrSyntax) {
  std::string m = FormatMatchers({{"model_name", "=", "<WINDOW>\"}[1m]) or up{x=\""}});
  std::string out = RenderTemplate("rate(x{<SEL>}[<WINDOW>])", m, {}, "1m", 0.5);
  EXPECT_EQ(out, R"(rate(x{model_name="<WINDOW>\"}[1m]) or up{x=\""}[1m]))");
  InjectResult check = InjectMatchers(out, {});
  ASSERT_TRUE(check.ok()) << check.error;
  EXPECT_EQ(check.selectors, 1);  // still a single selector
}

TEST(FormatQuantile, ShortestForm) {
  EXPECT_EQ(FormatQuantile(0.99), "0.99");
  EXPECT_EQ(FormatQuantile(0.999), "0.999");
  EXPECT_EQ(FormatQuantile(0.5), "0.5");
}

}  // namespace
}  // namespace slo::controller::prom
