// controller/audit/filter.h: which decisions an audit looks at.
//
// Two stages, because integrity checks and summaries need a target's whole sequence:
//   1. Select(): --target and --since/--until. What every view sees.
//   2. ListFilter (--reason, --actuated): only what the table and JSON listing print.
//
// Times (--since, --until, --why) are absolute RFC 3339 ("2026-11-23T17:31:02Z"), a time of
// day ("10:32" or "10:32:05", UTC, on the day of the log's last decision), or a duration
// ("2h", "30m", "90s", "1h30m") meaning that long BEFORE THE LOG'S LAST DECISION (not before
// now: a log read days later audits the same way; pipe `kubectl logs --since` to cut by wall
// clock).
//
// Example:
//   auto since = ParseTimeArg("30m", "--since");          // relative
//   int64_t from_ms = since.bound->Resolve(last_ts_ms);
//
// Thread-safety: pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/audit/reader.h"

namespace slo::controller::audit {

struct TimeArg {
  enum class Kind { kAbsolute, kClock, kBeforeEnd };
  Kind kind = Kind::kAbsolute;
  int64_t ms = 0;  // unix ms, ms after midnight, or ms before the log's end
  // The absolute unix ms, given the log's last decision time.
  int64_t Resolve(int64_t log_end_ms) const;
};

struct TimeArgResult {
  std::optional<TimeArg> arg;
  std::string error;  // names the flag
};
TimeArgResult ParseTimeArg(std::string_view text, std::string_view flag);

struct Selection {
  std::vector<std::string> targets;  // "ns/name", "name", or globs ("serving/*"); empty = all
  std::optional<TimeArg> since;
  std::optional<TimeArg> until;
};

// Keeps the records of selected targets within [since, until]; records stay sorted.
void Select(const Selection& sel, LogData& data);

// True when target ("ns/name") matches pattern (see Selection::targets).
bool TargetMatches(std::string_view pattern, const std::string& target);

struct ListFilter {
  std::vector<uint32_t> reasons;  // interned reason codes; empty = all
  bool actuated_only = false;
  bool Matches(const AuditRecord& r) const;
};

// Parses --reason "ScaleUp,AtMaxReplicas" against the closed set of reason codes.
// Returns "" or an error naming --reason and the unknown code.
std::string ParseReasons(std::string_view text, StringTable& strings, ListFilter* filter);

}  // namespace slo::controller::audit
