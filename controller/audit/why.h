// controller/audit/why.h: "why did it scale?" for one moment (`audit --why TIME`).
//
// The decision in force at time T for a target is its latest decision with ts <= T. Explain()
// turns that record into plain language with its own numbers: the inputs, each model's answer
// and note (the binding one first), the limits that bit, the SLO, the overload estimate, the
// controller's message and where the line came from. ParseDetail() reads the parts of a record
// the compact AuditRecord leaves out (models, limits, slo, message, ...) from its raw JSON.
//
// Example:
//   std::optional<size_t> i = DecisionInForce(data, target_id, at_ms);
//   if (i) std::cout << Explain(data, *i, at_ms).text;
//
// Thread-safety: pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/audit/reader.h"

namespace slo::controller::audit {

struct ModelDetail {
  std::string name;
  std::optional<int32_t> replicas;
  std::vector<std::pair<std::string, double>> detail;
  std::vector<std::string> missing_inputs;
  std::string note;
};

struct DecisionDetail {
  std::vector<ModelDetail> models;
  std::vector<std::string> limits;
  std::string message;
  std::optional<double> latency_threshold_s;
  std::optional<double> latency_percentile;
  std::string latency_metric;
  std::optional<double> target_utilization;
  std::optional<int32_t> overload_shortfall;
  std::optional<double> overload_shed_fraction;
  std::optional<int32_t> current_nodes;
  std::optional<int32_t> desired_nodes;
  std::optional<int32_t> ready_replicas;
  std::string target_kind;
  std::string target_name;
};

// Reads the detail from a record's raw JSON text; missing or mistyped keys are left empty.
DecisionDetail ParseDetail(const std::string& raw);

// Index in data.records of target's latest decision with ts <= at_ms.
std::optional<size_t> DecisionInForce(const LogData& data, uint32_t target, int64_t at_ms);

struct Explanation {
  std::string headline;  // "10:32:05 serving/chat 4 → 6: 12.4 req/s × 1.1 s = ...; ..."
  std::string text;      // headline plus indented detail lines, '\n'-terminated
  nlohmann::json json;   // {"at", "target", "headline", "explanation", "decision", ...}
};

// Explains data.records[index] as the decision in force at at_ms. Needs the raw text
// (ReadOptions::keep_raw); without it only the compact fields are used.
Explanation Explain(const LogData& data, size_t index, int64_t at_ms);

// "ns/name: no decision at or before <time> (first one at <time>)" and the JSON form.
Explanation ExplainNone(const LogData& data, uint32_t target, int64_t at_ms);

}  // namespace slo::controller::audit
