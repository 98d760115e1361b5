// controller/prom/presets.h: the PromQL each metrics preset (vllm, sglang, tgi) runs, as
// structured templates whose selector positions are explicit.
//
// A template is PromQL with four placeholders, filled by RenderTemplate():
//   <SEL>     the label matchers of every selector (`model_name="a"`), possibly empty;
//             written as `metric{<SEL>}` or `{__name__=~"a|b",<SEL>}`
//   <BY>      the grouping labels (`namespace,model_name`), possibly empty (`by ()` = one group)
//   <WINDOW>  the rate window, e.g. 1m
//   <Q>       the latency quantile, e.g. 0.99 (latency templates only)
// Because every selector is written with <SEL>, no query text is parsed to inject a selector.
// The metric names are the engines' own (see README.md ("Metrics: presets, queries and the Prometheus client") for citations).
//
// Example:
//   auto t = PresetTemplates(MetricsPreset::kVllm, LatencyMetric::kTtft);
//   std::string q = RenderTemplate(t[0].text, R"(model_name="m")", {"model_name"}, "1m", 0.99);
//
// Thread-safety: pure functions over constant tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "controller/spec/autoscaler.h"
#include "policies/types.h"

namespace slo::controller::prom {

// Template inputs (diagnostic keys). arrivalRate is completionRate + backlogGrowth; serviceTimeScv
// comes from serviceTimeBuckets; freshness carries the sample timestamps used for staleness.
inline constexpr std::string_view kCompletionRate = "completionRate";
inline constexpr std::string_view kBacklogGrowth = "backlogGrowth";
inline constexpr std::string_view kQueueDepth = "queueDepth";
inline constexpr std::string_view kInFlight = "inFlight";
inline constexpr std::string_view kServiceTime = "serviceTime";
inline constexpr std::string_view kServiceTimeBuckets = "serviceTimeBuckets";
inline constexpr std::string_view kPrefillTime = "prefillTime";
inline constexpr std::string_view kLatency = "latency";
inline constexpr std::string_view kFreshness = "freshness";
// Derived / custom-only input names.
inline constexpr std::string_view kArrivalRate = "arrivalRate";
inline constexpr std::string_view kServiceTimeScv = "serviceTimeScv";

struct QueryTemplate {
  std::string input;  // one of the names above
  std::string text;   // PromQL with <SEL>, <BY>, <WINDOW>, <Q>
  // True when each result series is one histogram bucket (grouped by `le` as well).
  bool buckets = false;
};

// The templates a preset runs for one latency metric; empty for kCustom. A preset that cannot
// measure something (TGI has no TTFT histogram, SGLang no service-time histogram) has no template
// for it, and that input is reported missing.
std::vector<QueryTemplate> PresetTemplates(MetricsPreset preset, policies::LatencyMetric latency);

// Fills the placeholders. matchers is the matcher list text (see FormatMatchers()); by the
// grouping labels; quantile in (0, 1).
std::string RenderTemplate(std::string_view text, std::string_view matchers,
                           const std::vector<std::string>& by, std::string_view window,
                           double quantile);

// 99 -> "0.99" (shortest round-trip form).
std::string FormatQuantile(double quantile);

}  // namespace slo::controller::prom
