#include "policies/decision.h"

#include <array>

namespace slo::policies {
namespace {

struct ReasonEntry {
  Reason reason;
  std::string_view name;
};

constexpr std::array kReasons = {
    ReasonEntry{Reason::kScaleUp, "ScaleUp"},
    ReasonEntry{Reason::kScaleDown, "ScaleDown"},
    ReasonEntry{Reason::kWithinTolerance, "WithinTolerance"},
    ReasonEntry{Reason::kSteady, "Steady"},
    ReasonEntry{Reason::kScaleUpLimited, "ScaleUpLimited"},
    ReasonEntry{Reason::kScaleDownLimited, "ScaleDownLimited"},
    ReasonEntry{Reason::kScaleUpStabilized, "ScaleUpStabilized"},
    ReasonEntry{Reason::kScaleDownStabilized, "ScaleDownStabilized"},
    ReasonEntry{Reason::kScaleUpDisabled, "ScaleUpDisabled"},
    ReasonEntry{Reason::kScaleDownDisabled, "ScaleDownDisabled"},
    ReasonEntry{Reason::kAtMaxReplicas, "AtMaxReplicas"},
    ReasonEntry{Reason::kAtMinReplicas, "AtMinReplicas"},
    ReasonEntry{Reason::kNodePoolLimited, "NodePoolLimited"},
    ReasonEntry{Reason::kMetricsMissing, "MetricsMissing"},
    ReasonEntry{Reason::kMetricsStale, "MetricsStale"},
    ReasonEntry{Reason::kMetricsInconsistent, "MetricsInconsistent"},
    ReasonEntry{Reason::kInvalidSpec, "InvalidSpec"},
    ReasonEntry{Reason::kTargetNotFound, "TargetNotFound"},
    ReasonEntry{Reason::kConflictingAutoscaler, "ConflictingAutoscaler"},
    ReasonEntry{Reason::kApiError, "ApiError"},
    ReasonEntry{Reason::kDryRun, "DryRun"},
};

struct LimitEntry {
  Limit limit;
  std::string_view name;
};

constexpr std::array kLimits = {
    LimitEntry{Limit::kMinReplicas, "minReplicas"},
    LimitEntry{Limit::kMaxReplicas, "maxReplicas"},
    LimitEntry{Limit::kScaleUpRate, "scaleUpRate"},
    LimitEntry{Limit::kScaleDownRate, "scaleDownRate"},
    LimitEntry{Limit::kScaleUpStabilization, "scaleUpStabilization"},
    LimitEntry{Limit::kScaleDownStabilization, "scaleDownStabilization"},
    LimitEntry{Limit::kScaleUpDisabled, "scaleUpDisabled"},
    LimitEntry{Limit::kScaleDownDisabled, "scaleDownDisabled"},
    LimitEntry{Limit::kTolerance, "tolerance"},
    LimitEntry{Limit::kNodeCapacity, "nodeCapacity"},
    LimitEntry{Limit::kMissingDataHold, "missingDataHold"},
};

}  // namespace

std::string_view ReasonName(Reason r) {
  for (const auto& e : kReasons) {
    if (e.reason == r) return e.name;
  }
  return "Unknown";
}

std::optional<Reason> ParseReason(std::string_view name) {
  for (const auto& e : kReasons) {
    if (e.name == name) return e.reason;
  }
  return std::nullopt;
}

const std::vector<Reason>& AllReasons() {
  static const std::vector<Reason> all = [] {
    std::vector<Reason> v;
    for (const auto& e : kReasons) v.push_back(e.reason);
    return v;
  }();
  return all;
}

std::string_view LimitName(Limit l) {
  for (const auto& e : kLimits) {
    if (e.limit == l) return e.name;
  }
  return "unknown";
}

}  // namespace slo::policies
