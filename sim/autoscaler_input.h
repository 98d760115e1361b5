// sim/autoscaler_input.h: the InferenceAutoscaler a simulation runs with: a file given by
// --autoscaler (parsed and validated by controller::ParseAutoscalersYaml, the rules `validate`
// and the controller apply), or the embedded default below.
//
// Example:
//   auto a = LoadSimAutoscaler("samples/vllm.yaml");   // or LoadSimAutoscaler("")
//   if (!a.ok()) { std::cerr << a.error; return 1; }
//   opt.config = *a.config;
//
// Thread-safety: pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "policies/types.h"

namespace slo::sim {

// The embedded default CR (YAML), used when --autoscaler is omitted.
extern const std::string_view kDefaultAutoscalerYaml;

// The parts of an InferenceAutoscaler a simulation uses. (This header does not expose
// controller/spec/autoscaler.h, so a command can include it beside controller/cli/version.h.)
struct SimAutoscaler {
  std::optional<policies::ScalingConfig> config;
  std::string namespace_;
  std::string name;
  std::string uid;
  int64_t generation = 0;
  std::string target_api_version;
  std::string target_kind;
  std::string target_name;
  std::string source;  // "file.yaml#1" or "embedded default"
  std::string error;   // every field error, one per line, "path: message"
  bool ok() const { return config.has_value(); }
};

// path empty: the embedded default. Otherwise the first InferenceAutoscaler in the file.
SimAutoscaler LoadSimAutoscaler(const std::string& path);

}  // namespace slo::sim
