// Validates the simulator against queueing theory: Poisson arrivals, exponential service, a
// fixed number of servers (fixed:N) is M/M/c, whose waiting time Erlang C gives exactly.
// Erlang C is computed here independently of policies/erlang.h (direct sums).
#include <gtest/gtest.h>

#include <cmath>

#include "sim/simulator.h"

namespace slo::sim {
namespace {

// C(c, A) = (A^c / c!) (c / (c - A)) / (sum_{k<c} A^k / k! + (A^c / c!) (c / (c - A))).
double ErlangCDirect(int c, double a) {
  double term = 1, sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);
  return top / (sum + top);
}

struct MmcRun {
  SimResult result;
  double mean_wait_s = 0;
  double tail = 0;
};

MmcRun RunMmc(int servers, double lambda, double mean_service_s, double t_s, int64_t n) {
  static Trace trace;  // outlives the run
  trace = GeneratePoissonTrace(lambda, mean_service_s, n, 20261123);
  SimOptions opt;
  opt.config.min_replicas = 1;
  opt.config.max_replicas = servers;
  opt.config.capacity.concurrency_per_replica = 1;
  opt.config.slo.latency_metric = policies::LatencyMetric::kQueueWait;
  opt.config.slo.latency_threshold_s = t_s;
  opt.policy.name = "fixed:" + std::to_string(servers);
  opt.policy.decision_interval_s = 600;
  opt.record_decisions = false;
  Simulator sim(trace, opt);
  MmcRun run;
  run.result = sim.Run();
  double wait = 0;
  int64_t over = 0;
  for (const auto& r : run.result.requests) {
    const double w = r.start_s - r.arrival_s;
    wait += w;
    if (w > t_s) ++over;
  }
  run.mean_wait_s = wait / static_cast<double>(n);
  run.tail = static_cast<double>(over) / static_cast<double>(n);
  return run;
}

TEST(SimQueueingValidationTest, MeanWaitAndWaitTailMatchErlangC) {
  const int c = 8;
  const double lambda = 6.4, service = 1.0, t = 0.5;  // rho = 0.8
  const MmcRun run = RunMmc(c, lambda, service, t, 400000);
  const double a = lambda * service;
  const double erlang_c = ErlangCDirect(c, a);
  const double mean_wait = erlang_c / (c / service - lambda);
  const double tail = erlang_c * std::exp(-(c / service - lambda) * t);
  EXPECT_NEAR(run.mean_wait_s / mean_wait, 1.0, 0.03)
      << "simulated " << run.mean_wait_s << " vs Erlang C " << mean_wait;
  EXPECT_NEAR(run.tail / tail, 1.0, 0.03) << "simulated " << run.tail << " vs " << tail;
  // The summary's attainment is the same tail: 1 - P(Wq > t).
  EXPECT_NEAR(run.result.summary.slo_attainment, 1.0 - run.tail, 1e-9);
}

TEST(SimQueueingValidationTest, LittlesLawHoldsOnTheTimeline) {
  const MmcRun run = RunMmc(4, 3.0, 1.0, 1.0, 100000);
  double in_system = 0;
  for (const auto& row : run.result.timeline) in_system += row.queue_depth + row.in_flight;
  const double l = in_system / static_cast<double>(run.result.timeline.size());
  double latency = 0;
  for (const auto& r : run.result.requests) latency += r.finish_s - r.arrival_s;
  const double w = latency / static_cast<double>(run.result.requests.size());
  const double lambda =
      static_cast<double>(run.result.requests.size()) / static_cast<double>(run.result.timeline.size());
  EXPECT_NEAR(l / (lambda * w), 1.0, 0.02) << "L " << l << " lambda*W " << lambda * w;
}

}  // namespace
}  // namespace slo::sim
