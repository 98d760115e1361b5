#include "sim/observer.h"

#include <gtest/gtest.h>

namespace slo::sim {
namespace {

std::vector<TraceRequest> Constant(int n, double gap_s, double service_s) {
  std::vector<TraceRequest> out;
  for (int i = 0; i < n; ++i) {
    TraceRequest r;
    r.arrival_s = i * gap_s;
    r.service_s = service_s;
    out.push_back(r);
  }
  return out;
}

// Drives the fleet with the trace, scraping every 15 s up to end_s.
void Drive(Fleet& f, Observer& o, const std::vector<TraceRequest>& reqs, double end_s) {
  size_t next = 0;
  for (double scrape = 0; scrape <= end_s; scrape += 15) {
    while (true) {
      const double ta = next < reqs.size() ? reqs[next].arrival_s : 1e18;
      const double tf = f.NextEventTime().value_or(1e18);
      if (std::min(ta, tf) > scrape) break;
      if (tf <= ta) {
        f.ProcessNextEvent();
      } else {
        f.Arrive(ta, next++);
      }
    }
    o.Scrape(f, scrape);
  }
}

FleetConfig Config(int slots) {
  FleetConfig c;
  c.concurrency_per_replica = slots;
  c.latency_metric = policies::LatencyMetric::kE2e;
  c.service.prefill_fraction_of_service = 0.25;
  return c;
}

TEST(SimObserverTest, SteadyFleetRatesMatchTheLoad) {
  const auto reqs = Constant(1000, 0.5, 2.0);  // 2 rps, 2 s each: 4 in service
  Fleet f(Config(8), &reqs, 1);
  f.StartReady(1);
  Observer o(60, 99);
  Drive(f, o, reqs, 300);
  const auto obs = o.Observe(f, 300);
  ASSERT_TRUE(obs.arrival_rate_rps.has_value());
  EXPECT_NEAR(*obs.arrival_rate_rps, 2.0, 1e-9);
  EXPECT_NEAR(*obs.service_time_s, 2.0, 1e-9);
  EXPECT_NEAR(*obs.prefill_time_s, 0.5, 1e-9);
  EXPECT_NEAR(*obs.service_time_scv, 0.0, 1e-9);
  EXPECT_NEAR(*obs.latency_s, 2.0, 1e-9);
  EXPECT_DOUBLE_EQ(*obs.queue_depth, 0);
  EXPECT_DOUBLE_EQ(*obs.in_flight, 4);
  EXPECT_DOUBLE_EQ(*obs.sample_age_s, 0);
  EXPECT_EQ(obs.current_replicas, 1);
  EXPECT_EQ(*obs.ready_replicas, 1);
}

TEST(SimObserverTest, SaturatedFleetIsSeenOverloaded) {
  // 4 rps offered, 1 slot of 1 s: completions plateau at 1 rps and the queue grows 3 per second.
  const auto reqs = Constant(2000, 0.25, 1.0);
  Fleet f(Config(1), &reqs, 1);
  f.StartReady(1);
  Observer o(60, 99);
  Drive(f, o, reqs, 120);
  const auto obs = o.Observe(f, 125);
  EXPECT_NEAR(*obs.arrival_rate_rps, 4.0, 0.05);
  EXPECT_GT(*obs.queue_depth, 300);
  EXPECT_DOUBLE_EQ(*obs.sample_age_s, 5.0);
}

TEST(SimObserverTest, RateInputsAreMissingWithFewerThanTwoSamples) {
  const auto reqs = Constant(10, 1, 1);
  Fleet f(Config(1), &reqs, 1);
  f.StartReady(1);
  Observer o(60, 99);
  EXPECT_FALSE(o.Observe(f, 0).queue_depth.has_value());  // no scrape yet
  o.Scrape(f, 0);
  const auto obs = o.Observe(f, 10);
  EXPECT_TRUE(obs.queue_depth.has_value());
  EXPECT_FALSE(obs.arrival_rate_rps.has_value());
  EXPECT_FALSE(obs.service_time_s.has_value());
}

TEST(SimObserverTest, WindowUsesOnlyRecentSamples) {
  // 1 rps for 120 s, then 3 rps: a 60 s window at t = 240 sees only the new rate.
  std::vector<TraceRequest> reqs;
  for (int i = 0; i < 120; ++i) reqs.push_back({static_cast<double>(i), 0, 0, 0.5});
  for (int i = 0; i < 360; ++i) reqs.push_back({120 + i / 3.0, 0, 0, 0.5});
  Fleet f(Config(16), &reqs, 1);
  f.StartReady(1);
  Observer o(60, 99);
  Drive(f, o, reqs, 240);
  EXPECT_NEAR(*o.Observe(f, 240).arrival_rate_rps, 3.0, 0.05);
}

TEST(SimObserverTest, PercentileIsNearestRank) {
  std::vector<double> v = {5, 1, 4, 2, 3};
  EXPECT_DOUBLE_EQ(Percentile(v, 50), 3);
  EXPECT_DOUBLE_EQ(Percentile(v, 99), 5);
  EXPECT_DOUBLE_EQ(Percentile(v, 20), 1);
}

}  // namespace
}  // namespace slo::sim
