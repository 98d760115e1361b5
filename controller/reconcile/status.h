// controller/reconcile/status.h: the InferenceAutoscaler status as JSON: conditions with
// HPA-like reasons, the stabiliser state (so a restart keeps its windows) and lastDecision.
//
// Example:
//   nlohmann::json conditions = previous_status.value("conditions", nlohmann::json::array());
//   SetCondition(conditions, {"Ready", "False", "InvalidSpec", "spec.maxReplicas: ..."}, ts, gen);
//
// Pure functions over JSON values. Thread-safety: none needed.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "policies/decision.h"

namespace slo::controller {

// The condition types the controller maintains.
inline constexpr const char kCondReady[] = "Ready";
inline constexpr const char kCondMetricsAvailable[] = "MetricsAvailable";
inline constexpr const char kCondAbleToScale[] = "AbleToScale";
inline constexpr const char kCondScalingLimited[] = "ScalingLimited";
inline constexpr const char kCondOverloaded[] = "Overloaded";

struct ConditionUpdate {
  std::string type;
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;  // PascalCase
  std::string message;
};

// Sets (or adds) one condition in a JSON array of conditions. lastTransitionTime changes only
// when the status changes. Returns true when the status changed (a transition).
bool SetCondition(nlohmann::json& conditions, const ConditionUpdate& update,
                  const std::string& now_ts, int64_t generation);

// The condition of that type, or nullptr.
const nlohmann::json* FindCondition(const nlohmann::json& conditions, const std::string& type);

// StabilizerState <-> JSON (status.stabilizer). Times are Unix seconds. FromJson ignores
// malformed entries rather than failing: a damaged status must not stop the controller.
nlohmann::json StabilizerToJson(const policies::StabilizerState& state);
policies::StabilizerState StabilizerFromJson(const nlohmann::json& j);

}  // namespace slo::controller
