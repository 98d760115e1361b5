// controller/record/decision_json.h: one Decision as one decision-log line (CONTRACTS.md §4).
//
// The same function writes the controller's log and the simulator's decisions.jsonl, so both
// can be read by `slo-autoscaler audit`. Missing inputs are JSON null, never 0.
//
// Keys beyond the contract's required ones (documented in README.md ("The decision log")):
//   "source": "controller" | "simulator"
//   "bindingModel": string | null          the model whose answer was the max
//   "limits": [string]                     LimitName() of each limit that bit
//   "overload": {"shortfallReplicas": n, "shedFraction": x} | null
//   "slo": {"latencyThresholdSeconds", "latencyPercentile", "latencyMetric", "targetUtilization"}
//   "inputs": also "serviceTimeScv", "prefillTimeSeconds", "readyReplicas"
//   "models"[i]: also "missingInputs": [string], "note": string; "replicas" null when it lacked input
//   "controller": also "instance" (pod or host name: tells controller replicas apart)
//   "simTimeSeconds": number (simulator only; "ts" is then a synthetic time from the trace start)
//
// Thread-safety: pure.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "policies/decision.h"

namespace slo::controller {

struct DecisionContext {
  std::string ts;  // RFC 3339 with milliseconds, UTC: "2026-11-23T17:31:02.123Z"
  std::string source = "controller";
  std::string autoscaler_namespace;
  std::string autoscaler_name;
  std::string autoscaler_uid;
  int64_t generation = 0;
  std::string target_api_version;
  std::string target_kind;
  std::string target_name;
  policies::SloSpec slo;
  bool dry_run = false;
  bool actuated = false;
  std::string controller_version;
  std::string controller_commit;
  std::string controller_instance;
  std::optional<double> sim_time_s;
};

nlohmann::json DecisionToJson(const policies::Decision& decision, const DecisionContext& ctx);

// DecisionToJson(...).dump() on one line, no trailing newline.
std::string DecisionLine(const policies::Decision& decision, const DecisionContext& ctx);

// RFC 3339 UTC with milliseconds for a Unix time in seconds.
std::string FormatRfc3339Millis(double unix_time_s);

}  // namespace slo::controller
