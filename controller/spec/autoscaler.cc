// Parsing InferenceAutoscaler objects from YAML or JSON. See autoscaler.h; the spec rules are
// in spec_rules.cc.
#include "controller/spec/autoscaler.h"

#include <nlohmann/json.hpp>

#include "controller/spec/field_checker.h"
#include "controller/spec/spec_rules.h"
#include "controller/spec/yaml_json.h"

namespace slo::controller {
namespace {

using nlohmann::json;

// RFC 1123 subdomain (object names): lowercase alphanumerics, '-' and '.', <= 253 characters,
// starting and ending with an alphanumeric.
bool IsDnsSubdomain(std::string_view s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

void ReadStringMap(FieldChecker& c, const json& meta, std::string_view key,
                   std::map<std::string, std::string>* out) {
  const json* v = c.Member(meta, key, "metadata", kOptional);
  if (v == nullptr) return;
  const std::string p = JoinPath("metadata", key);
  if (!v->is_object()) {
    c.Error(p, "must be an object of strings");
    return;
  }
  for (const auto& [k, val] : v->items()) {
    if (val.is_string()) {
      (*out)[k] = val.get<std::string>();
    } else {
      c.Error(p + "[" + k + "]", "must be a string");
    }
  }
}

void ReadMeta(FieldChecker& c, const json& obj, ObjectMeta* meta) {
  const json* v = c.Member(obj, "metadata", "", kRequired);
  if (v == nullptr) return;
  if (!v->is_object()) {
    c.Error("metadata", "must be an object");
    return;
  }
  // The API server owns the other metadata fields; they are read, not checked.
  std::optional<std::string> name = c.String(*v, "name", "metadata", kOptional);
  bool generated = v->contains("generateName");
  if (name) {
    meta->name = *name;
    if (!IsDnsSubdomain(*name, 253)) {
      c.Error("metadata.name",
              "must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.'), got \"" + *name + "\"");
    }
  } else if (!generated && !v->contains("name")) {
    c.Error("metadata.name", "Required value");
  }
  if (auto ns = c.String(*v, "namespace", "metadata", kOptional)) {
    meta->namespace_ = *ns;
    if (!IsDnsSubdomain(*ns, 63) || ns->find('.') != std::string::npos) {
      c.Error("metadata.namespace", "must be a lowercase RFC 1123 label, got \"" + *ns + "\"");
    }
  }
  meta->uid = c.String(*v, "uid", "metadata", kOptional).value_or("");
  meta->resource_version = c.String(*v, "resourceVersion", "metadata", kOptional).value_or("");
  if (auto g = c.Int64(*v, "generation", "metadata", kOptional)) meta->generation = *g;
  ReadStringMap(c, *v, "labels", &meta->labels);
  ReadStringMap(c, *v, "annotations", &meta->annotations);
}

}  // namespace

ParsedAutoscaler ParseAutoscalerObject(const json& object, std::string source) {
  ParsedAutoscaler out;
  out.source = std::move(source);
  FieldChecker c;
  if (!object.is_object()) {
    c.Error("(root)",
            "the document must be a mapping (an object), not " + std::string(object.type_name()));
    out.errors = c.TakeErrors();
    return out;
  }
  InferenceAutoscaler a;
  ReadMeta(c, object, &a.meta);
  out.namespace_ = a.meta.namespace_;
  out.name = a.meta.name;
  auto kind = c.String(object, "kind", "", kRequired);
  if (kind && *kind != kKind) {
    c.Error("kind", "is \"" + *kind + "\", expected " + std::string(kKind));
    out.errors = c.TakeErrors();
    return out;  // another kind of object: its spec means something else
  }
  if (auto api = c.String(object, "apiVersion", "", kRequired); api && *api != kApiVersion) {
    c.Error("apiVersion", "is \"" + *api + "\", expected " + std::string(kApiVersion));
  }
  c.CheckObject(object, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  if (const json* spec = c.Member(object, "spec", "", kRequired)) ValidateSpec(c, *spec, &a);
  if (const json* status = c.Member(object, "status", "", kOptional)) {
    if (status->is_object()) {
      a.status_json = *status;
    } else {
      c.Error("status", "must be an object");
    }
  }
  out.errors = c.TakeErrors();
  if (out.errors.empty()) out.autoscaler = std::move(a);
  return out;
}

ParsedAutoscaler ParseAutoscalerJson(const json& object) {
  std::string ns, name;
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object()) {
    const json& m = object["metadata"];
    if (m.contains("namespace") && m["namespace"].is_string()) ns = m["namespace"];
    if (m.contains("name") && m["name"].is_string()) name = m["name"];
  }
  return ParseAutoscalerObject(object, ns + "/" + name);
}

std::vector<ParsedAutoscaler> ParseAutoscalersYaml(std::string_view yaml_text,
                                                   std::string_view source_name) {
  std::vector<ParsedAutoscaler> out;
  YamlDocuments docs = ParseYamlDocuments(yaml_text);
  if (!docs.error.empty()) {
    ParsedAutoscaler bad;
    bad.source = std::string(source_name);
    bad.errors.push_back(FieldError{"(yaml)", "YAML syntax error at " + docs.error, 0});
    out.push_back(std::move(bad));
    return out;
  }
  for (size_t i = 0; i < docs.documents.size(); ++i) {
    const YamlDocument& doc = docs.documents[i];
    if (doc.value.is_null()) continue;  // an empty document (e.g. a trailing ---)
    ParsedAutoscaler parsed =
        ParseAutoscalerObject(doc.value, std::string(source_name) + "#" + std::to_string(i + 1));
    for (auto& e : parsed.errors) {
      e.line = LineOf(doc.lines, e.path);
      if (e.line == 0) e.line = doc.line;
    }
    out.push_back(std::move(parsed));
  }
  return out;
}

std::string_view PresetName(MetricsPreset p) {
  switch (p) {
    case MetricsPreset::kVllm:
      return "vllm";
    case MetricsPreset::kSglang:
      return "sglang";
    case MetricsPreset::kTgi:
      return "tgi";
    case MetricsPreset::kCustom:
      return "custom";
  }
  return "vllm";
}


}  // namespace slo::controller
