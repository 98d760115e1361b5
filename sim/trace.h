// sim/trace.h: request traces for `slo-autoscaler simulate` (CONTRACTS.md §5).
//
// Two CSV forms, told apart by the header:
//   Azure:  TIMESTAMP,ContextTokens,GeneratedTokens   (TIMESTAMP "YYYY-MM-DD HH:MM:SS.fffffff" UTC)
//   plain:  arrival_s,input_tokens,output_tokens[,service_s]   (seconds from the trace start)
// Arrivals are made relative to the first request (Azure) or kept as given (plain) and sorted
// stably by time. A malformed row is an error naming its 1-based line number.
//
// Example:
//   auto r = ParseTrace(text, "conv.csv");
//   if (!r.ok()) { std::cerr << r.error; return 1; }
//   ScaleTrace(*r.trace, 20.0);  // 20x the arrival rate
//
// Units: seconds, tokens. Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slo::sim {

struct TraceRequest {
  double arrival_s = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  std::optional<double> service_s;  // overrides the service-time model when present
};

struct Trace {
  std::string name;
  std::string form;  // "azure" or "plain"
  // Unix time of t = 0 (the first Azure timestamp), or 0 for the plain form.
  double start_unix_s = 0;
  std::vector<TraceRequest> requests;  // sorted by arrival_s
};

struct TraceResult {
  std::optional<Trace> trace;
  std::string error;  // "conv.csv:12: ContextTokens: not a non-negative integer: 'x'"
  bool ok() const { return trace.has_value(); }
};

TraceResult ParseTrace(std::string_view csv_text, std::string_view name);
TraceResult LoadTraceFile(const std::string& path);

// Divides every arrival time by rate_scale (> 0): rate_scale = 2 doubles the arrival rate.
void ScaleTrace(Trace& trace, double rate_scale);

// Parses "YYYY-MM-DD HH:MM:SS[.fffffff]" (UTC) to Unix seconds; nullopt when malformed.
std::optional<double> ParseAzureTimestamp(std::string_view text);

// Overlays rate_scale copies of the trace over its own duration, copy k >= 1 shifted cyclically
// by a seeded uniform offset (the fractional part of rate_scale keeps a seeded share of one more
// copy). Keeps the duration and multiplies the rate: "rate_scale independent populations".
void OverlayTrace(Trace& trace, double rate_scale, uint64_t seed);

// Replaces every request by rate_scale copies (the fractional part: a seeded share of one more),
// each arriving a seeded uniform delay in [0, jitter_s) after the original. Keeps the trace's
// shape at time scales above jitter_s (bursts, ramps) and multiplies its rate.
void ReplicateTrace(Trace& trace, double rate_scale, double jitter_s, uint64_t seed);

// Poisson arrivals at rate_rps with exponential service times of mean mean_service_s
// (plain form with service_s), n requests, from a std::mt19937_64 seeded with seed.
Trace GeneratePoissonTrace(double rate_rps, double mean_service_s, int64_t n, uint64_t seed);

}  // namespace slo::sim
