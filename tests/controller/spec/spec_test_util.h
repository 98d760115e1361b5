// tests/controller/spec/spec_test_util.h: shared helpers for the spec tests: a complete valid
// object (every field set), file access relative to the source tree, and a JSON description of
// a parsed autoscaler for whole-value comparisons.
#pragma once

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "controller/spec/autoscaler.h"

namespace slo::controller::testing {

inline std::string SourcePath(const std::string& rel) {
  const char* dir = std::getenv("SLO_SOURCE_DIR");
  return std::string(dir != nullptr ? dir : ".") + "/" + rel;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// An InferenceAutoscaler with every spec field set to a valid value.
inline nlohmann::json FullObject() {
  return nlohmann::json::parse(R"json({
    "apiVersion": "slo-autoscaler.io/v1alpha1", "kind": "InferenceAutoscaler",
    "metadata": {"name": "chat", "namespace": "serving"},
    "spec": {
      "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "vllm-chat"},
      "minReplicas": 2, "maxReplicas": 20,
      "slo": {"latencyThresholdSeconds": 2.0, "latencyPercentile": 99, "targetUtilization": 0.7,
              "latencyMetric": "ttft"},
      "capacity": {"concurrencyPerReplica": 16, "serviceTimeSeconds": 1.2, "startupSeconds": 120,
                   "serviceTimeSCV": 1.0, "prefillFraction": 0.1},
      "metrics": {"preset": "vllm", "prometheusUrl": "http://prometheus.monitoring:9090",
                  "labelSelector": {"model_name": "llama-3-8b"},
                  "queries": {"arrivalRate": "sum(rate(a[1m]))", "queueDepth": "sum(q)",
                              "inFlight": "sum(i)", "serviceTime": "avg(s)", "latency": "l"},
                  "maxSampleAgeSeconds": 60, "consistencyTolerance": 0.5},
      "behavior": {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                    "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
        "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max",
                      "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]},
        "tolerance": 0.1},
      "nodePool": {"scaleTargetRef": {"apiVersion": "cluster.x-k8s.io/v1beta1",
                                      "kind": "MachineDeployment", "name": "gpu", "namespace": "capi"},
                   "replicasPath": "spec.replicas", "gpusPerReplica": 1, "gpusPerNode": 8,
                   "minNodes": 0, "maxNodes": 10},
      "dryRun": false}})json");
}

// The smallest valid object: only the required fields.
inline nlohmann::json MinimalObject() {
  return nlohmann::json::parse(R"json({
    "apiVersion": "slo-autoscaler.io/v1alpha1", "kind": "InferenceAutoscaler",
    "metadata": {"name": "chat"},
    "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "vllm-chat"}, "maxReplicas": 4,
             "slo": {"latencyThresholdSeconds": 2}, "capacity": {"concurrencyPerReplica": 8}}})json");
}

// Every parsed value as JSON, so two parses can be compared whole.
inline nlohmann::json Describe(const InferenceAutoscaler& a) {
  const auto& c = a.config;
  auto rules = [](const policies::ScalingRules& r) {
    nlohmann::json p = nlohmann::json::array();
    for (const auto& x : r.policies) p.push_back({static_cast<int>(x.type), x.value, x.period_s});
    return nlohmann::json{{"window", r.stabilization_window_s},
                          {"select", static_cast<int>(r.select_policy)},
                          {"policies", p}};
  };
  nlohmann::json j = {
      {"target",
       {a.scale_target_ref.api_version, a.scale_target_ref.kind, a.scale_target_ref.name}},
      {"min", c.min_replicas},
      {"max", c.max_replicas},
      {"slo",
       {c.slo.latency_threshold_s, c.slo.latency_percentile, c.slo.target_utilization,
        policies::LatencyMetricName(c.slo.latency_metric)}},
      {"capacity",
       {c.capacity.concurrency_per_replica,
        c.capacity.service_time_s ? nlohmann::json(*c.capacity.service_time_s) : nullptr,
        c.capacity.startup_s, c.capacity.service_time_scv, c.capacity.prefill_fraction}},
      {"scaleUp", rules(c.behavior.scale_up)},
      {"scaleDown", rules(c.behavior.scale_down)},
      {"tolerance", c.behavior.tolerance},
      {"maxAge", c.max_sample_age_s},
      {"consistency", c.consistency_tolerance},
      {"metrics",
       {PresetName(a.metrics.preset), a.metrics.prometheus_url.value_or(""),
        a.metrics.label_selector, a.metrics.queries}},
      {"dryRun", a.dry_run}};
  if (a.node_pool) {
    const auto& n = *a.node_pool;
    j["nodePool"] = {
        n.scale_target_ref.api_version, n.scale_target_ref.kind, n.scale_target_ref.name,
        n.scale_target_ref.namespace_,  n.replicas_path,         n.sizing.gpus_per_replica,
        n.sizing.gpus_per_node,         n.sizing.min_nodes,      n.sizing.max_nodes};
  }
  return j;
}

}  // namespace slo::controller::testing
