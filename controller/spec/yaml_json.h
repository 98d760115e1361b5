// controller/spec/yaml_json.h: YAML text -> nlohmann::json, resolving plain scalars the way
// kubectl does (sigs.k8s.io/yaml, YAML 1.1 style), so one JSON validator serves YAML files and
// objects from the API server alike.
//
// Plain scalars resolve to null ("", ~, null), booleans (true/false, yes/no, on/off, y/n in
// any of the usual casings), integers (decimal, 0x hex, 0o octal), floats (1.5, 1e3, .inf,
// .nan) or strings. Quoted scalars are always strings. Mapping keys are always strings.
//
// Example:
//   auto docs = ParseYamlDocuments("a: 1\n---\nb: x\n");
//   if (!docs.error.empty()) Fail(docs.error);  // "line 3, column 2: ..."
//   docs.documents[0]["a"] == 1;
//
// Every node's 1-based line is kept by field path ("spec.behavior.policies[1].type") so errors
// can point into the file.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace slo::controller {

struct YamlDocument {
  nlohmann::json value;              // null for an empty document
  int line = 0;                      // 1-based line where the document starts
  std::map<std::string, int> lines;  // field path -> 1-based line of its value
};

struct YamlDocuments {
  std::vector<YamlDocument> documents;  // in order, empty documents included (value null)
  std::string error;                    // non-empty on a syntax error: "line L, column C: msg"
};

YamlDocuments ParseYamlDocuments(std::string_view text);

// The line of `path` or of its nearest enclosing field that has one; 0 when unknown.
int LineOf(const std::map<std::string, int>& lines, std::string path);

}  // namespace slo::controller
