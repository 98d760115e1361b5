// policies/littles_law.h: capacity from Little's law, the backlog drain term and the
// Little's-law consistency check of the measured inputs.
//
// Little's law: in a stable system the mean number in service L = lambda·W (lambda arrival rate,
// W mean in-service time). A replica offers `concurrency_per_replica` slots and we want them
// busy at most `target_utilization` of the time, so
//   littlesLaw: replicas = ceil(lambda·W / (concurrency · targetUtilization)).
// Backlog: the queue waiting now (Q requests) must drain within the wait budget T while new work
// keeps arriving, so the fleet needs lambda·W + Q·W/T busy slots:
//   backlog:    replicas = ceil((lambda·W + Q·W/T) / concurrency).
// With T <= 0 (and a queue) no fleet meets the SLO: the model asks for max_replicas.
//
// Example:
//   ModelResult r = LittlesLaw({.arrival_rate_rps = 12.4, .service_time_s = 1.1,
//                               .concurrency_per_replica = 16, .target_utilization = 0.7});
//   *r.replicas;  // ceil(13.64 / 11.2) = 2
//
// Units: seconds, requests/s, requests. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "policies/decision.h"

namespace slo::policies {

struct LittlesLawInput {
  std::optional<double> arrival_rate_rps;
  std::optional<double> service_time_s;
  int32_t concurrency_per_replica = 16;
  double target_utilization = 0.7;  // 0 < u <= 1
};
// Model "littlesLaw". detail: busySlots (lambda·W), slotsPerReplica (concurrency · u).
ModelResult LittlesLaw(const LittlesLawInput& in);

struct BacklogInput {
  std::optional<double> arrival_rate_rps;
  std::optional<double> service_time_s;
  std::optional<double> queue_depth;
  double wait_budget_s = 0;  // see WaitBudget()
  int32_t concurrency_per_replica = 16;
  int32_t max_replicas = 1;  // the answer when the budget is <= 0 and requests are queued
};
// Model "backlog". detail: busySlots, drainSlots (Q·W/T), waitBudgetSeconds.
ModelResult Backlog(const BacklogInput& in);

struct ConsistencyInput {
  std::optional<double> arrival_rate_rps;
  std::optional<double> service_time_s;
  std::optional<double> in_flight;  // measured L
  int32_t current_replicas = 0;
  int32_t concurrency_per_replica = 16;
  double tolerance = 0.5;  // relative
};
struct ConsistencyCheck {
  bool checked = false;  // false when an input is missing (nothing to compare)
  bool consistent = true;
  double expected_in_flight = 0;  // min(lambda·W, current slots): a saturated fleet caps L
  double measured_in_flight = 0;
  double relative_error = 0;  // |L − expected| / max(L, expected, concurrency)
};
// Little's law on the measured inputs: measured in-flight L against lambda·W. lambda·W above the
// fleet's slots is capped at the slots (under overload L saturates and the queue grows; that is
// not an inconsistency). The denominator is at least one replica's slots, so small values never
// trip the check.
ConsistencyCheck CheckLittlesLaw(const ConsistencyInput& in);

}  // namespace slo::policies
