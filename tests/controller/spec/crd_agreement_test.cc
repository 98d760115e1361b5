// The CRD's OpenAPI schema and the C++ validator must agree. Invalid documents are generated
// from the schema itself (every bound, enum, type, required field and closed object in `spec`)
// and from a table of cross-field rules the schema cannot express; the schema defaults must
// parse to the same values as the C++ defaults.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/spec/autoscaler.h"
#include "tests/controller/spec/crd_schema_check.h"
#include "tests/controller/spec/spec_test_util.h"

namespace slo::controller::testing {
namespace {

using nlohmann::json;

constexpr char kCrd[] = "manifests/crd/slo-autoscaler.io_inferenceautoscalers.yaml";

const json& Schema() {
  static const json schema = LoadCrdSchema(SourcePath(kCrd));
  return schema;
}

bool SchemaRejectsAt(const json& doc, const std::string& path) {
  auto errors = CheckSchema(doc, Schema());
  return std::any_of(errors.begin(), errors.end(), [&](auto& e) { return e.path == path; });
}

bool ValidatorRejectsAt(const json& doc, const std::string& path) {
  auto parsed = ParseAutoscalerObject(doc, "test");
  return std::any_of(parsed.errors.begin(), parsed.errors.end(),
                     [&](auto& e) { return e.path == path; });
}

std::string Errors(const json& doc) {
  std::string out;
  for (const auto& e : ParseAutoscalerObject(doc, "test").errors)
    out += e.path + ": " + e.message + "; ";
  for (const auto& e : CheckSchema(doc, Schema()))
    out += "[schema] " + e.path + ": " + e.message + "; ";
  return out;
}

// One generated document and the path both sides must name (invalid) or must not name (valid).
struct Mutation {
  std::string path;
  std::string what;
  json doc;
  bool valid_at_path = false;
};

// Walks the schema under `spec` alongside FullObject(), producing one invalid document per rule.
void Generate(const json& schema, const json::json_pointer& ptr, const std::string& path,
              const json& base, std::vector<Mutation>* out) {
  auto with = [&](const std::string& what, const json& value, bool valid = false) {
    json doc = base;
    doc[ptr] = value;
    out->push_back({path, what, doc, valid});
  };
  auto number = [&](double v) {
    return schema.value("type", "") == "integer" ? json(static_cast<int64_t>(v)) : json(v);
  };
  const std::string type = schema.value("type", "");
  if (type == "integer" || type == "number" || type == "boolean") with("wrong type", "x");
  if (type == "string" || type == "object" || type == "array") with("wrong type", 5);
  if (type == "integer") with("fraction", 1.5);
  if (type == "integer" || type == "number") {
    const double step = type == "integer" ? 1 : 0.5;
    // Just outside each bound is rejected; at (or, if exclusive, just inside) it is accepted.
    const double inside = type == "integer" ? 1 : 1e-6;
    if (schema.contains("minimum")) {
      double m = schema["minimum"].get<double>();
      bool excl = schema.value("exclusiveMinimum", false);
      with("below minimum", number(excl ? m : m - step));
      with("at minimum", number(excl ? m + inside : m), true);
    }
    if (schema.contains("maximum")) {
      double m = schema["maximum"].get<double>();
      bool excl = schema.value("exclusiveMaximum", false);
      with("above maximum", number(excl ? m : m + step));
      with("at maximum", number(excl ? m - inside : m), true);
    }
  }
  if (schema.contains("enum")) with("not in enum", "NotInTheEnum");
  if (schema.value("minLength", 0) > 0) with("empty", "");
  if (schema.contains("pattern")) with("pattern", "no-match");
  if (type == "object" && schema.contains("properties") &&
      !schema.value("x-kubernetes-preserve-unknown-fields", false)) {
    json doc = base;
    doc[ptr]["bogusField"] = 1;
    out->push_back({path + ".bogusField", "unknown field", doc});
    const json required = schema.value("required", json::array());
    for (const auto& [k, child] : schema["properties"].items()) {
      json d = base;
      d[ptr].erase(k);
      const bool is_required = std::find(required.begin(), required.end(), k) != required.end();
      out->push_back({path + "." + k, is_required ? "required" : "optional", d, !is_required});
      if (base[ptr].contains(k)) Generate(child, ptr / k, path + "." + k, base, out);
    }
  }
  if (type == "object" && schema.contains("additionalProperties")) {
    for (const auto& [k, v] : base[ptr].items()) {
      Generate(schema["additionalProperties"], ptr / k, path + "[" + k + "]", base, out);
    }
  }
  if (type == "array" && schema.contains("items")) {
    for (size_t i = 0; i < base[ptr].size(); ++i) {
      Generate(schema["items"], ptr / i, path + "[" + std::to_string(i) + "]", base, out);
    }
  }
}

TEST(CrdAgreementTest, FullAndMinimalObjectsPassBoth) {
  for (const json& doc : {FullObject(), MinimalObject()}) {
    EXPECT_TRUE(CheckSchema(doc, Schema()).empty()) << Errors(doc);
    EXPECT_TRUE(ParseAutoscalerObject(doc, "t").errors.empty()) << Errors(doc);
  }
}

TEST(CrdAgreementTest, EverySchemaRuleIsEnforcedByBothSides) {
  std::vector<Mutation> cases;
  Generate(Schema()["properties"]["spec"], json::json_pointer("/spec"), "spec", FullObject(),
           &cases);
  ASSERT_GT(cases.size(), 100u) << "the schema walk found too few rules";
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path + " (" + c.what + ")");
    EXPECT_EQ(SchemaRejectsAt(c.doc, c.path), !c.valid_at_path) << Errors(c.doc);
    EXPECT_EQ(ValidatorRejectsAt(c.doc, c.path), !c.valid_at_path) << Errors(c.doc);
  }
}

// So that a field added to the CRD must also be added here (and so accepted by the validator).
void ExpectEveryPropertySet(const json& schema, const json& value, const std::string& path) {
  if (!schema.contains("properties") || !value.is_object()) return;
  for (const auto& [k, child] : schema["properties"].items()) {
    EXPECT_TRUE(value.contains(k)) << "FullObject() lacks " << path << "." << k;
    if (value.contains(k)) ExpectEveryPropertySet(child, value[k], path + "." + k);
  }
  if (schema.contains("items") && value.is_array()) {
    for (const auto& item : value) ExpectEveryPropertySet(schema["items"], item, path + "[]");
  }
}

TEST(CrdAgreementTest, FullObjectSetsEverySpecFieldOfTheSchema) {
  ExpectEveryPropertySet(Schema()["properties"]["spec"], FullObject()["spec"], "spec");
}

TEST(CrdAgreementTest, EveryEnumValueOfTheSchemaIsAccepted) {
  struct Enum {
    std::string pointer;
    std::vector<std::string> schema_path;
  };
  const std::vector<Enum> enums = {
      {"/spec/slo/latencyMetric", {"spec", "slo", "latencyMetric"}},
      {"/spec/metrics/preset", {"spec", "metrics", "preset"}},
      {"/spec/behavior/scaleUp/selectPolicy", {"spec", "behavior", "scaleUp", "selectPolicy"}},
      {"/spec/behavior/scaleDown/policies/0/type",
       {"spec", "behavior", "scaleDown", "policies", "[]", "type"}},
  };
  for (const auto& e : enums) {
    const json* s = &Schema();
    for (const auto& part : e.schema_path)
      s = part == "[]" ? &(*s)["items"] : &(*s)["properties"][part];
    ASSERT_TRUE(s->contains("enum")) << e.pointer;
    for (const auto& value : (*s)["enum"]) {
      json doc = FullObject();
      doc[json::json_pointer(e.pointer)] = value;
      SCOPED_TRACE(e.pointer + " = " + value.dump());
      EXPECT_TRUE(CheckSchema(doc, Schema()).empty()) << Errors(doc);
      EXPECT_TRUE(ParseAutoscalerObject(doc, "t").errors.empty()) << Errors(doc);
    }
  }
}

TEST(CrdAgreementTest, SchemaDefaultsEqualValidatorDefaults) {
  for (const std::string preset : {"vllm", "custom"}) {
    json doc = MinimalObject();
    doc["spec"]["metrics"] = {{"preset", preset},
                              {"queries", {{"arrivalRate", "a"}, {"inFlight", "b"}}}};
    json defaulted = ApplySchemaDefaults(doc, Schema());
    ASSERT_NE(doc, defaulted) << "the schema applied no defaults";
    auto plain = ParseAutoscalerObject(doc, "t");
    auto by_schema = ParseAutoscalerObject(defaulted, "t");
    ASSERT_TRUE(plain.autoscaler && by_schema.autoscaler) << Errors(doc) << Errors(defaulted);
    EXPECT_EQ(Describe(*plain.autoscaler).dump(1), Describe(*by_schema.autoscaler).dump(1))
        << preset;
  }
}

// Rules a structural schema cannot express: the schema accepts these, the validator must not.
TEST(CrdAgreementTest, CrossFieldRulesAreValidatorOnly) {
  struct Case {
    std::string name;
    std::function<void(json&)> mutate;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"MinAboveMax", [](json& d) { d["spec"]["minReplicas"] = 21; }, "spec.minReplicas"},
      {"E2eServiceTimeAtThreshold",
       [](json& d) {
         d["spec"]["slo"]["latencyMetric"] = "e2e";
         d["spec"]["capacity"]["serviceTimeSeconds"] = 2.0;
       },
       "spec.capacity.serviceTimeSeconds"},
      {"TtftPrefillAboveThreshold",
       [](json& d) {
         d["spec"]["capacity"]["serviceTimeSeconds"] = 30;
         d["spec"]["capacity"]["prefillFraction"] = 0.1;
       },
       "spec.capacity.serviceTimeSeconds"},
      {"CustomPresetWithoutArrivalRate",
       [](json& d) {
         d["spec"]["metrics"]["preset"] = "custom";
         d["spec"]["metrics"]["queries"].erase("arrivalRate");
       },
       "spec.metrics.queries.arrivalRate"},
      {"CustomPresetWithoutServiceTimeSource",
       [](json& d) {
         d["spec"]["metrics"]["preset"] = "custom";
         d["spec"]["metrics"]["queries"] = {{"arrivalRate", "a"}};
         d["spec"]["capacity"].erase("serviceTimeSeconds");
       },
       "spec.metrics.queries.serviceTime"},
      {"LabelNameWithDash",
       [](json& d) { d["spec"]["metrics"]["labelSelector"]["model-name"] = "x"; },
       "spec.metrics.labelSelector[model-name]"},
      {"ReservedLabelName",
       [](json& d) { d["spec"]["metrics"]["labelSelector"]["__name__"] = "x"; },
       "spec.metrics.labelSelector[__name__]"},
      {"EmptyPoliciesWithMax",
       [](json& d) { d["spec"]["behavior"]["scaleUp"]["policies"] = json::array(); },
       "spec.behavior.scaleUp.policies"},
      {"MinNodesAboveMaxNodes", [](json& d) { d["spec"]["nodePool"]["minNodes"] = 11; },
       "spec.nodePool.minNodes"},
      {"ReplicaLargerThanNode", [](json& d) { d["spec"]["nodePool"]["gpusPerReplica"] = 16; },
       "spec.nodePool.gpusPerReplica"},
      {"PoolTooSmallForMinReplicas",
       [](json& d) {
         d["spec"]["nodePool"]["gpusPerReplica"] = 8;
         d["spec"]["nodePool"]["maxNodes"] = 1;
       },
       "spec.nodePool.maxNodes"},
      {"ReplicasPathNotDotted", [](json& d) { d["spec"]["nodePool"]["replicasPath"] = "spec..x"; },
       "spec.nodePool.replicasPath"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    json doc = FullObject();
    c.mutate(doc);
    EXPECT_TRUE(CheckSchema(doc, Schema()).empty()) << "schema can check it: " << Errors(doc);
    EXPECT_TRUE(ValidatorRejectsAt(doc, c.path)) << Errors(doc);
  }
  // And the empty list is allowed when scaling in that direction is disabled.
  json doc = FullObject();
  doc["spec"]["behavior"]["scaleUp"] = {{"selectPolicy", "Disabled"}, {"policies", json::array()}};
  EXPECT_TRUE(ParseAutoscalerObject(doc, "t").errors.empty()) << Errors(doc);
}

TEST(CrdAgreementTest, CrdNamesMatchTheConstants) {
  std::string text = ReadText(SourcePath(kCrd));
  EXPECT_NE(text.find("group: " + std::string(kGroup)), std::string::npos);
  EXPECT_NE(text.find("kind: " + std::string(kKind)), std::string::npos);
  EXPECT_NE(text.find("plural: " + std::string(kPlural)), std::string::npos);
  EXPECT_NE(text.find("- name: " + std::string(kVersion)), std::string::npos);
  EXPECT_NE(text.find("- ias"), std::string::npos);
}

}  // namespace
}  // namespace slo::controller::testing
