// Benchmarks for the pure policies library: one full Decide() (all models + stabiliser), a
// controller-sized pass over 10,000 distinct targets, and the tail-latency sizing alone.
//
// Run: build/bench/policies_bench [--benchmark_filter=Decide]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "policies/erlang.h"
#include "policies/recommend.h"

namespace slo::policies {
namespace {

ScalingConfig ChatConfig() {
  ScalingConfig c;
  c.min_replicas = 1;
  c.max_replicas = 40;
  c.slo.latency_threshold_s = 2.0;
  c.capacity.concurrency_per_replica = 16;
  c.node_pool = NodePoolSizing{1, 8, 0, 10};
  return c;
}

Observation ChatObservation(double lambda, int32_t current) {
  Observation o;
  o.arrival_rate_rps = lambda;
  o.service_time_s = 1.1;
  o.service_time_scv = 2.0;  // M/G/c path (also computes the M/M/c comparison)
  o.queue_depth = 3;
  o.in_flight = lambda * 1.1;
  o.current_replicas = current;
  o.sample_age_s = 5;
  o.current_nodes = 1;
  return o;
}

// One full decision for one target, its state carried from pass to pass (15 s apart).
void BM_Decide(benchmark::State& bench) {
  const ScalingConfig cfg = ChatConfig();
  StabilizerState st;
  double now_s = 0;
  int32_t current = 6;
  int64_t i = 0;
  for (auto _ : bench) {
    const double lambda = 60.0 + 40.0 * static_cast<double>(i++ % 7);  // varying load
    Decision d = Decide(cfg, ChatObservation(lambda, current), st, now_s);
    current = d.desired_replicas;
    now_s += 15;
    benchmark::DoNotOptimize(d);
  }
  bench.SetItemsProcessed(bench.iterations());
}
BENCHMARK(BM_Decide);

struct Target {
  ScalingConfig config;
  Observation obs;
  StabilizerState state;
};

// 10,000 distinct targets (fixed seed): different SLOs, sizes, metrics and loads.
void BM_Decide10kTargets(benchmark::State& bench) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::vector<Target> targets(10'000);
  for (auto& t : targets) {
    t.config = ChatConfig();
    t.config.max_replicas = 5 + static_cast<int32_t>(u01(rng) * 95);
    t.config.slo.latency_threshold_s = 0.5 + 4.0 * u01(rng);
    t.config.slo.latency_percentile = u01(rng) < 0.5 ? 99.0 : 95.0;
    t.config.slo.latency_metric = u01(rng) < 0.7 ? LatencyMetric::kTtft : LatencyMetric::kE2e;
    t.config.capacity.concurrency_per_replica = 1 << static_cast<int>(u01(rng) * 6);  // 1..32
    const double w = 0.2 + 3.0 * u01(rng);
    const double lambda = 200.0 * u01(rng);
    t.obs = ChatObservation(lambda, 1 + static_cast<int32_t>(u01(rng) * 20));
    t.obs.service_time_s = w;
    t.obs.service_time_scv = 0.5 + 3.0 * u01(rng);
    t.obs.in_flight = std::min(lambda * w, static_cast<double>(t.obs.current_replicas) *
                                               t.config.capacity.concurrency_per_replica);
  }
  double now_s = 0;
  for (auto _ : bench) {
    for (auto& t : targets) {
      Decision d = Decide(t.config, t.obs, t.state, now_s);
      t.obs.current_replicas = d.desired_replicas;
      benchmark::DoNotOptimize(d);
    }
    now_s += 15;
  }
  bench.SetItemsProcessed(bench.iterations() * static_cast<int64_t>(targets.size()));
}
BENCHMARK(BM_Decide10kTargets)->Unit(benchmark::kMillisecond);

// Tail sizing alone at an offered load of range(0) Erlangs (utilisation ~0.95 at the answer).
void BM_MinReplicasForSlo(benchmark::State& bench) {
  const double load = static_cast<double>(bench.range(0));
  for (auto _ : bench) {
    TailSizing s = MinReplicasForSlo({load, 1.0, 1.0}, {0.5, 99}, 16);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_MinReplicasForSlo)->Arg(10)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace slo::policies

BENCHMARK_MAIN();
