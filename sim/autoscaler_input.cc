#include "sim/autoscaler_input.h"

#include <fstream>
#include <sstream>

#include "controller/spec/autoscaler.h"

namespace slo::sim {

const std::string_view kDefaultAutoscalerYaml = R"(apiVersion: slo-autoscaler.io/v1alpha1
kind: InferenceAutoscaler
metadata:
  name: demo-chat
  namespace: default
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: vllm-chat}
  minReplicas: 1
  maxReplicas: 100
  slo:
    latencyThresholdSeconds: 2.0
    latencyPercentile: 99
    targetUtilization: 0.7
    latencyMetric: ttft
  capacity:
    concurrencyPerReplica: 16
    startupSeconds: 120
  metrics:
    preset: vllm
)";

SimAutoscaler LoadSimAutoscaler(const std::string& path) {
  SimAutoscaler out;
  std::string text;
  std::string name;
  if (path.empty()) {
    text = std::string(kDefaultAutoscalerYaml);
    name = "embedded default";
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      out.error = "--autoscaler: cannot open " + path;
      return out;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    text = buf.str();
    name = path;
  }
  const auto docs = controller::ParseAutoscalersYaml(text, name);
  for (const auto& d : docs) {
    if (!d.errors.empty()) {
      for (const auto& e : d.errors) out.error += d.source + ": " + e.path + ": " + e.message + "\n";
      return out;
    }
    if (d.autoscaler) {
      const auto& a = *d.autoscaler;
      out.config = a.config;
      out.namespace_ = a.meta.namespace_.empty() ? "default" : a.meta.namespace_;
      out.name = a.meta.name;
      out.uid = a.meta.uid;
      out.generation = a.meta.generation;
      out.target_api_version = a.scale_target_ref.api_version;
      out.target_kind = a.scale_target_ref.kind;
      out.target_name = a.scale_target_ref.name;
      out.source = path.empty() ? name : d.source;
      return out;
    }
  }
  out.error = "--autoscaler: " + name + ": no InferenceAutoscaler document found\n";
  return out;
}

}  // namespace slo::sim
