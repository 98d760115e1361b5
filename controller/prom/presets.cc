#include "controller/prom/presets.h"

#include <cstdio>
#include <string>

namespace slo::controller::prom {
namespace {

using policies::LatencyMetric;

// mean = rate(sum) / rate(count) of a histogram, per group.
std::string Mean(std::string_view histogram) {
  std::string h(histogram);
  return "sum by (<BY>) (rate(" + h + "_sum{<SEL>}[<WINDOW>])) / sum by (<BY>) (rate(" + h +
         "_count{<SEL>}[<WINDOW>]))";
}
std::string Quantile(std::string_view histogram) {
  return "histogram_quantile(<Q>, sum by (<BY>, le) (rate(" + std::string(histogram) +
         "_bucket{<SEL>}[<WINDOW>])))";
}
std::string Rate(std::string_view counter) {
  return "sum by (<BY>) (rate(" + std::string(counter) + "{<SEL>}[<WINDOW>]))";
}
std::string Gauge(std::string_view gauge) {
  return "sum by (<BY>) (" + std::string(gauge) + "{<SEL>})";
}
// d(queue + running)/dt over the window, summed over the fleet. Two sums, not one selector over
// both names: deriv() and timestamp() drop the metric name, and two series left with the same
// label set are an execution error ("vector cannot contain metrics with the same labelset").
std::string Growth(std::string_view queue, std::string_view running) {
  return "sum by (<BY>) (deriv(" + std::string(queue) +
         "{<SEL>}[<WINDOW>])) + sum by (<BY>) (deriv(" + std::string(running) +
         "{<SEL>}[<WINDOW>]))";
}
// The oldest raw sample among the fleet's running gauges (scraped with the queue gauge).
std::string Freshness(std::string_view running) {
  return "min by (<BY>) (timestamp(" + std::string(running) + "{<SEL>}))";
}
std::string Buckets(std::string_view histogram) {
  return "sum by (<BY>, le) (rate(" + std::string(histogram) + "_bucket{<SEL>}[<WINDOW>]))";
}

std::vector<QueryTemplate> Vllm(LatencyMetric latency) {
  std::vector<QueryTemplate> t = {
      {std::string(kCompletionRate), Rate("vllm:request_success_total")},
      {std::string(kBacklogGrowth),
       Growth("vllm:num_requests_waiting", "vllm:num_requests_running")},
      {std::string(kQueueDepth), Gauge("vllm:num_requests_waiting")},
      {std::string(kInFlight), Gauge("vllm:num_requests_running")},
      {std::string(kServiceTime), Mean("vllm:request_inference_time_seconds")},
      {std::string(kServiceTimeBuckets), Buckets("vllm:request_inference_time_seconds"), true},
      {std::string(kPrefillTime), Mean("vllm:request_prefill_time_seconds")},
      {std::string(kFreshness), Freshness("vllm:num_requests_running")},
  };
  switch (latency) {
    case LatencyMetric::kTtft:
      t.push_back({std::string(kLatency), Quantile("vllm:time_to_first_token_seconds")});
      break;
    case LatencyMetric::kE2e:
      t.push_back({std::string(kLatency), Quantile("vllm:e2e_request_latency_seconds")});
      break;
    case LatencyMetric::kQueueWait:
      t.push_back({std::string(kLatency), Quantile("vllm:request_queue_time_seconds")});
      break;
  }
  return t;
}

std::vector<QueryTemplate> Sglang(LatencyMetric latency) {
  // SGLang has no in-service-time histogram: the mean service time is the mean end-to-end latency
  // minus the mean queueing time; prefill is mean TTFT minus mean queueing time.
  std::vector<QueryTemplate> t = {
      {std::string(kCompletionRate), Rate("sglang:num_requests_total")},
      {std::string(kBacklogGrowth), Growth("sglang:num_queue_reqs", "sglang:num_running_reqs")},
      {std::string(kQueueDepth), Gauge("sglang:num_queue_reqs")},
      {std::string(kInFlight), Gauge("sglang:num_running_reqs")},
      {std::string(kServiceTime), "(" + Mean("sglang:e2e_request_latency_seconds") + ") - (" +
                                      Mean("sglang:queue_time_seconds") + ")"},
      {std::string(kPrefillTime), "(" + Mean("sglang:time_to_first_token_seconds") + ") - (" +
                                      Mean("sglang:queue_time_seconds") + ")"},
      {std::string(kFreshness), Freshness("sglang:num_running_reqs")},
  };
  switch (latency) {
    case LatencyMetric::kTtft:
      t.push_back({std::string(kLatency), Quantile("sglang:time_to_first_token_seconds")});
      break;
    case LatencyMetric::kE2e:
      t.push_back({std::string(kLatency), Quantile("sglang:e2e_request_latency_seconds")});
      break;
    case LatencyMetric::kQueueWait:
      t.push_back({std::string(kLatency), Quantile("sglang:queue_time_seconds")});
      break;
  }
  return t;
}

std::vector<QueryTemplate> Tgi(LatencyMetric latency) {
  // TGI's router exports through metrics-exporter-prometheus: counters have no _total suffix.
  // No per-request prefill histogram (tgi_batch_inference_duration is per batch) and no TTFT
  // histogram: prefillTime and a ttft latency are missing.
  std::vector<QueryTemplate> t = {
      {std::string(kCompletionRate), Rate("tgi_request_success")},
      {std::string(kBacklogGrowth), Growth("tgi_queue_size", "tgi_batch_current_size")},
      {std::string(kQueueDepth), Gauge("tgi_queue_size")},
      {std::string(kInFlight), Gauge("tgi_batch_current_size")},
      {std::string(kServiceTime), Mean("tgi_request_inference_duration")},
      {std::string(kServiceTimeBuckets), Buckets("tgi_request_inference_duration"), true},
      {std::string(kFreshness), Freshness("tgi_batch_current_size")},
  };
  switch (latency) {
    case LatencyMetric::kTtft:
      break;
    case LatencyMetric::kE2e:
      t.push_back({std::string(kLatency), Quantile("tgi_request_duration")});
      break;
    case LatencyMetric::kQueueWait:
      t.push_back({std::string(kLatency), Quantile("tgi_request_queue_duration")});
      break;
  }
  return t;
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

}  // namespace

std::vector<QueryTemplate> PresetTemplates(MetricsPreset preset, LatencyMetric latency) {
  switch (preset) {
    case MetricsPreset::kVllm:
      return Vllm(latency);
    case MetricsPreset::kSglang:
      return Sglang(latency);
    case MetricsPreset::kTgi:
      return Tgi(latency);
    case MetricsPreset::kCustom:
      return {};
  }
  return {};
}

std::string FormatQuantile(double quantile) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.10g", quantile);
  return buf;
}

std::string RenderTemplate(std::string_view text, std::string_view matchers,
                           const std::vector<std::string>& by, std::string_view window,
                           double quantile) {
  std::string out(text);
  std::string by_text;
  for (const auto& l : by) {
    if (!by_text.empty()) by_text += ",";
    by_text += l;
  }
  ReplaceAll(&out, "by (<BY>, le)", by_text.empty() ? "by (le)" : "by (" + by_text + ", le)");
  ReplaceAll(&out, "<BY>", by_text);
  ReplaceAll(&out, "<WINDOW>", window);
  ReplaceAll(&out, "<Q>", FormatQuantile(quantile));
  // Matchers last: their (escaped) values may contain anything, including placeholder text.
  if (matchers.empty()) ReplaceAll(&out, ",<SEL>", "");
  ReplaceAll(&out, "<SEL>", matchers);
  return out;
}

}  // namespace slo::controller::prom
