// controller/prom/estimates.h: the arithmetic that turns query results into observation inputs:
// the arrival-rate estimate and the service-time SCV from histogram buckets. Pure functions.
//
// Arrival rate. Completions understate arrivals when the fleet is saturated: requests pile up
// in the queue instead of completing. Conservation of requests gives, over the rate window,
//   arrivals/s = completions/s + d(queue + running)/dt
// so the estimate is rate(success counter) + deriv(queue + running gauges), clamped at 0.
// A draining backlog (negative growth) correctly lowers the estimate below completions.
// Failed/aborted requests leave the system without completing; they show up neither in the
// success counter nor in the backlog, so they are not counted (a small underestimate).
//
// SCV (squared coefficient of variation, variance / mean^2) from cumulative histogram bucket
// rates: each bucket (a, b] is taken as uniform, so it contributes mean (a+b)/2 and second
// moment (a^2+ab+b^2)/3; the first bucket starts at 0; the +Inf bucket is placed at its lower
// bound (an underestimate of the tail).
//
// Example:
//   ArrivalEstimate a = EstimateArrivalRate(9.0, 1.0);      // a.rate_rps == 10
//   auto scv = ScvFromBuckets({{1, 10}, {2, 20}, {kInf, 20}});
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace slo::controller::prom {

struct ArrivalEstimate {
  std::optional<double> rate_rps;
  std::string note;  // how it was derived (for the diagnostics)
};

// completion_rps = rate(completions); backlog_growth_rps = deriv(queue + running). Non-finite
// inputs count as missing. Without a completion rate the estimate is missing; without a growth
// rate it is the completion rate alone (noted).
ArrivalEstimate EstimateArrivalRate(std::optional<double> completion_rps,
                                    std::optional<double> backlog_growth_rps);

// buckets: (upper bound `le`, cumulative rate) in any order; +Inf allowed. nullopt when there
// is no traffic or the buckets are malformed (non-finite rates, no +Inf bucket is accepted).
std::optional<double> ScvFromBuckets(std::vector<std::pair<double, double>> buckets);

}  // namespace slo::controller::prom
