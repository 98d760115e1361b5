// Typed, bounded JSON reads with path-carrying errors. See field_checker.h.
#include "controller/spec/field_checker.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace slo::controller {

using nlohmann::json;

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

namespace {

std::string TypeName(const json& v) {
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  if (v.is_string()) return "string \"" + v.get<std::string>() + "\"";
  if (v.is_boolean()) return v.get<bool>() ? "boolean true" : "boolean false";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer " + v.dump();
  if (v.is_number_float()) return "number " + FormatNumber(v.get<double>());
  return v.type_name();
}

}  // namespace

void FieldChecker::Error(std::string path, std::string message) {
  errors_.push_back(FieldError{std::move(path), std::move(message)});
}

const json* FieldChecker::Member(const json& parent, std::string_view key,
                                 std::string_view parent_path, Presence presence) {
  const json* found = nullptr;
  if (parent.is_object()) {
    auto it = parent.find(key);
    if (it != parent.end() && !it->is_null()) found = &*it;
  }
  if (found == nullptr && presence == kRequired)
    Error(JoinPath(parent_path, key), "Required value");
  return found;
}

bool FieldChecker::CheckObject(const json& obj, std::string_view path,
                               std::initializer_list<std::string_view> allowed) {
  if (!obj.is_object()) {
    Error(std::string(path), "must be an object, got " + TypeName(obj));
    return false;
  }
  for (const auto& [k, v] : obj.items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == k;
    if (!known) Error(JoinPath(path, k), "unknown field");
  }
  return true;
}

const json* FieldChecker::Object(const json& parent, std::string_view key,
                                 std::string_view parent_path, Presence presence,
                                 std::initializer_list<std::string_view> allowed) {
  const json* v = Member(parent, key, parent_path, presence);
  if (v == nullptr) return nullptr;
  return CheckObject(*v, JoinPath(parent_path, key), allowed) ? v : nullptr;
}

bool FieldChecker::CheckBounds(double v, const Bounds& b, const std::string& path) {
  if (!std::isfinite(v)) {
    Error(path, "must be a finite number, got " + FormatNumber(v));
    return false;
  }
  bool low_ok = !b.min || (b.min_exclusive ? v > *b.min : v >= *b.min);
  bool high_ok = !b.max || (b.max_exclusive ? v < *b.max : v <= *b.max);
  if (low_ok && high_ok) return true;
  std::string rule;
  if (b.min) rule += std::string(b.min_exclusive ? "> " : ">= ") + FormatNumber(*b.min);
  if (b.min && b.max) rule += " and ";
  if (b.max) rule += std::string(b.max_exclusive ? "< " : "<= ") + FormatNumber(*b.max);
  Error(path, "must be " + rule + ", got " + FormatNumber(v));
  return false;
}

std::optional<int64_t> FieldChecker::Int64(const json& parent, std::string_view key,
                                           std::string_view parent_path, Presence presence) {
  const json* v = Member(parent, key, parent_path, presence);
  if (v == nullptr) return std::nullopt;
  // is_number_integer() is also true for unsigned values; those above int64 are out of range.
  if (v->is_number_unsigned() &&
      v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    Error(JoinPath(parent_path, key), "is out of range, got " + v->dump());
    return std::nullopt;
  }
  if (v->is_number_integer()) return v->get<int64_t>();
  Error(JoinPath(parent_path, key), "must be an integer, got " + TypeName(*v));
  return std::nullopt;
}

std::optional<int32_t> FieldChecker::Int32(const json& parent, std::string_view key,
                                           std::string_view parent_path, Presence presence,
                                           const Bounds& bounds) {
  std::optional<int64_t> v = Int64(parent, key, parent_path, presence);
  if (!v) return std::nullopt;
  std::string path = JoinPath(parent_path, key);
  if (*v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
    Error(path, "must fit in a 32-bit integer, got " + std::to_string(*v));
    return std::nullopt;
  }
  if (!CheckBounds(static_cast<double>(*v), bounds, path)) return std::nullopt;
  return static_cast<int32_t>(*v);
}

std::optional<double> FieldChecker::Number(const json& parent, std::string_view key,
                                           std::string_view parent_path, Presence presence,
                                           const Bounds& bounds) {
  const json* v = Member(parent, key, parent_path, presence);
  if (v == nullptr) return std::nullopt;
  std::string path = JoinPath(parent_path, key);
  if (!v->is_number()) {
    Error(path, "must be a number, got " + TypeName(*v));
    return std::nullopt;
  }
  double d = v->get<double>();
  if (!CheckBounds(d, bounds, path)) return std::nullopt;
  return d;
}

std::optional<bool> FieldChecker::Bool(const json& parent, std::string_view key,
                                       std::string_view parent_path, Presence presence) {
  const json* v = Member(parent, key, parent_path, presence);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Error(JoinPath(parent_path, key), "must be a boolean, got " + TypeName(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> FieldChecker::String(const json& parent, std::string_view key,
                                                std::string_view parent_path, Presence presence,
                                                bool non_empty) {
  const json* v = Member(parent, key, parent_path, presence);
  if (v == nullptr) return std::nullopt;
  std::string path = JoinPath(parent_path, key);
  if (!v->is_string()) {
    Error(path, "must be a string, got " + TypeName(*v));
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (non_empty && s.empty()) {
    Error(path, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> FieldChecker::Enum(const json& parent, std::string_view key,
                                              std::string_view parent_path, Presence presence,
                                              std::initializer_list<std::string_view> values) {
  std::optional<std::string> s = String(parent, key, parent_path, presence);
  if (!s) return std::nullopt;
  std::string list;
  for (auto v : values) {
    if (v == *s) return s;
    list += (list.empty() ? "" : ", ") + std::string(v);
  }
  Error(JoinPath(parent_path, key), "Unsupported value \"" + *s + "\": must be one of " + list);
  return std::nullopt;
}

}  // namespace slo::controller
