// tests/e2e/expected_replicas.h: the replica count the capacity models should reach for a
// steady Poisson load, computed here independently of policies/ (textbook formulas), so the
// end-to-end test checks the controller against the theory rather than against itself.
//
//   littlesLaw: ceil(lambda * W / (k * u))
//   erlangC:    the smallest n with C(n*k, lambda*W) * exp(-(n*k/W - lambda) * budget) <= 1 - p
//               (M/M/c waiting-time tail; C from the Erlang-B recursion)
//
// Units: seconds, requests/s. Thread-safety: pure.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace slo::e2e {

struct SteadyLoad {
  double arrival_rate_rps = 0;
  double service_time_s = 1;
  int32_t concurrency_per_replica = 1;
  double target_utilization = 0.7;
  double wait_budget_s = 1;  // latencyMetric queueWait: the threshold itself
  double percentile = 95;
};

inline int32_t LittlesLawReplicas(const SteadyLoad& l) {
  return static_cast<int32_t>(std::ceil(l.arrival_rate_rps * l.service_time_s /
                                        (l.concurrency_per_replica * l.target_utilization)));
}

// Erlang C: probability that an arrival waits, c servers, offered load a Erlangs (c > a).
inline double ErlangCProbability(int64_t c, double a) {
  double b = 1.0;  // Erlang B by B(n) = a B(n-1) / (n + a B(n-1))
  for (int64_t n = 1; n <= c; ++n) b = a * b / (static_cast<double>(n) + a * b);
  return b / (1.0 - (a / static_cast<double>(c)) * (1.0 - b));
}

inline int32_t ErlangCReplicas(const SteadyLoad& l) {
  const double a = l.arrival_rate_rps * l.service_time_s;
  const double allowed = 1.0 - l.percentile / 100.0;
  for (int32_t n = 1; n < 10000; ++n) {
    const int64_t c = static_cast<int64_t>(n) * l.concurrency_per_replica;
    if (static_cast<double>(c) <= a) continue;
    const double tail = ErlangCProbability(c, a) *
                        std::exp(-(static_cast<double>(c) / l.service_time_s - l.arrival_rate_rps) *
                                 l.wait_budget_s);
    if (tail <= allowed) return n;
  }
  return 10000;
}

// The recommendation at steady state: the largest of the two models (the utilisation and
// backlog models agree with Little's law once the queue is empty and the fleet has settled).
inline int32_t ExpectedReplicas(const SteadyLoad& l) {
  return std::max(LittlesLawReplicas(l), ErlangCReplicas(l));
}

}  // namespace slo::e2e
