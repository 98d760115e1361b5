// controller/audit/integrity.h: what the decisions do not explain.
//
// Gaps: a target's replica count changed without a decision that explains it. For consecutive
// decisions (prev, cur) of one target:
//   - prev was actuated and cur.currentReplicas != prev.desiredReplicas  -> kGap
//     (the patch did not take, or something else scaled it afterwards);
//   - prev was not actuated and cur.currentReplicas != prev.currentReplicas -> kUnexplained
//     (someone else scaled it: a person, an HPA, a rollout).
// Controller changes, over all decisions in time order: a different controller.version or
// .commit (kVersionChange: an upgrade or rollback) or controller.instance (kLeaderChange:
// another controller replica took over).
//
// Example:
//   for (const IntegrityEvent& e : CheckIntegrity(data)) std::cout << e.message << "\n";
//
// Thread-safety: pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "controller/audit/reader.h"

namespace slo::controller::audit {

struct IntegrityEvent {
  enum class Kind { kGap, kUnexplained, kVersionChange, kLeaderChange };
  Kind kind = Kind::kGap;
  int64_t ts_ms = 0;        // time of the decision that revealed it
  int64_t prev_ts_ms = 0;   // the decision before
  uint32_t target = 0;      // interned "ns/name" (0 for controller changes)
  size_t record = 0;        // index in data.records of the revealing decision
  int32_t expected = -1;    // replicas expected (gaps)
  int32_t found = -1;       // replicas found
  std::string message;      // one sentence with the numbers and times
};

std::string_view IntegrityKindName(IntegrityEvent::Kind k);  // "gap", "unexplainedChange", ...

// Events in time order. data.records must be sorted (ReadLogs does).
std::vector<IntegrityEvent> CheckIntegrity(const LogData& data);

}  // namespace slo::controller::audit
