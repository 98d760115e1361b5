// controller/spec/autoscaler.h: the InferenceAutoscaler custom resource as C++ values, parsed
// and validated from YAML (files, `validate`, `simulate`) or JSON (the API server).
//
// One set of rules: the CRD's OpenAPI schema rules plus those a schema cannot express
// (minReplicas <= maxReplicas, serviceTimeSeconds < latencyThresholdSeconds, unknown fields...).
// Every error carries its field path, e.g. "spec.slo.targetUtilization".
//
// Example:
//   auto docs = ParseAutoscalersYaml(text, "samples/vllm.yaml");
//   for (const auto& d : docs) {
//     if (!d.errors.empty()) { for (auto& e : d.errors) std::cerr << e.path << ": " << e.message; }
//     else Use(*d.autoscaler);
//   }
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>  // std::optional<json> below needs the complete type

#include "policies/types.h"

namespace slo::controller {

inline constexpr std::string_view kGroup = "slo-autoscaler.io";
inline constexpr std::string_view kVersion = "v1alpha1";
inline constexpr std::string_view kApiVersion = "slo-autoscaler.io/v1alpha1";
inline constexpr std::string_view kKind = "InferenceAutoscaler";
inline constexpr std::string_view kPlural = "inferenceautoscalers";

struct ObjectRef {
  std::string api_version;  // e.g. "apps/v1"
  std::string kind;         // e.g. "Deployment"
  std::string name;
  std::string namespace_;   // empty = the autoscaler's namespace
};

struct ObjectMeta {
  std::string name;
  std::string namespace_;
  std::string uid;
  int64_t generation = 0;
  std::string resource_version;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

enum class MetricsPreset { kVllm, kSglang, kTgi, kCustom };

// spec.metrics
struct MetricsSpec {
  MetricsPreset preset = MetricsPreset::kVllm;
  std::optional<std::string> prometheus_url;
  std::map<std::string, std::string> label_selector;  // label -> exact value
  // Custom or overriding PromQL by input name: arrivalRate, queueDepth, inFlight, serviceTime,
  // latency (CONTRACTS.md §3).
  std::map<std::string, std::string> queries;
};

// spec.nodePool
struct NodePoolSpec {
  ObjectRef scale_target_ref;
  // For kinds without /scale: the dotted field path of the node count, patched by merge-patch
  // (e.g. "spec.scalingConfig.desiredSize"). Empty = use /scale.
  std::string replicas_path;
  policies::NodePoolSizing sizing;
};

// One InferenceAutoscaler, defaulted.
struct InferenceAutoscaler {
  ObjectMeta meta;
  ObjectRef scale_target_ref;
  policies::ScalingConfig config;  // min/max, slo, capacity, behavior, node-pool sizing
  MetricsSpec metrics;
  std::optional<NodePoolSpec> node_pool;
  bool dry_run = false;
  // The stabiliser state and the last decision's raw status, if the object carried a status.
  std::optional<nlohmann::json> status_json;  // nlohmann::json when present (opaque here)
};

struct FieldError {
  std::string path;     // "spec.slo.targetUtilization"
  std::string message;  // "must be > 0 and <= 1, got 1.5"
  int line = 0;         // 1-based line in the YAML source; 0 = unknown (JSON input)
};

struct ParsedAutoscaler {
  std::string source;      // "file.yaml#2" (1-based document index) or "ns/name"
  std::string namespace_;  // metadata.namespace / metadata.name as far as they could be read
  std::string name;
  std::optional<InferenceAutoscaler> autoscaler;  // set when errors is empty
  std::vector<FieldError> errors;
};

// Every InferenceAutoscaler document in a (multi-document) YAML text. Documents of other kinds
// are reported as an error at path "kind". source_name labels the results ("NAME#N", N the
// 1-based document index; empty documents are skipped but counted). A YAML syntax error yields
// one result with one error at path "(yaml)" whose message has the line and column. Errors
// carry the 1-based line of the offending value (or of its nearest present parent).
std::vector<ParsedAutoscaler> ParseAutoscalersYaml(std::string_view yaml_text,
                                                   std::string_view source_name);

// One object as the API server returns it (JSON). source = "ns/name".
ParsedAutoscaler ParseAutoscalerJson(const nlohmann::json& object);

// The shared core of both: validates and defaults one object given as a JSON tree (a YAML
// document converted with ParseYamlDocuments). All errors are collected, not just the first.
ParsedAutoscaler ParseAutoscalerObject(const nlohmann::json& object, std::string source);

std::string_view PresetName(MetricsPreset p);

}  // namespace slo::controller
