#include "controller/record/decision_json.h"

#include <gtest/gtest.h>

#include <limits>
#include <regex>

namespace slo::controller {
namespace {

using nlohmann::json;

policies::Decision SampleDecision() {
  policies::Decision d;
  d.inputs.arrival_rate_rps = 12.4;
  d.inputs.queue_depth = 3;
  d.inputs.in_flight = 40;
  d.inputs.service_time_s = 1.1;
  d.inputs.current_replicas = 4;
  policies::ModelResult ll;
  ll.name = "littlesLaw";
  ll.replicas = 5;
  ll.detail = {{"offeredLoadErlangs", 13.64}};
  policies::ModelResult ec;
  ec.name = "erlangC";
  ec.missing_inputs = {"serviceTimeScv"};
  d.models = {ll, ec};
  d.binding_model = "littlesLaw";
  d.current_replicas = 4;
  d.recommended_replicas = 5;
  d.desired_replicas = 5;
  d.limits = {policies::Limit::kScaleUpRate};
  d.reason = policies::Reason::kScaleUp;
  d.message = "ScaleUp 4 → 5";
  return d;
}

DecisionContext SampleContext() {
  DecisionContext c;
  c.ts = FormatRfc3339Millis(1795455062.123);
  c.autoscaler_namespace = "serving";
  c.autoscaler_name = "chat";
  c.autoscaler_uid = "u-1";
  c.generation = 3;
  c.target_api_version = "apps/v1";
  c.target_kind = "Deployment";
  c.target_name = "vllm-chat";
  c.actuated = true;
  c.controller_version = "0.1.0";
  c.controller_commit = "abc1234";
  return c;
}

TEST(DecisionJsonTest, HasEveryRequiredKeyOfTheContract) {
  const json j = DecisionToJson(SampleDecision(), SampleContext());
  for (const char* key :
       {"ts", "type", "autoscaler", "target", "inputs", "models", "currentReplicas",
        "recommendedReplicas", "desiredReplicas", "reason", "message", "dryRun", "actuated",
        "nodePool", "controller"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["type"], "ScalingDecision");
  EXPECT_EQ(j["autoscaler"], json({{"namespace", "serving"}, {"name", "chat"}, {"uid", "u-1"},
                                   {"generation", 3}}));
  EXPECT_EQ(j["target"]["kind"], "Deployment");
  for (const char* key : {"arrivalRateRps", "queueDepth", "inFlight", "serviceTimeSeconds",
                          "latencySeconds", "sampleAgeSeconds"}) {
    EXPECT_TRUE(j["inputs"].contains(key)) << key;
  }
  EXPECT_EQ(j["models"][0]["name"], "littlesLaw");
  EXPECT_EQ(j["models"][0]["replicas"], 5);
  EXPECT_DOUBLE_EQ(j["models"][0]["detail"]["offeredLoadErlangs"].get<double>(), 13.64);
  EXPECT_EQ(j["reason"], "ScaleUp");
  EXPECT_EQ(j["limits"], json::array({"scaleUpRate"}));
  EXPECT_EQ(j["bindingModel"], "littlesLaw");
  EXPECT_EQ(j["controller"]["commit"], "abc1234");
  EXPECT_EQ(j["source"], "controller");
  EXPECT_FALSE(j.contains("simTimeSeconds"));
}

TEST(DecisionJsonTest, MissingInputsAreNullNeverZero) {
  const json j = DecisionToJson(SampleDecision(), SampleContext());
  EXPECT_TRUE(j["inputs"]["latencySeconds"].is_null());
  EXPECT_TRUE(j["inputs"]["sampleAgeSeconds"].is_null());
  EXPECT_TRUE(j["inputs"]["readyReplicas"].is_null());
  EXPECT_TRUE(j["models"][1]["replicas"].is_null());
  EXPECT_EQ(j["models"][1]["missingInputs"], json::array({"serviceTimeScv"}));
  EXPECT_TRUE(j["nodePool"].is_null());
  EXPECT_TRUE(j["overload"].is_null());
  policies::Decision none;
  none.binding_model = "";
  const json k = DecisionToJson(none, SampleContext());
  EXPECT_TRUE(k["recommendedReplicas"].is_null());
  EXPECT_TRUE(k["bindingModel"].is_null());
}

TEST(DecisionJsonTest, NanAndInfinityBecomeNullAndTheLineStaysValidJson) {
  policies::Decision d = SampleDecision();
  d.inputs.arrival_rate_rps = std::numeric_limits<double>::quiet_NaN();
  d.inputs.service_time_s = std::numeric_limits<double>::infinity();
  d.models[0].detail = {{"x", std::numeric_limits<double>::quiet_NaN()}};
  d.overload = policies::Overload{3, std::numeric_limits<double>::infinity()};
  const std::string line = DecisionLine(d, SampleContext());
  EXPECT_EQ(line.find("NaN"), std::string::npos);
  EXPECT_EQ(line.find("nan"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const json j = json::parse(line);  // throws on invalid JSON
  EXPECT_TRUE(j["inputs"]["arrivalRateRps"].is_null());
  EXPECT_TRUE(j["inputs"]["serviceTimeSeconds"].is_null());
  EXPECT_TRUE(j["models"][0]["detail"]["x"].is_null());
  EXPECT_EQ(j["overload"]["shortfallReplicas"], 3);
  EXPECT_TRUE(j["overload"]["shedFraction"].is_null());
}

TEST(DecisionJsonTest, InvalidUtf8InMessagesDoesNotThrow) {
  policies::Decision d = SampleDecision();
  d.message = std::string("bad \xff byte");
  EXPECT_NO_THROW(json::parse(DecisionLine(d, SampleContext())));
}

TEST(DecisionJsonTest, AddedKeysForNodePoolSloAndSimulator) {
  policies::Decision d = SampleDecision();
  d.node_pool = policies::NodePoolDecision{1, 2, 16};
  DecisionContext c = SampleContext();
  c.source = "simulator";
  c.sim_time_s = 15.0;
  c.slo.latency_metric = policies::LatencyMetric::kQueueWait;
  const json j = DecisionToJson(d, c);
  EXPECT_EQ(j["nodePool"], json({{"currentNodes", 1}, {"desiredNodes", 2}, {"replicaCapacity", 16}}));
  EXPECT_EQ(j["source"], "simulator");
  EXPECT_DOUBLE_EQ(j["simTimeSeconds"].get<double>(), 15.0);
  EXPECT_EQ(j["slo"]["latencyMetric"], "queueWait");
  EXPECT_DOUBLE_EQ(j["slo"]["latencyThresholdSeconds"].get<double>(), 2.0);
}

TEST(DecisionJsonTest, TimestampsAreRfc3339UtcWithMilliseconds) {
  struct Case {
    double unix_s;
    std::string want;
  };
  const std::vector<Case> cases = {
      {0, "1970-01-01T00:00:00.000Z"},
      {1795455062.123, "2026-11-23T17:31:02.123Z"},
      {1700158546.68059, "2023-11-16T18:15:46.681Z"},
      {59.9996, "1970-01-01T00:01:00.000Z"},  // rounds into the next second
      {951782400.5, "2000-02-29T00:00:00.500Z"},
  };
  for (const auto& c : cases) EXPECT_EQ(FormatRfc3339Millis(c.unix_s), c.want) << c.unix_s;
  const std::regex shape(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(DecisionToJson(SampleDecision(), SampleContext())["ts"]
                                   .get<std::string>(), shape));
}

}  // namespace
}  // namespace slo::controller
