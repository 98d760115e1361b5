#include "policies/erlang.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "policies/inputs.h"
#include "policies/numeric.h"

namespace slo::policies {
namespace {

// C from B at c servers and load a (c > a).
double CFromB(double b, int64_t c, double a) {
  const double rho = a / static_cast<double>(c);
  return b / (1.0 - rho * (1.0 - b));
}

// P(Wq > t) given C, c servers, the queue and the correction factor.
double Tail(double c_wait, int64_t c, const MgcQueue& q, double t, double f) {
  const double drain_rps = static_cast<double>(c) / q.service_time_s - q.arrival_rate_rps;
  return c_wait * std::exp(-drain_rps * t / f);
}

bool HasLoad(const MgcQueue& q) {
  return std::isfinite(q.arrival_rate_rps) && std::isfinite(q.service_time_s) &&
         q.arrival_rate_rps > 0 && q.service_time_s > 0;
}

// Below this many servers (or at loads under half the servers) B comes from the forward
// recursion, O(c); above it from the sum from the top, O(|c − A| + 9·sqrt(A)).
constexpr int64_t kForwardRecursionMaxServers = 256;

// MaxArrivalRateForSlo() bisects exactly up to this many servers, then inverts square-root
// staffing.
constexpr double kMaxExactRateServers = 1e7;

// B(c, A) by the Erlang-B recursion in its division-free form 1/B(k) = 1 + (k/A)·(1/B(k−1)),
// 1/B(0) = 1. 1/B overflows to +inf only when B < ~1e-308, and then B = 0 is the right double.
double ErlangBForward(int64_t servers, double a) {
  const double inv_a = 1.0 / a;
  double inv_b = 1.0;
  for (int64_t k = 1; k <= servers; ++k) inv_b = 1.0 + static_cast<double>(k) * inv_a * inv_b;
  return 1.0 / inv_b;
}

// The same 1/B unrolled from the top: 1/B(c) = sum_{j=0..c} t_j with t_0 = 1 and
// t_j = t_{j−1}·(c − j + 1)/A (the Poisson terms relative to the c-th). The terms grow while
// j < c − A and then fall off like a Gaussian of width sqrt(A), so the sum stops once past the
// peak a term adds less than 1e-17: O(|c − A| + 9·sqrt(A)) steps instead of O(c). Large partial
// sums are rescaled by 1e-250 (counted), so nothing overflows; A >= c/2 keeps each factor <= 2.
double ErlangBFromTop(int64_t servers, double a) {
  constexpr double kRescale = 1e-250;
  const double c = static_cast<double>(servers);
  const double inv_a = 1.0 / a;
  double t = 1.0, sum = 1.0;
  int rescales = 0;
  for (int64_t j = 1; j <= servers; ++j) {
    t *= (c - static_cast<double>(j) + 1.0) * inv_a;
    sum += t;
    if (sum > 1e250) {
      sum *= kRescale;
      t *= kRescale;
      ++rescales;
    }
    if (static_cast<double>(j) > c - a && t < 1e-17 * sum) break;
  }
  if (rescales >= 2) return 0.0;
  return rescales == 1 ? (1.0 / sum) * kRescale : 1.0 / sum;
}

}  // namespace

double ErlangB(int64_t servers, double offered_load_erlangs) {
  if (servers <= 0) return 1.0;
  const double a = offered_load_erlangs;
  if (!(a > 0)) return 0.0;
  const double c = static_cast<double>(servers);
  // B = pmf(c; A) / cdf(c; A) <= 2·pmf(c; A), and for A <= c/2 that is <= exp(−0.19·c): below
  // the smallest double once c > 4000.
  if (a <= 0.5 * c && servers > 4000) return 0.0;
  if (servers <= kForwardRecursionMaxServers || a < 0.5 * c) return ErlangBForward(servers, a);
  return ErlangBFromTop(servers, a);
}

double ErlangC(int64_t servers, double offered_load_erlangs) {
  if (servers <= 0 || !(offered_load_erlangs < static_cast<double>(servers))) return 1.0;
  if (!(offered_load_erlangs > 0)) return 0.0;
  return CFromB(ErlangB(servers, offered_load_erlangs), servers, offered_load_erlangs);
}

double ScvFactor(double service_time_scv) {
  if (!std::isfinite(service_time_scv) || service_time_scv < 0) return 1.0;
  return (1.0 + service_time_scv) / 2.0;
}

double WaitTailProbability(int64_t servers, const MgcQueue& q, double wait_s) {
  if (!HasLoad(q)) return 0.0;
  const double a = q.arrival_rate_rps * q.service_time_s;
  if (servers <= 0 || !(a < static_cast<double>(servers))) return 1.0;
  const double c_wait = ErlangC(servers, a);
  if (!(wait_s > 0)) return c_wait;
  return Tail(c_wait, servers, q, wait_s, ScvFactor(q.service_time_scv));
}

double MeanWaitS(int64_t servers, const MgcQueue& q) {
  if (!HasLoad(q)) return 0.0;
  const double a = q.arrival_rate_rps * q.service_time_s;
  if (servers <= 0 || !(a < static_cast<double>(servers))) {
    return std::numeric_limits<double>::infinity();
  }
  const double drain_rps = static_cast<double>(servers) / q.service_time_s - q.arrival_rate_rps;
  return ErlangC(servers, a) / drain_rps * ScvFactor(q.service_time_scv);
}

double AllowedTail(double latency_percentile) {
  if (!std::isfinite(latency_percentile)) return 0.01;
  return std::clamp(1.0 - latency_percentile / 100.0, 1e-9, 1.0);
}

TailSizing MinReplicasForSlo(const MgcQueue& q, const TailSlo& slo,
                             int32_t concurrency_per_replica) {
  TailSizing s;
  s.tail_allowed = AllowedTail(slo.latency_percentile);
  s.scv_factor = ScvFactor(q.service_time_scv);
  if (concurrency_per_replica <= 0) {
    s.unreachable = true;
    return s;
  }
  if (!HasLoad(q)) return s;  // no work: zero replicas
  const double a = q.arrival_rate_rps * q.service_time_s;
  s.offered_load_erlangs = a;
  if (!(slo.wait_budget_s > 0) || std::isnan(slo.wait_budget_s)) {
    s.unreachable = true;
    s.wait_probability = 1;
    s.tail_probability = 1;
    return s;
  }
  const int64_t step = concurrency_per_replica;
  const double ceiling_servers = static_cast<double>(kReplicaCeiling) * static_cast<double>(step);
  if (a > kMaxExactLoadErlangs) {
    s.approximate = true;
    const double c = a + 3.0 * std::sqrt(a);
    if (c >= ceiling_servers) {
      s.saturated = true;
      s.replicas = kReplicaCeiling;
    } else {
      s.replicas = CeilReplicas(c / static_cast<double>(step));
    }
    s.servers = static_cast<int64_t>(s.replicas) * step;
    s.mmc_replicas = s.replicas;
    return s;
  }
  // Start at the first replica multiple above the offered load (B there from the top, O(sqrt A)),
  // then walk up with the forward recursion B(k) = A·B(k−1) / (k + A·B(k−1)), testing each
  // replica multiple for the corrected (f) and the plain M/M/c (f = 1) condition. The tail falls
  // monotonically in c, so the first multiple that passes is the answer: O(sqrt A + k) in all.
  const int64_t c0 = (static_cast<int64_t>(std::floor(a / static_cast<double>(step))) + 1) * step;
  double b = ErlangB(c0, a);
  bool found = false;
  for (int64_t k = c0;; ++k) {
    if (k > c0) b = a * b / (static_cast<double>(k) + a * b);
    if (k % step != 0) continue;
    const double c_wait = CFromB(b, k, a);
    if (s.mmc_replicas == 0 && Tail(c_wait, k, q, slo.wait_budget_s, 1.0) <= s.tail_allowed) {
      s.mmc_replicas = static_cast<int32_t>(k / step);
    }
    if (!found) {
      const double tail = Tail(c_wait, k, q, slo.wait_budget_s, s.scv_factor);
      if (tail <= s.tail_allowed) {
        found = true;
        s.servers = k;
        s.replicas = static_cast<int32_t>(k / step);
        s.wait_probability = c_wait;
        s.tail_probability = tail;
      }
    }
    if (found && s.mmc_replicas != 0) return s;
  }
}

double MaxArrivalRateForSlo(int64_t servers, double service_time_s, double service_time_scv,
                            const TailSlo& slo) {
  if (servers <= 0 || !(slo.wait_budget_s > 0) || std::isnan(service_time_s)) return 0.0;
  if (!(service_time_s > 0)) return std::numeric_limits<double>::infinity();
  const double c = static_cast<double>(servers);
  const double capacity_rps = c / service_time_s;
  if (c > kMaxExactRateServers) {
    // Invert square-root staffing c = A + 3 sqrt(A): sqrt(A) = (-3 + sqrt(9 + 4c)) / 2.
    const double root = (-3.0 + std::sqrt(9.0 + 4.0 * c)) / 2.0;
    return root * root / service_time_s;
  }
  const double allowed = AllowedTail(slo.latency_percentile);
  MgcQueue q{0, service_time_s, service_time_scv};
  // Bracket: a large fleet meets any tail target within ~7 sqrt(c) of saturation (Halfin–Whitt),
  // so start the bisection there when that point passes; each probe then costs O(sqrt c).
  double lo = 0, hi = capacity_rps;
  const double near_full = std::max(0.0, c - 10.0 * std::sqrt(c) - 10.0) / service_time_s;
  q.arrival_rate_rps = near_full;
  if (near_full > 0 && WaitTailProbability(servers, q, slo.wait_budget_s) <= allowed) {
    lo = near_full;
  }
  for (int i = 0; i < 60 && hi - lo > 1e-9 * capacity_rps; ++i) {
    const double mid = 0.5 * (lo + hi);
    q.arrival_rate_rps = mid;
    if (WaitTailProbability(servers, q, slo.wait_budget_s) <= allowed) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

ModelResult TailLatencyModel(const TailLatencyInput& in) {
  ModelResult r;
  const bool mmc = in.service_time_scv == 1.0;
  r.name = mmc ? "erlangC" : "mgc";
  if (!in.arrival_rate_rps) r.missing_inputs.push_back("arrivalRateRps");
  if (!in.service_time_s) r.missing_inputs.push_back("serviceTimeSeconds");
  if (in.concurrency_per_replica <= 0) r.missing_inputs.push_back("concurrencyPerReplica");
  if (!std::isfinite(in.slo.latency_threshold_s))
    r.missing_inputs.push_back("latencyThresholdSeconds");
  if (!r.missing_inputs.empty()) return r;

  const double budget = WaitBudget(in.slo, *in.service_time_s, in.prefill_time_s);
  const MgcQueue q{*in.arrival_rate_rps, *in.service_time_s, in.service_time_scv};
  const TailSlo slo{budget, in.slo.latency_percentile};
  const TailSizing s = MinReplicasForSlo(q, slo, in.concurrency_per_replica);
  r.detail = {
      {"offeredLoadErlangs", s.offered_load_erlangs}, {"waitBudgetSeconds", budget},
      {"servers", static_cast<double>(s.servers)},    {"waitProbability", s.wait_probability},
      {"tailProbability", s.tail_probability},        {"tailAllowed", s.tail_allowed},
      {"serviceTimeScv", in.service_time_scv},        {"scvFactor", s.scv_factor}};
  const std::string model = mmc ? "Erlang-C" : "M/G/c (SCV " + Fmt(in.service_time_scv) + ")";
  const std::string target = "p" + Fmt(in.slo.latency_percentile) + " " +
                             MetricLabel(in.slo.latency_metric) +
                             " <= " + Fmt(in.slo.latency_threshold_s) + " s";
  if (s.unreachable) {
    r.replicas = std::max(in.max_replicas, 0);
    r.detail.emplace_back("unreachable", 1.0);
    r.note = model + ": " + target + " is unreachable (wait budget " + Fmt(budget) +
             " s <= 0); asking for maxReplicas " + std::to_string(*r.replicas);
    return r;
  }
  r.replicas = s.replicas;
  if (!mmc) r.detail.emplace_back("mmcReplicas", static_cast<double>(s.mmc_replicas));
  if (s.approximate) r.detail.emplace_back("approximate", 1.0);
  r.note = model + " needs " + std::to_string(s.servers) + " slots (" + std::to_string(s.replicas) +
           " replicas) for " + target + " at " + Fmt(s.offered_load_erlangs) + " Erlangs";
  return r;
}

}  // namespace slo::policies
