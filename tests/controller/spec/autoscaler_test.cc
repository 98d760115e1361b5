// ParseAutoscalersYaml / ParseAutoscalerJson: defaults, the values read, and the errors with
// their paths (more rules are generated from the CRD in crd_agreement_test.cc).
#include "controller/spec/autoscaler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/controller/spec/spec_test_util.h"

namespace slo::controller::testing {
namespace {

using nlohmann::json;
using policies::LatencyMetric;
using policies::PolicyType;
using policies::SelectPolicy;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr char kMinimalYaml[] = R"(apiVersion: slo-autoscaler.io/v1alpha1
kind: InferenceAutoscaler
metadata: {name: chat, namespace: serving}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: vllm-chat}
  maxReplicas: 20
  slo: {latencyThresholdSeconds: 2.0}
  capacity: {concurrencyPerReplica: 16}
)";

std::vector<std::string> Paths(const ParsedAutoscaler& p) {
  std::vector<std::string> out;
  for (const auto& e : p.errors) out.push_back(e.path);
  return out;
}

ParsedAutoscaler ParseOne(const std::string& yaml) {
  auto docs = ParseAutoscalersYaml(yaml, "t.yaml");
  if (docs.size() != 1) {
    ParsedAutoscaler bad;
    bad.errors.push_back({"(count)", std::to_string(docs.size()) + " documents", 0});
    return bad;
  }
  return docs[0];
}

TEST(ParseAutoscalersYamlTest, MinimalObjectGetsEveryDefault) {
  auto p = ParseOne(kMinimalYaml);
  ASSERT_TRUE(p.autoscaler.has_value()) << (p.errors.empty() ? "" : p.errors[0].message);
  const auto& a = *p.autoscaler;
  EXPECT_EQ(p.source, "t.yaml#1");
  EXPECT_EQ(a.meta.name, "chat");
  EXPECT_EQ(a.meta.namespace_, "serving");
  EXPECT_EQ(a.scale_target_ref.name, "vllm-chat");
  EXPECT_EQ(a.scale_target_ref.kind, "Deployment");
  const auto& c = a.config;
  EXPECT_EQ(c.min_replicas, 1);
  EXPECT_EQ(c.max_replicas, 20);
  EXPECT_DOUBLE_EQ(c.slo.latency_threshold_s, 2.0);
  EXPECT_DOUBLE_EQ(c.slo.latency_percentile, 99);
  EXPECT_DOUBLE_EQ(c.slo.target_utilization, 0.7);
  EXPECT_EQ(c.slo.latency_metric, LatencyMetric::kTtft);
  EXPECT_EQ(c.capacity.concurrency_per_replica, 16);
  EXPECT_FALSE(c.capacity.service_time_s.has_value());
  EXPECT_DOUBLE_EQ(c.capacity.startup_s, 120);
  EXPECT_DOUBLE_EQ(c.capacity.service_time_scv, 1.0);
  EXPECT_DOUBLE_EQ(c.capacity.prefill_fraction, 0.1);
  EXPECT_DOUBLE_EQ(c.max_sample_age_s, 60);
  EXPECT_DOUBLE_EQ(c.consistency_tolerance, 0.5);
  EXPECT_DOUBLE_EQ(c.behavior.tolerance, 0.1);
  EXPECT_EQ(c.behavior.scale_up.stabilization_window_s, 0);
  EXPECT_EQ(c.behavior.scale_up.policies.size(), 2u);
  EXPECT_EQ(c.behavior.scale_down.stabilization_window_s, 300);
  EXPECT_EQ(c.behavior.scale_down.select_policy, SelectPolicy::kMax);
  EXPECT_FALSE(c.node_pool.has_value());
  EXPECT_EQ(a.metrics.preset, MetricsPreset::kVllm);
  EXPECT_FALSE(a.metrics.prometheus_url.has_value());
  EXPECT_FALSE(a.node_pool.has_value());
  EXPECT_FALSE(a.dry_run);
  EXPECT_FALSE(a.status_json.has_value());
}

TEST(ParseAutoscalersYamlTest, LatencyMetricDefaultsByPreset) {
  struct Case {
    std::string preset;
    LatencyMetric want;
  };
  for (const auto& c : std::vector<Case>{{"vllm", LatencyMetric::kTtft},
                                         {"sglang", LatencyMetric::kTtft},
                                         {"tgi", LatencyMetric::kTtft},
                                         {"custom", LatencyMetric::kE2e}}) {
    json doc = MinimalObject();
    doc["spec"]["metrics"] = {{"preset", c.preset},
                              {"queries", {{"arrivalRate", "a"}, {"inFlight", "b"}}}};
    auto p = ParseAutoscalerObject(doc, "t");
    ASSERT_TRUE(p.autoscaler) << c.preset;
    EXPECT_EQ(p.autoscaler->config.slo.latency_metric, c.want) << c.preset;
    EXPECT_EQ(PresetName(p.autoscaler->metrics.preset), c.preset);
  }
}

TEST(ParseAutoscalersYamlTest, FullObjectReadsEveryField) {
  json doc = FullObject();
  doc["spec"]["dryRun"] = true;
  doc["status"] = {{"stabilizer", {{"up", json::array()}}}, {"currentReplicas", 3}};
  auto p = ParseAutoscalerObject(doc, "t");
  ASSERT_TRUE(p.autoscaler);
  const auto& a = *p.autoscaler;
  EXPECT_EQ(a.config.min_replicas, 2);
  EXPECT_EQ(a.metrics.prometheus_url, "http://prometheus.monitoring:9090");
  EXPECT_EQ(a.metrics.label_selector.at("model_name"), "llama-3-8b");
  EXPECT_EQ(a.metrics.queries.size(), 5u);
  EXPECT_EQ(a.metrics.queries.at("serviceTime"), "avg(s)");
  ASSERT_EQ(a.config.behavior.scale_down.policies.size(), 1u);
  EXPECT_EQ(a.config.behavior.scale_down.policies[0].type, PolicyType::kPods);
  EXPECT_EQ(a.config.behavior.scale_down.policies[0].period_s, 60);
  ASSERT_TRUE(a.node_pool && a.config.node_pool);
  EXPECT_EQ(a.node_pool->scale_target_ref.namespace_, "capi");
  EXPECT_EQ(a.node_pool->replicas_path, "spec.replicas");
  EXPECT_EQ(a.config.node_pool->max_nodes, 10);
  EXPECT_TRUE(a.dry_run);
  ASSERT_TRUE(a.status_json);
  EXPECT_EQ((*a.status_json)["currentReplicas"], 3);
}

TEST(ParseAutoscalersYamlTest, CollectsEveryErrorWithItsPath) {
  auto p = ParseOne(R"(apiVersion: slo-autoscaler.io/v1alpha1
kind: InferenceAutoscaler
metadata: {name: chat}
spec:
  scaleTargetRef: {kind: Deployment}
  maxReplicas: ten
  slo: {latencyThresholdSeconds: 2, targetUtilization: 1.5}
  capacity: {concurrencyPerReplica: 16, unknownKnob: 1}
  behavior:
    scaleUp:
      policies:
        - {type: Pods, value: 4, periodSeconds: 15}
        - {type: Replicas, value: 4, periodSeconds: 15}
)");
  EXPECT_FALSE(p.autoscaler.has_value());
  EXPECT_THAT(Paths(p),
              UnorderedElementsAreArray(std::vector<std::string>{
                  "spec.scaleTargetRef.name", "spec.maxReplicas", "spec.slo.targetUtilization",
                  "spec.capacity.unknownKnob", "spec.behavior.scaleUp.policies[1].type"}));
  for (const auto& e : p.errors) {
    if (e.path == "spec.maxReplicas") {
      EXPECT_EQ(e.message, "must be an integer, got string \"ten\"");
      EXPECT_EQ(e.line, 6);
    }
    if (e.path == "spec.slo.targetUtilization") {
      EXPECT_EQ(e.message, "must be > 0 and <= 1, got 1.5");
    }
    if (e.path == "spec.behavior.scaleUp.policies[1].type") {
      EXPECT_EQ(e.line, 13);
      EXPECT_THAT(e.message, ::testing::HasSubstr("Pods, Percent"));
    }
  }
}

TEST(ParseAutoscalersYamlTest, MultiDocumentFileIsParsedPerDocument) {
  std::string text = std::string(kMinimalYaml) + "---\n" +
                     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n---\n" +
                     std::string(kMinimalYaml) + "---\n";
  text.replace(text.rfind("maxReplicas: 20"), 15, "maxReplicas: 0 ");
  auto docs = ParseAutoscalersYaml(text, "multi.yaml");
  ASSERT_EQ(docs.size(), 3u);  // the trailing empty document is skipped
  EXPECT_TRUE(docs[0].autoscaler.has_value());
  EXPECT_EQ(docs[1].source, "multi.yaml#2");
  EXPECT_THAT(Paths(docs[1]), ElementsAre("kind"));
  EXPECT_EQ(docs[2].source, "multi.yaml#3");
  EXPECT_EQ(docs[2].name, "chat");
  EXPECT_EQ(docs[2].namespace_, "serving");
  EXPECT_THAT(Paths(docs[2]), ElementsAre("spec.maxReplicas"));
}

TEST(ParseAutoscalersYamlTest, SyntaxErrorNamesLineAndColumn) {
  auto docs = ParseAutoscalersYaml("spec:\n  maxReplicas: [1, 2\n", "bad.yaml");
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_EQ(docs[0].errors.size(), 1u);
  EXPECT_EQ(docs[0].errors[0].path, "(yaml)");
  EXPECT_THAT(docs[0].errors[0].message, ::testing::MatchesRegex(".*line [0-9]+, column [0-9]+.*"));
}

TEST(ParseAutoscalersYamlTest, ObjectLevelErrors) {
  struct Case {
    std::string name;
    std::string yaml;
    std::vector<std::string> paths;
  };
  const std::vector<Case> cases = {
      {"NotAMapping", "- a\n- b\n", {"(root)"}},
      {"WrongApiVersion",
       std::string(kMinimalYaml).replace(std::string(kMinimalYaml).find("v1alpha1"), 8, "v1beta1"),
       {"apiVersion"}},
      {"MissingSpec",
       "apiVersion: slo-autoscaler.io/v1alpha1\nkind: InferenceAutoscaler\nmetadata: {name: a}\n",
       {"spec"}},
      {"MissingName",
       "apiVersion: slo-autoscaler.io/v1alpha1\nkind: InferenceAutoscaler\nmetadata: {}\nspec: "
       "{}\n",
       {"metadata.name", "spec.scaleTargetRef", "spec.maxReplicas", "spec.slo", "spec.capacity"}},
      {"BadName",
       std::string(kMinimalYaml).replace(std::string(kMinimalYaml).find("chat,"), 4, "Chat"),
       {"metadata.name"}},
      {"UnknownTopLevelField", std::string(kMinimalYaml) + "extra: 1\n", {"extra"}},
      {"StatusNotObject", std::string(kMinimalYaml) + "status: 3\n", {"status"}},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(Paths(ParseOne(c.yaml)), UnorderedElementsAreArray(c.paths)) << c.name;
  }
}

TEST(ParseAutoscalersYamlTest, QuotedNumbersAreStringsAndNullMeansUnset) {
  json doc = MinimalObject();
  auto p = ParseOne(std::string(kMinimalYaml) + "  minReplicas:\n");
  ASSERT_TRUE(p.autoscaler);
  EXPECT_EQ(p.autoscaler->config.min_replicas, 1);
  auto q = ParseOne(
      std::string(kMinimalYaml).replace(std::string(kMinimalYaml).find("20"), 2, "\"20\""));
  EXPECT_THAT(Paths(q), ElementsAre("spec.maxReplicas"));
}

TEST(ParseAutoscalerJsonTest, SourceIsNamespaceAndName) {
  json doc = FullObject();
  doc["metadata"]["uid"] = "u-1";
  doc["metadata"]["generation"] = 7;
  doc["metadata"]["resourceVersion"] = "123";
  doc["metadata"]["labels"] = {{"team", "a"}};
  doc["metadata"]["creationTimestamp"] = "2026-11-23T10:00:00Z";
  auto p = ParseAutoscalerJson(doc);
  EXPECT_EQ(p.source, "serving/chat");
  ASSERT_TRUE(p.autoscaler);
  EXPECT_EQ(p.autoscaler->meta.uid, "u-1");
  EXPECT_EQ(p.autoscaler->meta.generation, 7);
  EXPECT_EQ(p.autoscaler->meta.resource_version, "123");
  EXPECT_EQ(p.autoscaler->meta.labels.at("team"), "a");
  doc["spec"]["maxReplicas"] = 1;
  EXPECT_THAT(Paths(ParseAutoscalerJson(doc)), ElementsAre("spec.minReplicas"));
}

TEST(ParseAutoscalerJsonTest, HugeIntegersAreOutOfRangeNotWrapped) {
  json doc = FullObject();
  doc["spec"]["maxReplicas"] = json::parse("18446744073709551615");
  doc["spec"]["minReplicas"] = int64_t{4294967297};  // 2^32 + 1: would wrap to 1 in 32 bits
  auto p = ParseAutoscalerJson(doc);
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[0].path, "spec.minReplicas");
  EXPECT_EQ(p.errors[0].message, "must fit in a 32-bit integer, got 4294967297");
  EXPECT_EQ(p.errors[1].path, "spec.maxReplicas");
  EXPECT_EQ(p.errors[1].message, "is out of range, got 18446744073709551615");
}

TEST(ParseAutoscalerJsonTest, NeverThrowsOnHostileInput) {
  for (const char* text :
       {"null", "[]", "\"x\"", "{\"spec\": []}", "{\"kind\": 5, \"spec\": {\"slo\": 1}}",
        "{\"metadata\": {\"name\": 5, \"labels\": [1]}, \"spec\": {\"maxReplicas\": 1e300}}",
        "{\"spec\": {\"maxReplicas\": 18446744073709551615}}"}) {
    auto p = ParseAutoscalerJson(json::parse(text));
    EXPECT_FALSE(p.errors.empty()) << text;
  }
}

}  // namespace
}  // namespace slo::controller::testing
