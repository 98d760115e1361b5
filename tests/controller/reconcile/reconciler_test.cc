#include "controller/reconcile/reconciler.h"

#include <gtest/gtest.h>

#include "controller/reconcile/status.h"
#include "tests/controller/reconcile/fakes.h"

namespace slo::controller {
namespace {

using nlohmann::json;

json MakeIa(const std::string& name, const std::string& target = "vllm") {
  json ia = json::parse(R"({
    "apiVersion": "slo-autoscaler.io/v1alpha1", "kind": "InferenceAutoscaler",
    "metadata": {"namespace": "serving", "generation": 2},
    "spec": {
      "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": ")" + target + R"("},
      "minReplicas": 1, "maxReplicas": 20,
      "slo": {"latencyThresholdSeconds": 2.0, "latencyPercentile": 99},
      "capacity": {"concurrencyPerReplica": 16, "serviceTimeSeconds": 1.0},
      "metrics": {"preset": "vllm"}
    }})");
  ia["metadata"]["name"] = name;
  ia["metadata"]["uid"] = "uid-" + name;
  return ia;
}

ObservedMetrics Load(double arrival_rps, double service_s, double in_flight, double queue = 0) {
  ObservedMetrics m;
  m.observation.arrival_rate_rps = arrival_rps;
  m.observation.service_time_s = service_s;
  m.observation.in_flight = in_flight;
  m.observation.queue_depth = queue;
  m.observation.sample_age_s = 2.0;
  return m;
}

class ReconcilerTest : public ::testing::Test {
 protected:
  ReconcilerTest() {
    scale_.targets["serving/vllm"] = ScaleState{2, 2, "app=vllm"};
    options_.controller_version = "0.1.0";
    options_.controller_commit = "abc1234";
    options_.controller_instance = "pod-a";
  }
  ReconcilerPorts Ports() {
    return {&scale_, &status_, &events_, &conflicts_, &metrics_, &sink_, nullptr};
  }
  json LastLine() {
    EXPECT_FALSE(sink_.lines.empty());
    return sink_.lines.empty() ? json() : json::parse(sink_.lines.back());
  }
  std::string ConditionReason(const std::string& key, const std::string& type) {
    const json* c = FindCondition(status_.statuses[key]["conditions"], type);
    return c ? (*c)["status"].get<std::string>() + "/" + (*c)["reason"].get<std::string>() : "";
  }

  FakeScalePort scale_;
  FakeStatusPort status_;
  FakeEventPort events_;
  FakeConflictPort conflicts_;
  FakeMetricsPort metrics_;
  FakeDecisionSink sink_;
  ReconcilerOptions options_;
};

TEST_F(ReconcilerTest, ScalesUpWhenLoadExceedsCapacityAndExplainsIt) {
  // 50 req/s x 1 s = 50 busy slots; 2 replicas x 16 slots cannot carry it.
  metrics_.by_key["serving/chat"] = Load(50, 1.0, 32, 40);
  Reconciler r(Ports(), options_);
  PassResult res = r.RunPass({MakeIa("chat")}, 1000.0);
  ASSERT_EQ(res.outcomes.size(), 1u);
  ASSERT_EQ(scale_.patches.size(), 1u);
  EXPECT_GT(scale_.patches[0].second, 2);
  json line = LastLine();
  EXPECT_EQ(line["type"], "ScalingDecision");
  EXPECT_EQ(line["autoscaler"]["name"], "chat");
  EXPECT_EQ(line["currentReplicas"], 2);
  EXPECT_EQ(line["desiredReplicas"], scale_.patches[0].second);
  EXPECT_TRUE(line["actuated"].get<bool>());
  EXPECT_FALSE(line["message"].get<std::string>().empty());
  EXPECT_EQ(line["controller"]["commit"], "abc1234");
  EXPECT_EQ(status_.statuses["serving/chat"]["desiredReplicas"], scale_.patches[0].second);
  EXPECT_EQ(status_.statuses["serving/chat"]["observedGeneration"], 2);
  EXPECT_TRUE(status_.statuses["serving/chat"].contains("lastScaleTime"));
  EXPECT_EQ(ConditionReason("serving/chat", kCondAbleToScale), "True/SucceededRescale");
  ASSERT_FALSE(events_.events.empty());
  EXPECT_EQ(events_.events[0].type, "Normal");
}

TEST_F(ReconcilerTest, DoesNotPatchWhenTheCountIsUnchanged) {
  // 10 req/s x 1 s = 10 slots: 2 replicas at 16 slots each carry it within the SLO.
  metrics_.by_key["serving/chat"] = Load(10, 1.0, 10);
  Reconciler r(Ports(), options_);
  auto res = r.RunPass({MakeIa("chat")}, 1000.0);
  ASSERT_EQ(res.outcomes.size(), 1u);
  if (res.outcomes[0].decision.desired_replicas == 2) {
    EXPECT_TRUE(scale_.patches.empty());
    EXPECT_FALSE(LastLine()["actuated"].get<bool>());
  }
  // A second identical pass patches nothing new.
  size_t before = scale_.patches.size();
  r.RunPass({MakeIa("chat")}, 1015.0);
  EXPECT_EQ(scale_.patches.size(), before);
}

TEST_F(ReconcilerTest, HoldsAndSaysSoWhenMetricsAreMissing) {
  scale_.targets["serving/vllm"].spec_replicas = 8;
  metrics_.by_key["serving/chat"] = ObservedMetrics{};  // Prometheus answered with nothing
  Reconciler r(Ports(), options_);
  r.RunPass({MakeIa("chat")}, 1000.0);
  EXPECT_TRUE(scale_.patches.empty());
  json line = LastLine();
  EXPECT_EQ(line["reason"], "MetricsMissing");
  EXPECT_EQ(line["desiredReplicas"], 8);
  EXPECT_TRUE(line["inputs"]["arrivalRateRps"].is_null());
  EXPECT_EQ(ConditionReason("serving/chat", kCondMetricsAvailable), "False/MetricsMissing");
}

TEST_F(ReconcilerTest, HoldsWhilePrometheusIsDownAndResumesWhenItReturns) {
  scale_.targets["serving/vllm"].spec_replicas = 8;
  metrics_.prometheus_error = "connection refused";
  Reconciler r(Ports(), options_);
  PassResult down = r.RunPass({MakeIa("chat")}, 1000.0);
  EXPECT_TRUE(down.prometheus_failed);
  EXPECT_TRUE(scale_.patches.empty());
  EXPECT_EQ(status_.statuses["serving/chat"]["desiredReplicas"], 8);
  EXPECT_EQ(ConditionReason("serving/chat", kCondMetricsAvailable).substr(0, 6), "False/");
  EXPECT_NE(LastLine()["message"].get<std::string>().find("connection refused"), std::string::npos);
  metrics_.prometheus_error.clear();
  metrics_.by_key["serving/chat"] = Load(100, 1.0, 100, 50);
  r.RunPass({MakeIa("chat")}, 1015.0);
  EXPECT_EQ(ConditionReason("serving/chat", kCondMetricsAvailable), "True/ValidMetricsFound");
  ASSERT_EQ(scale_.patches.size(), 1u);
  EXPECT_GT(scale_.patches[0].second, 8);
}

TEST_F(ReconcilerTest, InvalidSpecGetsAConditionWithTheFieldPathAndNoAction) {
  json bad = MakeIa("bad");
  bad["spec"]["maxReplicas"] = 0;
  Reconciler r(Ports(), options_);
  r.RunPass({bad}, 1000.0);
  EXPECT_TRUE(scale_.patches.empty());
  EXPECT_EQ(metrics_.calls, 0);  // nothing observed for an invalid spec
  json line = LastLine();
  EXPECT_EQ(line["reason"], "InvalidSpec");
  EXPECT_NE(line["message"].get<std::string>().find("spec.maxReplicas"), std::string::npos);
  EXPECT_EQ(ConditionReason("serving/bad", kCondReady), "False/InvalidSpec");
  ASSERT_FALSE(events_.events.empty());
  EXPECT_EQ(events_.events[0].type, "Warning");
}

TEST_F(ReconcilerTest, MissingTargetIsReportedAndNothingIsPatched) {
  Reconciler r(Ports(), options_);
  r.RunPass({MakeIa("orphan", "does-not-exist")}, 1000.0);
  EXPECT_TRUE(scale_.patches.empty());
  EXPECT_EQ(LastLine()["reason"], "TargetNotFound");
  EXPECT_EQ(ConditionReason("serving/orphan", kCondReady), "False/TargetNotFound");
}

TEST_F(ReconcilerTest, RefusesATargetThatAnHpaAlsoScales) {
  conflicts_.conflicts["serving/vllm"] = "HorizontalPodAutoscaler serving/vllm-hpa";
  metrics_.by_key["serving/chat"] = Load(100, 1.0, 32, 50);
  Reconciler r(Ports(), options_);
  r.RunPass({MakeIa("chat")}, 1000.0);
  EXPECT_TRUE(scale_.patches.empty());
  json line = LastLine();
  EXPECT_EQ(line["reason"], "ConflictingAutoscaler");
  EXPECT_NE(line["message"].get<std::string>().find("vllm-hpa"), std::string::npos);
  EXPECT_EQ(ConditionReason("serving/chat", kCondReady), "False/ConflictingAutoscaler");
}

TEST_F(ReconcilerTest, DryRunDecidesAndLogsButNeverPatches) {
  json ia = MakeIa("chat");
  ia["spec"]["dryRun"] = true;
  metrics_.by_key["serving/chat"] = Load(100, 1.0, 32, 50);
  Reconciler r(Ports(), options_);
  r.RunPass({ia}, 1000.0);
  EXPECT_TRUE(scale_.patches.empty());
  json line = LastLine();
  EXPECT_EQ(line["reason"], "DryRun");
  EXPECT_EQ(line["intendedReason"], "ScaleUpLimited");
  EXPECT_TRUE(line["dryRun"].get<bool>());
  EXPECT_FALSE(line["actuated"].get<bool>());
  EXPECT_GT(line["desiredReplicas"].get<int>(), 2);
}

TEST_F(ReconcilerTest, ControllerWideDryRunNeverPatches) {
  options_.dry_run = true;
  metrics_.by_key["serving/chat"] = Load(100, 1.0, 32, 50);
  Reconciler r(Ports(), options_);
  r.RunPass({MakeIa("chat")}, 1000.0);
  EXPECT_TRUE(scale_.patches.empty());
  EXPECT_EQ(LastLine()["reason"], "DryRun");
}

TEST_F(ReconcilerTest, OneBadAutoscalerDoesNotStopTheOthers) {
  json bad = MakeIa("bad");
  bad["spec"]["slo"]["targetUtilization"] = 1.5;
  metrics_.by_key["serving/chat"] = Load(100, 1.0, 32, 50);
  Reconciler r(Ports(), options_);
  PassResult res = r.RunPass({bad, MakeIa("orphan", "nope"), MakeIa("chat")}, 1000.0);
  EXPECT_EQ(res.outcomes.size(), 3u);
  EXPECT_EQ(sink_.lines.size(), 3u);
  ASSERT_EQ(scale_.patches.size(), 1u);
  EXPECT_EQ(scale_.patches[0].first, "serving/vllm");
  EXPECT_EQ(metrics_.last_items, 1u);  // only the valid one was observed
}

TEST_F(ReconcilerTest, AFailedPatchIsLoggedWithTheErrorAndForgottenByTheStabiliser) {
  scale_.fail_patches = 1;
  metrics_.by_key["serving/chat"] = Load(100, 1.0, 32, 50);
  Reconciler r(Ports(), options_);
  auto res = r.RunPass({MakeIa("chat")}, 1000.0);
  json line = LastLine();
  EXPECT_FALSE(line["actuated"].get<bool>());
  EXPECT_NE(line["error"].get<std::string>().find("internal error"), std::string::npos);
  EXPECT_EQ(ConditionReason("serving/chat", kCondAbleToScale), "False/FailedUpdateScale");
  EXPECT_TRUE(status_.statuses["serving/chat"]["stabilizer"]["scaleUpEvents"].empty());
  bool warned = false;
  for (const auto& e : events_.events) warned |= e.reason == "FailedUpdateScale";
  EXPECT_TRUE(warned);
  // The next pass retries and succeeds.
  r.RunPass({MakeIa("chat")}, 1015.0);
  EXPECT_EQ(scale_.patches.size(), 1u);
}

TEST_F(ReconcilerTest, AFailedStatusWriteStillWritesTheDecisionLine) {
  status_.fail = true;
  metrics_.by_key["serving/chat"] = Load(100, 1.0, 32, 50);
  Reconciler r(Ports(), options_);
  r.RunPass({MakeIa("chat")}, 1000.0);
  ASSERT_EQ(sink_.lines.size(), 1u);
  EXPECT_NE(LastLine()["error"].get<std::string>().find("status update failed"), std::string::npos);
}

TEST_F(ReconcilerTest, ARestartKeepsTheScaleDownWindowFromTheStatus) {
  scale_.targets["serving/vllm"].spec_replicas = 10;
  metrics_.by_key["serving/chat"] = Load(100, 1.0, 100, 0);
  {
    Reconciler r(Ports(), options_);
    r.RunPass({MakeIa("chat")}, 1000.0);
  }
  int32_t high = scale_.targets["serving/vllm"].spec_replicas;
  // Load drops; a new controller process starts from the object's status.
  metrics_.by_key["serving/chat"] = Load(1, 1.0, 1, 0);
  json ia = MakeIa("chat");
  ia["status"] = status_.statuses["serving/chat"];
  Reconciler restarted(Ports(), options_);
  restarted.RunPass({ia}, 1060.0);
  EXPECT_EQ(scale_.targets["serving/vllm"].spec_replicas, high);
  EXPECT_EQ(LastLine()["reason"], "ScaleDownStabilized");
  // After the 300 s window it scales down.
  ia["status"] = status_.statuses["serving/chat"];
  restarted.RunPass({ia}, 1000.0 + 301 + 15);
  EXPECT_LT(scale_.targets["serving/vllm"].spec_replicas, high);
}

TEST_F(ReconcilerTest, KeepsLastTransitionTimeWhileAConditionHolds) {
  metrics_.by_key["serving/chat"] = ObservedMetrics{};
  Reconciler r(Ports(), options_);
  r.RunPass({MakeIa("chat")}, 1000.0);
  auto first = (*FindCondition(status_.statuses["serving/chat"]["conditions"],
                               kCondMetricsAvailable))["lastTransitionTime"];
  r.RunPass({MakeIa("chat")}, 1030.0);
  auto second = (*FindCondition(status_.statuses["serving/chat"]["conditions"],
                                kCondMetricsAvailable))["lastTransitionTime"];
  EXPECT_EQ(first, second);
  // Only one Warning event for the transition, not one per pass.
  int warnings = 0;
  for (const auto& e : events_.events) warnings += e.type == "Warning";
  EXPECT_EQ(warnings, 1);
}

}  // namespace
}  // namespace slo::controller
