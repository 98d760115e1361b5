// controller/spec/field_checker.h: typed, bounded reads from a JSON object that record every
// problem as a FieldError with its path, instead of stopping at the first.
//
// The messages follow the API server's wording where it has one ("Required value",
// "Unsupported value", "unknown field").
//
// Example:
//   FieldChecker c;
//   const json* slo = c.Object(spec, "slo", "spec", kRequired, {"latencyThresholdSeconds"});
//   auto t = c.Number(*slo, "latencyThresholdSeconds", "spec.slo", kRequired, Bounds::Above(0));
//   if (!c.errors().empty()) ...
//
// Thread-safety: one checker per validation; not shared.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/spec/autoscaler.h"

namespace slo::controller {

enum class Presence { kOptional, kRequired };
inline constexpr Presence kOptional = Presence::kOptional;
inline constexpr Presence kRequired = Presence::kRequired;

// Numeric bounds; each side optional, inclusive or exclusive.
struct Bounds {
  std::optional<double> min;
  bool min_exclusive = false;
  std::optional<double> max;
  bool max_exclusive = false;

  static Bounds AtLeast(double v) { return {v, false, std::nullopt, false}; }
  static Bounds Above(double v) { return {v, true, std::nullopt, false}; }
  static Bounds Between(double lo, double hi) { return {lo, false, hi, false}; }
};

// "spec" + "slo" -> "spec.slo"; "" + "spec" -> "spec".
std::string JoinPath(std::string_view parent, std::string_view key);

class FieldChecker {
 public:
  void Error(std::string path, std::string message);
  const std::vector<FieldError>& errors() const { return errors_; }
  std::vector<FieldError> TakeErrors() { return std::move(errors_); }

  // The member `key` of `parent` (null counts as absent) or nullptr; reports a missing
  // required member.
  const nlohmann::json* Member(const nlohmann::json& parent, std::string_view key,
                               std::string_view parent_path, Presence presence);

  // An object member whose keys must all be in `allowed` (unknown ones are errors).
  const nlohmann::json* Object(const nlohmann::json& parent, std::string_view key,
                               std::string_view parent_path, Presence presence,
                               std::initializer_list<std::string_view> allowed);
  // Reports keys of `obj` (at `path`) not in `allowed`; false if `obj` is not an object.
  bool CheckObject(const nlohmann::json& obj, std::string_view path,
                   std::initializer_list<std::string_view> allowed);

  std::optional<int32_t> Int32(const nlohmann::json& parent, std::string_view key,
                               std::string_view parent_path, Presence presence,
                               const Bounds& bounds = {});
  std::optional<int64_t> Int64(const nlohmann::json& parent, std::string_view key,
                               std::string_view parent_path, Presence presence);
  std::optional<double> Number(const nlohmann::json& parent, std::string_view key,
                               std::string_view parent_path, Presence presence,
                               const Bounds& bounds = {});
  std::optional<bool> Bool(const nlohmann::json& parent, std::string_view key,
                           std::string_view parent_path, Presence presence);
  // A string; with `non_empty` an empty string is an error.
  std::optional<std::string> String(const nlohmann::json& parent, std::string_view key,
                                    std::string_view parent_path, Presence presence,
                                    bool non_empty = false);
  // A string that must be one of `values`.
  std::optional<std::string> Enum(const nlohmann::json& parent, std::string_view key,
                                  std::string_view parent_path, Presence presence,
                                  std::initializer_list<std::string_view> values);

 private:
  bool CheckBounds(double v, const Bounds& b, const std::string& path);
  std::vector<FieldError> errors_;
};

// A number for messages: 0.7, 2, 1e+30.
std::string FormatNumber(double v);

}  // namespace slo::controller
