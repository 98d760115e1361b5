// policies/erlang.h: the tail-latency model: M/M/c (Erlang-C) with an M/G/c correction.
//
// A fleet of c = replicas × concurrencyPerReplica slots serves Poisson arrivals (rate lambda) with
// mean service time W, offered load A = lambda·W Erlangs. For M/M/c the probability that an
// arrival waits is Erlang C, C(c, A) = B / (1 − (A/c)(1 − B)) with B the Erlang-B blocking
// probability from the recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)) (no factorials, no
// overflow; underflow to 0 only when the true value is below ~1e-308). The waiting time is
// exponential given a wait: P(Wq > t) = C · exp(−(c/W − lambda)·t).
//
// M/G/c correction (Allen–Cunneen): E[Wq](M/G/c) ≈ E[Wq](M/M/c) · (Ca² + Cs²)/2 with Ca² = 1 for
// Poisson arrivals and Cs² = the service time's SCV, i.e. a factor f = (1 + SCV)/2. For the tail
// we keep P(wait) = C and stretch the conditional exponential wait by f (Kingman's heavy-traffic
// exponential form): P(Wq > t) ≈ C · exp(−(c/W − lambda)·t / f). SCV = 1 gives M/M/c exactly;
// SCV > 1 (heavy-tailed LLM output lengths) lengthens the tail and needs more slots.
//
// Example (the oracle baseline of the simulator):
//   TailSizing s = MinReplicasForSlo({.arrival_rate_rps = 12.4, .service_time_s = 1.1,
//                                     .service_time_scv = 2.0},
//                                    {.wait_budget_s = 1.9, .latency_percentile = 99}, 16);
//   s.replicas;  // smallest replica count with P(Wq > 1.9 s) <= 1%
//
// Cost: ErlangB(c, A) takes O(c) steps of the recursion for c <= 256 (or A < c/2), else
// O(|c − A| + 9·sqrt(A)) steps summing the same terms from the top (1/B(c) = sum_j prod_{m<j}
// (c − m)/A, stopped once the terms are negligible; rescaled so nothing overflows). The search
// starts at the first replica multiple above the offered load and walks up with the forward
// recursion, so MinReplicasForSlo() is O(sqrt(A) + concurrency): ~3 µs at 100,000 Erlangs. Offered
// loads above kMaxExactLoadErlangs use square-root staffing c = A + 3·sqrt(A) (flagged
// approximate). Units: seconds, requests/s, Erlangs. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "policies/decision.h"
#include "policies/types.h"

namespace slo::policies {

inline constexpr double kMaxExactLoadErlangs = 1e8;

// Erlang-B blocking probability of `servers` servers at `offered_load_erlangs`. 1 when servers
// <= 0; 0 when the load is 0 (and servers > 0).
double ErlangB(int64_t servers, double offered_load_erlangs);

// Erlang-C probability that an arrival waits. 1 when the load is >= servers (unstable).
double ErlangC(int64_t servers, double offered_load_erlangs);

struct MgcQueue {
  double arrival_rate_rps = 0;  // lambda
  double service_time_s = 0;    // mean service time W
  double service_time_scv = 1;  // variance / mean^2; 1 = exponential (M/M/c)
};

// (1 + SCV) / 2: the Allen–Cunneen factor applied to the waiting time.
double ScvFactor(double service_time_scv);

// P(Wq > wait_s) with `servers` slots (M/G/c approximation above). 1 when unstable; 0 with no load.
double WaitTailProbability(int64_t servers, const MgcQueue& q, double wait_s);

// Mean queueing delay E[Wq] (M/G/c approximation). +inf when unstable.
double MeanWaitS(int64_t servers, const MgcQueue& q);

struct TailSlo {
  double wait_budget_s = 0;          // the queueing delay the SLO leaves (see WaitBudget())
  double latency_percentile = 99.0;  // P(Wq > budget) must be <= 1 − percentile/100
};

// 1 − percentile/100, clamped to [1e-9, 1] (a 100th percentile is treated as 1 − 1e-9).
double AllowedTail(double latency_percentile);

struct TailSizing {
  int32_t replicas = 0;  // smallest replica count meeting the SLO (0 with no load)
  int64_t servers = 0;   // replicas × concurrency
  double offered_load_erlangs = 0;
  double wait_probability = 0;  // C(c, A) at the answer
  double tail_probability = 0;  // P(Wq > budget) at the answer
  double tail_allowed = 0;      // 1 − percentile/100
  double scv_factor = 1;        // (1 + SCV)/2
  int32_t mmc_replicas = 0;     // the plain M/M/c (SCV = 1) answer, from the same pass
  bool unreachable = false;     // wait budget <= 0: no replica count meets the SLO
  bool approximate = false;     // offered load > kMaxExactLoadErlangs: square-root staffing
  bool saturated = false;       // the need exceeds kReplicaCeiling
};

// The smallest replica count r (c = r × concurrency_per_replica slots) with P(Wq > budget) <=
// 1 − percentile/100. Invalid queue parameters (negative, NaN) are treated as no load; the
// Decide() path validates them first.
TailSizing MinReplicasForSlo(const MgcQueue& q, const TailSlo& slo,
                             int32_t concurrency_per_replica);

// The largest arrival rate `servers` slots serve within the SLO (bisection; 0 when the budget is
// <= 0, +inf when service_time_s is 0).
double MaxArrivalRateForSlo(int64_t servers, double service_time_s, double service_time_scv,
                            const TailSlo& slo);

// The tail-latency model as Decide() runs it. Named "erlangC" when the SCV is 1, else "mgc".
struct TailLatencyInput {
  std::optional<double> arrival_rate_rps;
  std::optional<double> service_time_s;
  double service_time_scv = 1.0;
  std::optional<double> prefill_time_s;
  SloSpec slo;
  int32_t concurrency_per_replica = 16;
  int32_t max_replicas = 1;  // the answer when the SLO is unreachable (budget <= 0)
};
ModelResult TailLatencyModel(const TailLatencyInput& in);

}  // namespace slo::policies
