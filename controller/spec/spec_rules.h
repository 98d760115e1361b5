// controller/spec/spec_rules.h: the rules for `spec` of an InferenceAutoscaler (internal to
// slo_spec). ValidateSpec reads a JSON spec into `out`, applying the CRD defaults, and records
// every violation in the checker: the schema's rules (types, required, enums, bounds, unknown
// fields) and the cross-field rules a schema cannot express. README.md ("The InferenceAutoscaler resource") lists them.
//
// Thread-safety: pure function.
#pragma once

#include <nlohmann/json.hpp>

#include "controller/spec/autoscaler.h"
#include "controller/spec/field_checker.h"

namespace slo::controller {

void ValidateSpec(FieldChecker& checker, const nlohmann::json& spec, InferenceAutoscaler* out);

// True for a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*).
bool IsPrometheusLabelName(std::string_view s);

}  // namespace slo::controller
