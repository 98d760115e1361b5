// controller/audit/summary.h: one line of numbers per target (`audit --summary`).
//
// A decision is "in force" from its ts until the target's next decision; the last one until the
// end of the selected window (the last decision of any target). Times below are sums of those
// intervals.
//   scale events   applied decisions with desired != current (up and down counted apart)
//   unapplied      decisions with desired != current that were not applied (dry run, errors)
//   time at max    decisions with reason AtMaxReplicas or the maxReplicas limit
//   metrics missing decisions with reason MetricsMissing or MetricsStale
//   flaps          direction changes (up then down, or down then up) between consecutive scale
//                  events less than flap_window_ms apart
//
// Example:
//   std::vector<TargetSummary> s = Summarize(data, events, 5 * 60 * 1000);
//
// Thread-safety: pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "controller/audit/integrity.h"
#include "controller/audit/reader.h"

namespace slo::controller::audit {

struct TargetSummary {
  uint32_t target = 0;
  uint64_t decisions = 0;
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  uint64_t scale_ups = 0;
  uint64_t scale_downs = 0;
  uint64_t unapplied = 0;
  int32_t min_replicas = -1;  // over current and desired
  int32_t max_replicas = -1;
  int64_t in_force_ms = 0;    // total time covered
  int64_t at_max_ms = 0;
  int64_t metrics_missing_ms = 0;
  uint64_t flaps = 0;
  uint64_t gaps = 0;          // kGap + kUnexplained events of this target
  std::map<std::string, uint64_t> reasons;  // reason code -> decisions
};

std::vector<TargetSummary> Summarize(const LogData& data,
                                     const std::vector<IntegrityEvent>& events,
                                     int64_t flap_window_ms);

}  // namespace slo::controller::audit
