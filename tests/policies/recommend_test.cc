// Tests for policies/recommend.h: Decide() end to end: combination, holds on bad data, reasons,
// limits, overload, node pool and properties over a grid of inputs.
#include "policies/recommend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "policies/erlang.h"

namespace slo::policies {
namespace {

constexpr double kNow = 1'000.0;

ScalingConfig Config() {
  ScalingConfig c;
  c.min_replicas = 1;
  c.max_replicas = 20;
  c.slo.latency_threshold_s = 2.0;
  c.capacity.concurrency_per_replica = 16;
  return c;
}

Observation Obs(double lambda, double w, int32_t current) {
  Observation o;
  o.arrival_rate_rps = lambda;
  o.service_time_s = w;
  o.queue_depth = 0;
  // Consistent with Little's law: a saturated fleet holds at most its slots in service.
  o.in_flight = std::min(lambda * w, current * 16.0);
  o.current_replicas = current;
  o.sample_age_s = 5;
  return o;
}

const ModelResult* Model(const Decision& d, const std::string& name) {
  for (const auto& m : d.models) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool HasLimit(const Decision& d, Limit l) {
  return std::find(d.limits.begin(), d.limits.end(), l) != d.limits.end();
}

TEST(DecideTest, ScalesUpToTheMaxOverModelsWithAMessage) {
  // 80 req/s × 1.1 s = 88 busy slots; at 70% of 16: ceil(7.86) = 8 replicas (Erlang-C: 6).
  StabilizerState st;
  const Decision d = Decide(Config(), Obs(80, 1.1, 4), st, kNow);
  EXPECT_EQ(d.recommended_replicas, 8);
  EXPECT_EQ(d.binding_model, "littlesLaw");
  EXPECT_EQ(d.desired_replicas, 8);  // default rate: max(100%, 4 pods) of 4 = 8
  EXPECT_EQ(d.reason, Reason::kScaleUp);
  ASSERT_NE(Model(d, "erlangC"), nullptr);
  EXPECT_EQ(Model(d, "erlangC")->replicas, 6);
  EXPECT_NE(d.message.find("80 req/s × 1.1 s = 88 busy slots"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("scale up 4 → 8"), std::string::npos) << d.message;
  EXPECT_FALSE(d.overload.has_value());
  ASSERT_EQ(st.scale_up_events.size(), 1u);
  EXPECT_EQ(st.recommendations.size(), 1u);
}

TEST(DecideTest, TailModelBindsUnderATightBudget) {
  ScalingConfig cfg = Config();
  cfg.slo.latency_metric = LatencyMetric::kQueueWait;
  cfg.slo.latency_threshold_s = 0.01;
  cfg.slo.latency_percentile = 99.9;
  cfg.slo.target_utilization = 1.0;
  StabilizerState st;
  const Decision d = Decide(cfg, Obs(80, 1.1, 6), st, kNow);
  const int32_t want = MinReplicasForSlo({80, 1.1, 1.0}, {0.01, 99.9}, 16).replicas;
  EXPECT_GT(want, 6);
  EXPECT_EQ(d.binding_model, "erlangC");
  EXPECT_EQ(d.recommended_replicas, want);
  EXPECT_NE(d.message.find("Erlang-C needs"), std::string::npos) << d.message;
}

TEST(DecideTest, MeasuredScvSwitchesToMgcAndNeedsMore) {
  ScalingConfig cfg = Config();
  cfg.slo.latency_metric = LatencyMetric::kQueueWait;
  cfg.slo.latency_threshold_s = 0.05;
  Observation o = Obs(80, 1.1, 6);
  StabilizerState st1, st2;
  const Decision mm = Decide(cfg, o, st1, kNow);
  o.service_time_scv = 4.0;
  const Decision mg = Decide(cfg, o, st2, kNow);
  ASSERT_NE(Model(mg, "mgc"), nullptr);
  EXPECT_EQ(Model(mg, "erlangC"), nullptr);
  EXPECT_GE(*Model(mg, "mgc")->replicas, *Model(mm, "erlangC")->replicas);
}

TEST(DecideTest, HoldReasons) {
  struct Case {
    const char* name;
    Observation obs;
    Reason want_reason;
    int32_t want_desired;
  };
  Observation stale = Obs(1, 1.1, 6);
  stale.sample_age_s = 120;  // max 60
  Observation missing_down;  // only in-flight: utilization says 1 < 6
  missing_down.in_flight = 4;
  missing_down.current_replicas = 6;
  Observation nothing;
  nothing.current_replicas = 6;
  Observation inconsistent = Obs(10, 1.0, 6);  // lambda W = 10
  inconsistent.in_flight = 60;                 // 96 slots: 60 in service is 83% off
  Observation nan_inputs;
  nan_inputs.current_replicas = 6;
  nan_inputs.arrival_rate_rps = std::numeric_limits<double>::quiet_NaN();
  nan_inputs.service_time_s = std::numeric_limits<double>::infinity();
  nan_inputs.in_flight = 2;
  const Case cases[] = {
      {"StaleSamplesHold", stale, Reason::kMetricsStale, 6},
      {"MissingInputsNeverScaleDown", missing_down, Reason::kMetricsMissing, 6},
      {"NoModelAnswersHold", nothing, Reason::kMetricsMissing, 6},
      {"LittlesLawDisagreementHolds", inconsistent, Reason::kMetricsInconsistent, 6},
      {"NanAndInfinityAreMissing", nan_inputs, Reason::kMetricsMissing, 6},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    StabilizerState st;
    const Decision d = Decide(Config(), c.obs, st, kNow);
    EXPECT_EQ(d.reason, c.want_reason) << ReasonName(d.reason) << ": " << d.message;
    EXPECT_EQ(d.desired_replicas, c.want_desired);
    EXPECT_TRUE(HasLimit(d, Limit::kMissingDataHold));
    EXPECT_TRUE(st.recommendations.empty());  // a hold records nothing
  }
}

TEST(DecideTest, MissingInputsMayStillScaleUp) {
  Observation o;  // no arrival rate: only the utilization model answers
  o.in_flight = 80;
  o.current_replicas = 4;  // 80 / 64 = 125% vs 70% -> ceil(4 × 1.79) = 8
  StabilizerState st;
  const Decision d = Decide(Config(), o, st, kNow);
  EXPECT_EQ(d.binding_model, "utilization");
  EXPECT_EQ(d.desired_replicas, 8);
  EXPECT_EQ(d.reason, Reason::kScaleUp);
  ASSERT_NE(Model(d, "littlesLaw"), nullptr);
  EXPECT_FALSE(Model(d, "littlesLaw")->replicas.has_value());
  EXPECT_FALSE(Model(d, "littlesLaw")->missing_inputs.empty());
}

TEST(DecideTest, ReasonsOnTheNormalPath) {
  struct Case {
    const char* name;
    ScalingConfig cfg;
    Observation obs;
    StabilizerState state;
    Reason want_reason;
    int32_t want_desired;
    Limit want_limit;
  };
  ScalingConfig cfg = Config();
  ScalingConfig slow_up = Config();
  slow_up.behavior.scale_up = {0, SelectPolicy::kMax, {{PolicyType::kPods, 1, 60}}};
  ScalingConfig up_disabled = Config();
  up_disabled.behavior.scale_up.select_policy = SelectPolicy::kDisabled;
  ScalingConfig up_window = Config();
  up_window.behavior.scale_up.stabilization_window_s = 60;
  StabilizerState low_recent;
  low_recent.recommendations = {{kNow - 30, 5}};
  StabilizerState high_recent;
  high_recent.recommendations = {{kNow - 30, 8}};
  Observation pool = Obs(80, 1.1, 4);
  pool.pool_replica_capacity = 6;
  // lambda W = 80 × 1.1 = 88 -> 8 replicas (Little's law).
  const Case cases[] = {
      {"SteadyWhenEqual", cfg, Obs(80, 1.1, 8), {}, Reason::kSteady, 8, Limit::kTolerance},
      // 110 × 1.1 = 121 busy slots / 11.2 -> 11 at current 10: exactly the 10% tolerance.
      {"WithinToleranceHolds",
       cfg,
       Obs(110, 1.1, 10),
       {},
       Reason::kWithinTolerance,
       10,
       Limit::kTolerance},
      {"ScaleUpLimitedByPodsPolicy",
       slow_up,
       Obs(80, 1.1, 4),
       {},
       Reason::kScaleUpLimited,
       5,
       Limit::kScaleUpRate},
      {"ScaleUpDisabledHolds",
       up_disabled,
       Obs(80, 1.1, 4),
       {},
       Reason::kScaleUpDisabled,
       4,
       Limit::kScaleUpDisabled},
      {"ScaleUpStabilizedByWindow", up_window, Obs(80, 1.1, 4), low_recent,
       Reason::kScaleUpStabilized, 5, Limit::kScaleUpStabilization},
      {"ScaleDownStabilizedByWindow", cfg, Obs(40, 1.1, 6), high_recent,
       Reason::kScaleDownStabilized, 6, Limit::kScaleDownStabilization},
      {"ScaleDownWhenWindowEmpty",
       cfg,
       Obs(40, 1.1, 6),
       {},
       Reason::kScaleDown,
       4,
       Limit::kTolerance},
      {"AtMaxReplicas",
       cfg,
       Obs(400, 1.1, 16),
       {},
       Reason::kAtMaxReplicas,
       20,
       Limit::kMaxReplicas},
      {"AtMinReplicasOnZeroLoad",
       cfg,
       Obs(0, 1.1, 3),
       {},
       Reason::kAtMinReplicas,
       1,
       Limit::kMinReplicas},
      {"NodePoolLimited", cfg, pool, {}, Reason::kNodePoolLimited, 6, Limit::kNodeCapacity},
      {"CurrentAboveMaxScalesDown",
       cfg,
       Obs(1, 1.1, 25),
       {},
       Reason::kAtMaxReplicas,
       20,
       Limit::kMaxReplicas},
      {"CurrentBelowMinScalesUp",
       cfg,
       Obs(1, 1.1, 0),
       {},
       Reason::kAtMinReplicas,
       1,
       Limit::kMinReplicas},
  };
  for (auto c : cases) {
    SCOPED_TRACE(c.name);
    const Decision d = Decide(c.cfg, c.obs, c.state, kNow);
    EXPECT_EQ(d.reason, c.want_reason) << ReasonName(d.reason) << ": " << d.message;
    EXPECT_EQ(d.desired_replicas, c.want_desired) << d.message;
    if (c.want_reason != Reason::kSteady && c.want_reason != Reason::kScaleDown) {
      EXPECT_TRUE(HasLimit(d, c.want_limit)) << d.message;
    }
  }
}

TEST(DecideTest, OverloadReportsShortfallAndShedFraction) {
  StabilizerState st;
  const Decision d = Decide(Config(), Obs(1000, 1.1, 20), st, kNow);
  EXPECT_EQ(d.desired_replicas, 20);
  EXPECT_EQ(d.reason, Reason::kAtMaxReplicas);
  ASSERT_TRUE(d.overload.has_value());
  EXPECT_EQ(d.overload->shortfall_replicas, *d.recommended_replicas - 20);
  // 320 slots at 1.1 s serve < 291 req/s of 1000: shed > 70%.
  EXPECT_GT(d.overload->shed_fraction, 0.7);
  EXPECT_LT(d.overload->shed_fraction, 1.0);
  EXPECT_NE(d.message.find("shed"), std::string::npos);
}

TEST(DecideTest, HugeArrivalRateStaysBounded) {
  StabilizerState st;
  const Decision d = Decide(Config(), Obs(1e15, 1.1, 20), st, kNow);
  EXPECT_EQ(d.desired_replicas, 20);
  ASSERT_TRUE(d.overload.has_value());
  EXPECT_GT(d.overload->shed_fraction, 0.99);
}

TEST(DecideTest, UnreachableSloAsksForMax) {
  ScalingConfig cfg = Config();
  cfg.slo.latency_metric = LatencyMetric::kE2e;
  cfg.slo.latency_threshold_s = 1.0;  // < the 1.1 s service time: budget -0.1 s
  StabilizerState st;
  const Decision d = Decide(cfg, Obs(10, 1.1, 4), st, kNow);
  EXPECT_EQ(d.recommended_replicas, 20);
  EXPECT_EQ(d.desired_replicas, 8);  // rate-limited on the way
  EXPECT_NE(d.message.find("unreachable"), std::string::npos) << d.message;
}

TEST(DecideTest, ZeroServiceTimeGoesToMinAndNodePoolIsSized) {
  ScalingConfig cfg = Config();
  cfg.node_pool = NodePoolSizing{2, 8, 1, 10};
  Observation o = Obs(50, 0.0, 4);
  o.current_nodes = 1;
  StabilizerState st;
  const Decision d = Decide(cfg, o, st, kNow);
  EXPECT_EQ(d.recommended_replicas, 0);
  EXPECT_EQ(d.desired_replicas, 1);
  ASSERT_TRUE(d.node_pool.has_value());
  EXPECT_EQ(d.node_pool->current_nodes, 1);
  EXPECT_EQ(d.node_pool->desired_nodes, 1);
  EXPECT_EQ(d.node_pool->replica_capacity, 4);

  const Decision big = Decide(cfg, Obs(80, 1.1, 8), st, kNow + 1);
  ASSERT_TRUE(big.node_pool.has_value());
  EXPECT_EQ(big.node_pool->desired_nodes, 2);  // 8 replicas × 2 GPUs / 8
}

TEST(DecideTest, ModelSelectionRunsOnlyEnabledModels) {
  ScalingConfig cfg = Config();
  cfg.models = {false, false, true, false};
  Observation o = Obs(80, 1.1, 4);
  o.in_flight = 40;
  StabilizerState st;
  const Decision d = Decide(cfg, o, st, kNow);
  ASSERT_EQ(d.models.size(), 1u);
  EXPECT_EQ(d.models[0].name, "utilization");
}

TEST(DecideTest, PropertiesOverAGrid) {
  // Fresh state each time: the recommendation is monotone in lambda; desired stays in
  // [min, max]; with an input missing desired never drops below current.
  for (double w : {0.3, 1.1, 4.0}) {
    int32_t prev = 0;
    for (double lambda = 0; lambda <= 600; lambda += 7.3) {
      for (int32_t current : {1, 5, 20}) {
        SCOPED_TRACE(testing::Message() << "w=" << w << " lambda=" << lambda << " cur=" << current);
        ScalingConfig cfg = Config();
        cfg.min_replicas = 2;
        StabilizerState st;
        const Decision d = Decide(cfg, Obs(lambda, w, current), st, kNow);
        if (current >= 2) {
          EXPECT_GE(d.desired_replicas, 2);
          EXPECT_LE(d.desired_replicas, 20);
        }
        ASSERT_TRUE(d.recommended_replicas.has_value());
        if (current == 5) {
          EXPECT_GE(*d.recommended_replicas, prev);
          prev = *d.recommended_replicas;
        }
        Observation partial = Obs(lambda, w, current);
        partial.queue_depth.reset();  // the backlog model now lacks an input
        StabilizerState st2;
        const Decision p = Decide(cfg, partial, st2, kNow);
        if (current >= 2) {
          EXPECT_GE(p.desired_replicas, current);
        }
      }
    }
  }
}

TEST(DecideTest, StateCarriesTheScaleDownWindowAcrossPasses) {
  ScalingConfig cfg = Config();
  StabilizerState st;
  Decision d = Decide(cfg, Obs(80, 1.1, 8), st, 0);  // recommend 8
  EXPECT_EQ(d.desired_replicas, 8);
  d = Decide(cfg, Obs(10, 1.1, 8), st, 60);  // recommend 1: held by the 300 s window
  EXPECT_EQ(d.reason, Reason::kScaleDownStabilized);
  EXPECT_EQ(d.desired_replicas, 8);
  d = Decide(cfg, Obs(10, 1.1, 8), st, 301);  // the 8 at t=0 has left the window
  EXPECT_EQ(d.desired_replicas, 1);
}

}  // namespace
}  // namespace slo::policies
