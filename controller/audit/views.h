// controller/audit/views.h: the table, JSON and summary outputs of `slo-autoscaler audit`.
//
// Table (default): one row per decision, oldest first, with integrity events ("! gap ...")
// printed just before the decision that revealed them:
//   TIME                      TARGET        REPLICAS  REASON     MODEL     APPLIED  INPUTS
//   2026-11-23T10:32:05.123Z  serving/chat  4 → 6     ScaleUp    erlangC   yes      rate=12.4/s ...
// JSON: one object {"decisions": [records as logged], "integrity": [...], "input": {...}}.
// Summary: one row per target (see summary.h), as a table or JSON.
//
// Example:
//   WriteTable(data, events, filter, stdout);
//
// Thread-safety: pure apart from writing to `out`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/audit/filter.h"
#include "controller/audit/integrity.h"
#include "controller/audit/reader.h"
#include "controller/audit/summary.h"

namespace slo::controller::audit {

// Returns the number of decision rows written.
uint64_t WriteTable(const LogData& data, const std::vector<IntegrityEvent>& events,
                    const ListFilter& filter, std::FILE* out);

// The records must have been read with keep_raw. Returns the number of decisions written.
uint64_t WriteJson(const LogData& data, const std::vector<IntegrityEvent>& events,
                   const ListFilter& filter, std::FILE* out);

void WriteSummaryTable(const LogData& data, const std::vector<TargetSummary>& summaries,
                       const std::vector<IntegrityEvent>& events, std::FILE* out);
nlohmann::json SummaryJson(const LogData& data, const std::vector<TargetSummary>& summaries,
                           const std::vector<IntegrityEvent>& events);

// {"lines": n, "bytes": n, "decisions": n, "files": [...], "skipped": {"nonJson": n, ...}}
nlohmann::json InputJson(const LogData& data);
nlohmann::json IntegrityJson(const LogData& data, const std::vector<IntegrityEvent>& events);

}  // namespace slo::controller::audit
