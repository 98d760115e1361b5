// tests/controller/spec/crd_schema_check.h: a small checker for the subset of OpenAPI v3 that
// the InferenceAutoscaler CRD uses (type, properties, required, enum, minimum/maximum with
// exclusive flags, minLength, pattern, minItems, items, additionalProperties,
// x-kubernetes-preserve-unknown-fields, default). It stands in for the API server so a test can
// show that the CRD and the C++ validator reject the same documents.
//
// Unknown fields are errors (kubectl's strict field validation) except under
// x-kubernetes-preserve-unknown-fields or a schema with no properties (metadata).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace slo::controller::testing {

struct SchemaError {
  std::string path;
  std::string message;
};

// The CRD file's openAPIV3Schema of its first version; throws on a malformed CRD (tests only).
nlohmann::json LoadCrdSchema(const std::string& crd_path);

// Every violation of `schema` by `instance`, with field paths like the validator's
// ("spec.behavior.scaleUp.policies[1].type", map entries as "labelSelector[key]").
std::vector<SchemaError> CheckSchema(const nlohmann::json& instance, const nlohmann::json& schema);

// `instance` with the schema's defaults applied, top-down, as the API server does.
nlohmann::json ApplySchemaDefaults(nlohmann::json instance, const nlohmann::json& schema);

}  // namespace slo::controller::testing
