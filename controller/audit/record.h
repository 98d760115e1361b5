// controller/audit/record.h: one decision-log record (CONTRACTS.md §4) as the audit sees it.
//
// ParseRecord() turns one JSON line into a compact AuditRecord: the fields the table, summary,
// integrity checks and plot need, with strings interned in a StringTable so a million records
// stay small. It uses JsonScanner (json_scan.h): strict, but it only materialises the values it
// needs, which is what keeps `audit` fast (a 1.5 KB line in ~1 µs instead of ~10 µs).
// The full detail of one record (models, limits, SLO, message) is read on demand by
// ParseDetail() in why.h from the record's raw text.
//
// Example:
//   StringTable strings;
//   ParseOutcome out = ParseRecord(R"({"ts": "2026-11-23T17:31:02.123Z", ...})", strings);
//   if (out.status == ParseStatus::kDecision) Use(out.record);
//
// Missing inputs are NaN (JSON null or absent); missing replica counts are -1.
// Thread-safety: ParseRecord mutates the StringTable; use one per thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace slo::controller::audit {

// Interns strings: equal strings get equal ids. Id 0 is always "".
class StringTable {
 public:
  StringTable();
  uint32_t Intern(std::string_view s);
  const std::string& Get(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::vector<std::string> strings_;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
};

inline constexpr double kMissing = NAN;
inline bool Has(double v) { return !std::isnan(v); }

struct AuditRecord {
  int64_t ts_ms = 0;
  uint32_t target = 0;       // interned "namespace/name" of the InferenceAutoscaler
  uint32_t reason = 0;       // interned reason code as written (may be outside the known set)
  uint32_t binding_model = 0;
  uint32_t version = 0;      // controller.version
  uint32_t commit = 0;       // controller.commit
  uint32_t instance = 0;     // controller.instance (controller replica)
  uint32_t source = 0;       // "controller" | "simulator" | ""
  int32_t current_replicas = -1;
  int32_t recommended_replicas = -1;
  int32_t desired_replicas = -1;
  bool actuated = false;
  bool dry_run = false;
  bool at_max = false;       // reason AtMaxReplicas or limits contains "maxReplicas"
  // inputs
  double arrival_rate_rps = kMissing;
  double queue_depth = kMissing;
  double in_flight = kMissing;
  double service_time_s = kMissing;
  double latency_s = kMissing;
  double sample_age_s = kMissing;
  // where it came from
  uint32_t file = 0;         // index into the list of inputs
  uint64_t line = 0;         // 1-based line number in that input
  uint64_t hash = 0;         // of the JSON text (duplicate detection)
  std::string raw;           // the JSON text, kept only when a view needs it
};

enum class ParseStatus {
  kDecision,    // a ScalingDecision record
  kOtherType,   // valid JSON, not a ScalingDecision (another "type", or no "type")
  kMalformed,   // not valid JSON (or nested deeper than kMaxScanDepth)
  kInvalid,     // a ScalingDecision missing a required key or with a wrong type
};

struct ParseOutcome {
  ParseStatus status = ParseStatus::kMalformed;
  AuditRecord record;
  std::string error;  // for kMalformed/kInvalid: what was wrong, naming the key
};

// Parses one JSON text (already stripped of prefixes; valid UTF-8). Never throws.
ParseOutcome ParseRecord(std::string_view json, StringTable& strings);

}  // namespace slo::controller::audit
