// A minimal OpenAPI v3 structural-schema checker for tests. See crd_schema_check.h.
#include "tests/controller/spec/crd_schema_check.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "controller/spec/yaml_json.h"

namespace slo::controller::testing {
namespace {

using nlohmann::json;

std::string Join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

bool TypeMatches(const json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "integer") return v.is_number_integer() || v.is_number_unsigned();
  if (type == "number") return v.is_number();
  return true;
}

void Check(const json& v, const json& s, const std::string& path, std::vector<SchemaError>* out) {
  if (v.is_null()) return;  // nulls of non-nullable fields are dropped by the API server
  auto err = [&](const std::string& p, const std::string& m) { out->push_back({p, m}); };
  if (s.contains("type") && !TypeMatches(v, s["type"].get<std::string>())) {
    err(path, "must be of type " + s["type"].get<std::string>());
    return;
  }
  if (s.contains("enum")) {
    bool found = false;
    for (const auto& e : s["enum"]) found = found || e == v;
    if (!found) err(path, "Unsupported value");
  }
  if (v.is_number()) {
    double d = v.get<double>();
    if (s.contains("minimum")) {
      double m = s["minimum"].get<double>();
      bool excl = s.value("exclusiveMinimum", false);
      if (excl ? !(d > m) : !(d >= m)) err(path, "below minimum");
    }
    if (s.contains("maximum")) {
      double m = s["maximum"].get<double>();
      bool excl = s.value("exclusiveMaximum", false);
      if (excl ? !(d < m) : !(d <= m)) err(path, "above maximum");
    }
  }
  if (v.is_string()) {
    const auto str = v.get<std::string>();
    if (s.contains("minLength") && str.size() < s["minLength"].get<size_t>()) {
      err(path, "shorter than minLength");
    }
    if (s.contains("pattern") &&
        !std::regex_search(str, std::regex(s["pattern"].get<std::string>()))) {
      err(path, "does not match pattern");
    }
  }
  if (v.is_array()) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>())
      err(path, "too few items");
    if (s.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        Check(v[i], s["items"], path + "[" + std::to_string(i) + "]", out);
      }
    }
  }
  if (v.is_object()) {
    if (s.contains("required")) {
      for (const auto& r : s["required"]) {
        const auto key = r.get<std::string>();
        if (!v.contains(key) || v[key].is_null()) err(Join(path, key), "Required value");
      }
    }
    const bool preserve = s.value("x-kubernetes-preserve-unknown-fields", false);
    for (const auto& [k, child] : v.items()) {
      if (s.contains("properties") && s["properties"].contains(k)) {
        Check(child, s["properties"][k], Join(path, k), out);
      } else if (s.contains("additionalProperties")) {
        Check(child, s["additionalProperties"], path + "[" + k + "]", out);
      } else if (!preserve && s.contains("properties")) {
        err(Join(path, k), "unknown field");
      }
    }
  }
}

}  // namespace

json LoadCrdSchema(const std::string& crd_path) {
  std::ifstream in(crd_path);
  if (!in) throw std::runtime_error("cannot open " + crd_path);
  std::stringstream buf;
  buf << in.rdbuf();
  YamlDocuments docs = ParseYamlDocuments(buf.str());
  if (!docs.error.empty() || docs.documents.empty()) throw std::runtime_error(docs.error);
  return docs.documents[0].value.at("spec").at("versions").at(0).at("schema").at("openAPIV3Schema");
}

std::vector<SchemaError> CheckSchema(const json& instance, const json& schema) {
  std::vector<SchemaError> out;
  Check(instance, schema, "", &out);
  return out;
}

json ApplySchemaDefaults(json v, const json& s) {
  if (v.is_object() && s.contains("properties")) {
    for (const auto& [k, child] : s["properties"].items()) {
      if ((!v.contains(k) || v[k].is_null()) && child.contains("default")) v[k] = child["default"];
      if (v.contains(k)) v[k] = ApplySchemaDefaults(v[k], child);
    }
  }
  if (v.is_array() && s.contains("items")) {
    for (auto& item : v) item = ApplySchemaDefaults(item, s["items"]);
  }
  return v;
}

}  // namespace slo::controller::testing
