// sim/outputs.h: the files `simulate --out DIR` writes (CONTRACTS.md §5):
//   summary.json     the run's figures (SummaryJson below; keys in README.md ("slo-autoscaler simulate"))
//   timeline.csv     t_s,arrival_rate_rps,queue_depth,in_flight,ready_replicas,desired_replicas,
//                    starting_replicas,draining_replicas   (one row per simulated second)
//   requests.csv     arrival_s,start_s,first_token_s,finish_s,latency_s,replica  (%.6f seconds;
//                    empty fields for a request that never started / finished)
//   decisions.jsonl  one decision-log line per decision
//   timeline.svg     the picture (sim/svg.h)
// Fixed formatting everywhere: same result, same bytes.
//
// Example:  auto err = WriteOutputs("out/", result, meta);  if (!err.empty()) ...
//
// Thread-safety: none needed (writes files).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/simulator.h"

namespace slo::sim {

struct RunMeta {
  std::string trace;
  std::string trace_form;
  double rate_scale = 1;
  std::string scale_mode = "compress";
  uint64_t seed = 1;
  std::string autoscaler;  // "file.yaml#1" or "embedded default"
  bool write_requests = true;
};

nlohmann::ordered_json SummaryJson(const SimResult& result, const SimOptions& options,
                                   const RunMeta& meta);

// Creates dir (and parents) and writes every file. Returns "" or an error naming the file.
std::string WriteOutputs(const std::string& dir, const SimResult& result,
                         const SimOptions& options, const RunMeta& meta);

}  // namespace slo::sim
