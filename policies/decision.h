// policies/decision.h: a scaling decision that explains itself.
//
// A Decision carries the inputs it used, each capacity model's answer, the binding model, the
// limits that bit, a reason code from a closed set and a human-readable message with the
// numbers. The controller turns one Decision into a JSON log line, the CR's status, an Event and
// a metric label; the simulator writes the same line to decisions.jsonl.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policies/types.h"

namespace slo::policies {

// The closed set of reason codes (CONTRACTS.md §4). PascalCase names via ReasonName().
// Add at the end only; the README documents every one.
enum class Reason {
  kScaleUp,               // desired > current, nothing limited it
  kScaleDown,             // desired < current, nothing limited it
  kWithinTolerance,       // recommendation within ±tolerance of current: hold
  kSteady,                // recommendation equals current
  kScaleUpLimited,        // scale-up rate policy capped the step
  kScaleDownLimited,      // scale-down rate policy capped the step
  kScaleUpStabilized,     // scale-up stabilisation window held the count lower
  kScaleDownStabilized,   // scale-down stabilisation window held the count higher
  kScaleUpDisabled,       // behavior.scaleUp.selectPolicy = Disabled
  kScaleDownDisabled,     // behavior.scaleDown.selectPolicy = Disabled
  kAtMaxReplicas,         // clamped to maxReplicas
  kAtMinReplicas,         // clamped to minReplicas
  kNodePoolLimited,       // the node pool cannot host more replicas
  kMetricsMissing,        // an input a model needs is missing: hold (never scale down)
  kMetricsStale,          // samples older than maxSampleAgeSeconds: hold
  kMetricsInconsistent,   // Little's-law check failed: hold
  kInvalidSpec,           // the CR failed validation: no action (controller)
  kTargetNotFound,        // scaleTargetRef does not exist (controller)
  kConflictingAutoscaler, // an HPA or ScaledObject targets the same object (controller)
  kApiError,              // the API server refused or failed the action (controller)
  kDryRun,                // a change was decided but not applied (spec.dryRun / --dry-run)
};

std::string_view ReasonName(Reason r);
std::optional<Reason> ParseReason(std::string_view name);
const std::vector<Reason>& AllReasons();

// A limit that changed the recommendation on its way to the desired count.
enum class Limit {
  kMinReplicas,
  kMaxReplicas,
  kScaleUpRate,
  kScaleDownRate,
  kScaleUpStabilization,
  kScaleDownStabilization,
  kScaleUpDisabled,
  kScaleDownDisabled,
  kTolerance,
  kNodeCapacity,
  kMissingDataHold,  // never scale down on missing/stale/inconsistent data
};
std::string_view LimitName(Limit l);

// One model's answer. replicas = nullopt when the model lacked an input (missing_inputs says
// which); detail holds the intermediate quantities (name, value) for the decision log.
struct ModelResult {
  std::string name;  // "littlesLaw", "backlog", "utilization", "erlangC", "mgc"
  std::optional<int32_t> replicas;
  std::vector<std::string> missing_inputs;
  std::vector<std::pair<std::string, double>> detail;
  std::string note;  // one short sentence with the numbers
};

// Overload: the capped fleet cannot meet the SLO.
struct Overload {
  int32_t shortfall_replicas = 0;  // needed - allowed
  double shed_fraction = 0.0;      // share of arrivals the capped fleet cannot serve in SLO
};

// A recorded recommendation or scale event, for the stabiliser (HPA's timestampedRecommendation
// and timestampedScaleEvent).
struct TimedRecommendation {
  double t_s = 0;
  int32_t replicas = 0;
};
struct ScaleEvent {
  double t_s = 0;
  int32_t delta = 0;  // replicas added (> 0) or removed (> 0 for scale-down events)
};

// Serialisable stabiliser state (lives in the CR status so a restart keeps its windows).
struct StabilizerState {
  std::vector<TimedRecommendation> recommendations;
  std::vector<ScaleEvent> scale_up_events;
  std::vector<ScaleEvent> scale_down_events;
};

struct NodePoolDecision {
  int32_t current_nodes = 0;
  int32_t desired_nodes = 0;
  int32_t replica_capacity = 0;  // replicas the desired node count can host
};

struct Decision {
  Observation inputs;
  std::vector<ModelResult> models;
  std::string binding_model;  // the model whose answer was the max ("" when none answered)
  int32_t current_replicas = 0;
  std::optional<int32_t> recommended_replicas;  // max over models, before stabilise/clamp
  int32_t desired_replicas = 0;                 // after stabilise and clamp
  std::vector<Limit> limits;
  Reason reason = Reason::kSteady;
  std::string message;
  std::optional<Overload> overload;
  std::optional<NodePoolDecision> node_pool;
};

}  // namespace slo::policies
