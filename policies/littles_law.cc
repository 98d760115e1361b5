#include "policies/littles_law.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "policies/numeric.h"

namespace slo::policies {

ModelResult LittlesLaw(const LittlesLawInput& in) {
  ModelResult r;
  r.name = "littlesLaw";
  if (!in.arrival_rate_rps) r.missing_inputs.push_back("arrivalRateRps");
  if (!in.service_time_s) r.missing_inputs.push_back("serviceTimeSeconds");
  if (in.concurrency_per_replica <= 0) r.missing_inputs.push_back("concurrencyPerReplica");
  if (!(in.target_utilization > 0 && in.target_utilization <= 1)) {
    r.missing_inputs.push_back("targetUtilization");
  }
  if (!r.missing_inputs.empty()) return r;
  const double busy = *in.arrival_rate_rps * *in.service_time_s;
  const double per_replica = in.concurrency_per_replica * in.target_utilization;
  r.replicas = CeilReplicas(busy / per_replica);
  r.detail = {{"busySlots", busy}, {"slotsPerReplica", per_replica}};
  r.note = Fmt(*in.arrival_rate_rps) + " req/s × " + Fmt(*in.service_time_s) + " s = " + Fmt(busy) +
           " busy slots; at " + Fmt(in.target_utilization * 100) + "% of " +
           std::to_string(in.concurrency_per_replica) + " slots: " + std::to_string(*r.replicas) +
           " replicas";
  return r;
}

ModelResult Backlog(const BacklogInput& in) {
  ModelResult r;
  r.name = "backlog";
  if (!in.arrival_rate_rps) r.missing_inputs.push_back("arrivalRateRps");
  if (!in.service_time_s) r.missing_inputs.push_back("serviceTimeSeconds");
  if (!in.queue_depth) r.missing_inputs.push_back("queueDepth");
  if (in.concurrency_per_replica <= 0) r.missing_inputs.push_back("concurrencyPerReplica");
  if (std::isnan(in.wait_budget_s)) r.missing_inputs.push_back("waitBudgetSeconds");
  if (!r.missing_inputs.empty()) return r;
  const double w = *in.service_time_s;
  const double q = *in.queue_depth;
  const double busy = *in.arrival_rate_rps * w;
  r.detail = {{"busySlots", busy}, {"waitBudgetSeconds", in.wait_budget_s}};
  if (q > 0 && w > 0 && !(in.wait_budget_s > 0)) {
    r.replicas = std::max(in.max_replicas, 0);
    r.detail.emplace_back("unreachable", 1.0);
    r.note = Fmt(q) + " queued with no wait budget (" + Fmt(in.wait_budget_s) +
             " s): unreachable; asking for maxReplicas " + std::to_string(*r.replicas);
    return r;
  }
  const double drain = (q > 0 && w > 0) ? q * w / in.wait_budget_s : 0.0;
  r.detail.emplace_back("drainSlots", drain);
  r.replicas = CeilReplicas((busy + drain) / in.concurrency_per_replica);
  r.note = Fmt(q) + " queued drain within " + Fmt(in.wait_budget_s) + " s: " + Fmt(busy) + " + " +
           Fmt(drain) + " slots = " + std::to_string(*r.replicas) + " replicas";
  return r;
}

ConsistencyCheck CheckLittlesLaw(const ConsistencyInput& in) {
  ConsistencyCheck c;
  if (!in.arrival_rate_rps || !in.service_time_s || !in.in_flight) return c;
  c.checked = true;
  const double slots = static_cast<double>(std::max(in.current_replicas, 0)) *
                       std::max(in.concurrency_per_replica, 0);
  double expected = *in.arrival_rate_rps * *in.service_time_s;
  if (slots > 0) expected = std::min(expected, slots);
  c.expected_in_flight = expected;
  c.measured_in_flight = *in.in_flight;
  const double scale = std::max(
      {expected, *in.in_flight, static_cast<double>(std::max(in.concurrency_per_replica, 1))});
  c.relative_error = std::fabs(*in.in_flight - expected) / scale;
  c.consistent = !(c.relative_error > in.tolerance);
  return c;
}

}  // namespace slo::policies
