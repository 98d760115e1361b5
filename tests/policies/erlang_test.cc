// Tests for policies/erlang.h: Erlang-B/C against published and hand-worked values, large-c
// stability against an independent log-space computation, and the tail-latency sizing search.
#include "policies/erlang.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace slo::policies {
namespace {

// Independent Erlang C in log space: P(wait) = T_c / (sum_{k<c} A^k/k! + T_c) with
// T_c = A^c/c! · c/(c − A), every term as a log (lgamma), summed with log-sum-exp.
double LogErlangCReference(int64_t c, double a) {
  std::vector<double> logs;
  logs.reserve(static_cast<size_t>(c) + 1);
  for (int64_t k = 0; k < c; ++k) {
    logs.push_back(static_cast<double>(k) * std::log(a) - std::lgamma(static_cast<double>(k) + 1));
  }
  const double cd = static_cast<double>(c);
  const double log_tc = cd * std::log(a) - std::lgamma(cd + 1) + std::log(cd / (cd - a));
  logs.push_back(log_tc);
  double mx = -std::numeric_limits<double>::infinity();
  for (double l : logs) mx = std::max(mx, l);
  double sum = 0;
  for (double l : logs) sum += std::exp(l - mx);
  return log_tc - (mx + std::log(sum));
}

// Independent log B(c, A) = log(A^c/c!) − log(sum_{k<=c} A^k/k!).
double LogErlangBReference(int64_t c, double a) {
  double mx = -std::numeric_limits<double>::infinity();
  std::vector<double> logs;
  for (int64_t k = 0; k <= c; ++k) {
    logs.push_back(static_cast<double>(k) * std::log(a) - std::lgamma(static_cast<double>(k) + 1));
    mx = std::max(mx, logs.back());
  }
  double sum = 0;
  for (double l : logs) sum += std::exp(l - mx);
  return logs.back() - (mx + std::log(sum));
}

TEST(ErlangTest, ErlangBAgreesWithLogSpaceReferenceOnBothEvaluationPaths) {
  struct Case {
    const char* name;
    int64_t servers;
    double load;
  };
  const Case cases[] = {
      {"SmallForwardRecursion", 50, 40.0},       {"ForwardJustBelowTheSwitch", 256, 200.0},
      {"FromTopBelowSaturation", 3000, 2000.0},  {"FromTopNearSaturation", 3000, 2999.5},
      {"FromTopOverloaded", 100'000, 120'000.0}, {"FromTopJustAboveTheSwitch", 257, 200.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const double got = ErlangB(c.servers, c.load);
    ASSERT_GT(got, 0.0);
    EXPECT_NEAR(std::log(got), LogErlangBReference(c.servers, c.load), 1e-7);
  }
  // Far below saturation B underflows to exactly 0 (the true value is below 1e-308), no NaN.
  EXPECT_LT(LogErlangBReference(5000, 1000.0), -709.0);
  EXPECT_EQ(ErlangB(5000, 1000.0), 0.0);
}

TEST(ErlangTest, MatchesPublishedAndHandWorkedValues) {
  struct Case {
    const char* name;
    int64_t servers;
    double load;
    double erlang_b;  // < 0: not checked
    double erlang_c;
    double tol;
  };
  const Case cases[] = {
      // Erlang-C tables (e.g. Cooper, Introduction to Queueing Theory, table of C(c, A)):
      // 10 servers at 8 Erlangs wait with probability 0.409.
      {"TenServersEightErlangs", 10, 8.0, -1, 0.4092, 5e-4},
      // M/M/1: C = rho; B(1, A) = A/(1+A).
      {"SingleServerHalfLoad", 1, 0.5, 1.0 / 3.0, 0.5, 1e-12},
      // M/M/2 at rho = 0.5: C = 2 rho^2 / (1 + rho) = 1/3; B(2, 1) = (1/2)/(2 + 1/2) = 0.2.
      {"TwoServersOneErlang", 2, 1.0, 0.2, 1.0 / 3.0, 1e-12},
      // B(5, 3) from the recursion by hand: 0.75, 0.5294.., 0.3462.., 0.2061.., 0.1101...
      {"FiveServersThreeErlangs", 5, 3.0, 0.110054, 0.236152, 1e-5},
      {"NoLoadNeverWaits", 4, 0.0, 0.0, 0.0, 0},
      {"OverloadAlwaysWaits", 4, 4.0, -1, 1.0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    if (c.erlang_b >= 0) {
      EXPECT_NEAR(ErlangB(c.servers, c.load), c.erlang_b, c.tol);
    }
    EXPECT_NEAR(ErlangC(c.servers, c.load), c.erlang_c, c.tol);
  }
}

TEST(ErlangTest, LargeServerCountsAgreeWithLogSpaceReference) {
  struct Case {
    const char* name;
    int64_t servers;
    double load;
  };
  const Case cases[] = {
      {"HundredThousandServersAt95Percent", 100'000, 95'000.0},
      {"HundredThousandServersNearCritical", 100'000, 99'500.0},
      {"TenThousandServersAt99Percent", 10'000, 9'900.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const double got = ErlangC(c.servers, c.load);
    ASSERT_TRUE(std::isfinite(got));
    ASSERT_GT(got, 0.0);
    EXPECT_NEAR(std::log(got), LogErlangCReference(c.servers, c.load), 1e-6 * 200);
  }
}

TEST(ErlangTest, WaitTailIsErlangCTimesExponentialDecay) {
  // M/M/1, lambda 0.5, W 1: P(Wq > t) = 0.5 exp(-0.5 t).
  const MgcQueue q{0.5, 1.0, 1.0};
  EXPECT_NEAR(WaitTailProbability(1, q, 2.0), 0.5 * std::exp(-1.0), 1e-12);
  EXPECT_NEAR(MeanWaitS(1, q), 1.0, 1e-12);  // rho/(mu - lambda) = 0.5/0.5
  // SCV 3 doubles the Allen–Cunneen factor: mean wait doubles, tail decays half as fast.
  const MgcQueue heavy{0.5, 1.0, 3.0};
  EXPECT_NEAR(MeanWaitS(1, heavy), 2.0, 1e-12);
  EXPECT_NEAR(WaitTailProbability(1, heavy, 2.0), 0.5 * std::exp(-0.5), 1e-12);
  EXPECT_EQ(WaitTailProbability(1, {2.0, 1.0, 1.0}, 1.0), 1.0);  // unstable
}

TEST(ErlangTest, MinReplicasForSloHandWorked) {
  struct Case {
    const char* name;
    MgcQueue q;
    TailSlo slo;
    int32_t concurrency;
    int32_t want_replicas;
  };
  const Case cases[] = {
      // M/M/1: 0.5 exp(-0.5 t) <= 0.1 needs t >= 2 ln 5 = 3.22 s.
      {"OneServerMeetsP90WithBudget3_3", {0.5, 1.0, 1.0}, {3.3, 90}, 1, 1},
      // At t = 3.0 one server misses; two: C(2, 0.5) = 0.1, decay exp(-1.5·3) -> 0.0011.
      {"TwoServersNeededWithBudget3_0", {0.5, 1.0, 1.0}, {3.0, 90}, 1, 2},
      // Slots come in replicas of 16: lambda 12.4, W 1.1 (13.64 Erlangs) fits one replica:
      // C(16, 13.64) = 0.4404, tail exp(-(16/1.1 - 12.4)·1.89) -> 0.0076 <= 0.01.
      {"ChatFleetOneReplica", {12.4, 1.1, 1.0}, {1.89, 99}, 16, 1},
      // The same at p99.9 needs a second replica.
      {"ChatFleetP999TwoReplicas", {12.4, 1.1, 1.0}, {1.89, 99.9}, 16, 2},
      {"NoArrivalsNoReplicas", {0.0, 1.1, 1.0}, {1.0, 99}, 16, 0},
      {"ZeroServiceTimeNoReplicas", {50.0, 0.0, 1.0}, {1.0, 99}, 16, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const TailSizing s = MinReplicasForSlo(c.q, c.slo, c.concurrency);
    EXPECT_FALSE(s.unreachable);
    EXPECT_EQ(s.replicas, c.want_replicas);
    EXPECT_EQ(s.servers, static_cast<int64_t>(c.want_replicas) * c.concurrency);
    EXPECT_LE(s.tail_probability, s.tail_allowed);
  }
}

TEST(ErlangTest, MinReplicasIsTheSmallestThatMeetsTheSlo) {
  const MgcQueue q{950.0, 100.0, 2.0};  // 95,000 Erlangs
  const TailSlo slo{0.5, 99};
  const TailSizing s = MinReplicasForSlo(q, slo, 1);
  ASSERT_FALSE(s.approximate);
  EXPECT_GT(static_cast<double>(s.servers), 95'000.0);
  EXPECT_LE(WaitTailProbability(s.servers, q, slo.wait_budget_s), s.tail_allowed);
  EXPECT_GT(WaitTailProbability(s.servers - 1, q, slo.wait_budget_s), s.tail_allowed);
}

TEST(ErlangTest, HeavierServiceTailNeedsAtLeastAsManyReplicas) {
  for (double lambda : {1.0, 10.0, 100.0, 1000.0}) {
    SCOPED_TRACE(lambda);
    const TailSlo slo{0.5, 99};
    const int32_t mm = MinReplicasForSlo({lambda, 1.0, 1.0}, slo, 8).replicas;
    EXPECT_LE(MinReplicasForSlo({lambda, 1.0, 0.0}, slo, 8).replicas, mm);
    EXPECT_GE(MinReplicasForSlo({lambda, 1.0, 4.0}, slo, 8).replicas, mm);
  }
}

TEST(ErlangTest, MinReplicasIsMonotoneInArrivalRate) {
  int32_t prev = 0;
  for (double lambda = 0; lambda <= 400; lambda += 3.7) {
    const int32_t r = MinReplicasForSlo({lambda, 0.8, 1.5}, {1.0, 99}, 16).replicas;
    EXPECT_GE(r, prev) << "lambda " << lambda;
    prev = r;
  }
}

TEST(ErlangTest, NonPositiveBudgetIsUnreachable) {
  for (double budget : {0.0, -1.0, std::nan("")}) {
    SCOPED_TRACE(budget);
    const TailSizing s = MinReplicasForSlo({10, 1, 1}, {budget, 99}, 4);
    EXPECT_TRUE(s.unreachable);
  }
}

TEST(ErlangTest, HugeLoadSaturatesWithoutOverflow) {
  const TailSizing s = MinReplicasForSlo({1e12, 1.0, 1.0}, {1.0, 99}, 16);
  EXPECT_TRUE(s.approximate);
  EXPECT_TRUE(s.saturated);
  EXPECT_EQ(s.replicas, 1'000'000'000);
  const TailSizing big = MinReplicasForSlo({2e8, 1.0, 1.0}, {1.0, 99}, 16);
  EXPECT_TRUE(big.approximate);
  EXPECT_GT(static_cast<double>(big.servers), 2e8);
  // Ten million Erlangs is still exact (and fast: the search is O(sqrt A)).
  const MgcQueue q{1e7, 1.0, 1.0};
  const TailSizing exact = MinReplicasForSlo(q, {0.01, 99}, 16);
  EXPECT_FALSE(exact.approximate);
  EXPECT_LE(WaitTailProbability(exact.servers, q, 0.01), 0.01);
  EXPECT_GT(WaitTailProbability(exact.servers - 16, q, 0.01), 0.01);
}

TEST(ErlangTest, MaxArrivalRateInvertsTheSizing) {
  const TailSlo slo{1.0, 99};
  for (int64_t servers : {1, 16, 160, 1600}) {
    SCOPED_TRACE(servers);
    const double lambda_max = MaxArrivalRateForSlo(servers, 1.0, 1.0, slo);
    ASSERT_GT(lambda_max, 0.0);
    EXPECT_LT(lambda_max, static_cast<double>(servers));
    EXPECT_LE(WaitTailProbability(servers, {lambda_max, 1.0, 1.0}, 1.0), 0.01 + 1e-9);
    EXPECT_GT(WaitTailProbability(servers, {lambda_max * 1.001 + 1e-6, 1.0, 1.0}, 1.0), 0.01);
  }
  EXPECT_EQ(MaxArrivalRateForSlo(16, 1.0, 1.0, {0.0, 99}), 0.0);
  EXPECT_TRUE(std::isinf(MaxArrivalRateForSlo(16, 0.0, 1.0, slo)));
}

TEST(TailLatencyModelTest, BudgetFollowsTheLatencyMetric) {
  struct Case {
    const char* name;
    LatencyMetric metric;
    double want_budget;
  };
  // threshold 2 s, service 1.0 s, prefill 0.25 s.
  const Case cases[] = {{"TtftSubtractsPrefill", LatencyMetric::kTtft, 1.75},
                        {"E2eSubtractsServiceTime", LatencyMetric::kE2e, 1.0},
                        {"QueueWaitSubtractsNothing", LatencyMetric::kQueueWait, 2.0}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TailLatencyInput in;
    in.arrival_rate_rps = 10;
    in.service_time_s = 1.0;
    in.prefill_time_s = 0.25;
    in.slo.latency_threshold_s = 2.0;
    in.slo.latency_metric = c.metric;
    in.concurrency_per_replica = 4;
    in.max_replicas = 50;
    const ModelResult r = TailLatencyModel(in);
    ASSERT_TRUE(r.replicas.has_value());
    EXPECT_EQ(r.name, "erlangC");
    bool found = false;
    for (const auto& [k, v] : r.detail) {
      if (k == "waitBudgetSeconds") {
        EXPECT_DOUBLE_EQ(v, c.want_budget);
        found = true;
      }
    }
    EXPECT_TRUE(found);
  }
}

TEST(TailLatencyModelTest, ReportsMissingInputsAndUnreachableSlo) {
  TailLatencyInput in;
  in.max_replicas = 30;
  ModelResult r = TailLatencyModel(in);
  EXPECT_FALSE(r.replicas.has_value());
  EXPECT_EQ(r.missing_inputs, (std::vector<std::string>{"arrivalRateRps", "serviceTimeSeconds"}));

  in.arrival_rate_rps = 5;
  in.service_time_s = 3.0;  // e2e threshold 2 s < service time: budget -1 s
  in.slo.latency_metric = LatencyMetric::kE2e;
  in.service_time_scv = 2.0;
  r = TailLatencyModel(in);
  EXPECT_EQ(r.name, "mgc");
  ASSERT_TRUE(r.replicas.has_value());
  EXPECT_EQ(*r.replicas, 30);
  EXPECT_NE(r.note.find("unreachable"), std::string::npos);
}

}  // namespace
}  // namespace slo::policies
