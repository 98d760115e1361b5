// controller/audit/reader.h: reads decision logs as `kubectl logs` produces them.
//
// Input is one or more files (or stdin) holding one JSON decision per line, interleaved with
// anything else a container prints: spdlog text lines, JSON records of other types, a truncated
// last line, `kubectl logs --timestamps` prefixes ("2026-11-23T17:31:02.123456789Z {...}"),
// `kubectl logs --prefix` prefixes ("[pod/ctl-0/manager] {...}"), binary garbage, very long
// lines. Every line is either a decision or counted under one skip kind; nothing is dropped
// silently. Records from all inputs are merged by timestamp (stable: equal times keep input
// order) and exact duplicates (same line seen twice, e.g. overlapping rotated files) are dropped
// and counted.
//
// Example:
//   LogData data;
//   ReadOptions opts;
//   if (auto err = ReadLogs({"ctl.log.1", "ctl.log"}, opts, data); !err.empty()) Fail(err);
//   std::cerr << SkipReport(data);
//
// Thread-safety: none; a LogData belongs to one thread.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "controller/audit/record.h"

namespace slo::controller::audit {

// Why a line was not used. Order = order in reports.
enum class SkipKind {
  kBlank,            // empty or whitespace only
  kNonJson,          // does not start with '{' (log text, a JSON array or scalar)
  kOtherType,        // a JSON object whose "type" is not "ScalingDecision" (or has none)
  kMalformed,        // starts with '{' but is not valid JSON
  kTruncated,        // JSON that ends early (e.g. the last line of a log cut mid-write)
  kOverLong,         // longer than ReadOptions::max_line_bytes
  kInvalidUtf8,      // bytes that are not UTF-8 (binary garbage)
  kInvalidDecision,  // a ScalingDecision missing a required key or with a wrong value type
  kDuplicate,        // the same record seen twice
};
inline constexpr size_t kSkipKinds = 9;
std::string_view SkipKindName(SkipKind k);

struct SkipExample {
  bool set = false;
  std::string where;   // "file:line"
  std::string detail;  // what was wrong, or the start of the line
};

struct ReadOptions {
  size_t max_line_bytes = 1 << 20;  // longer lines are skipped as kOverLong
  bool keep_raw = false;            // keep each record's JSON text (for --why and json output)
};

struct LogData {
  std::vector<std::string> inputs;  // display names, index = AuditRecord::file
  StringTable strings;
  std::vector<AuditRecord> records;  // sorted by ts after ReadLogs
  std::array<uint64_t, kSkipKinds> skipped{};
  std::array<SkipExample, kSkipKinds> examples;
  uint64_t lines = 0;
  uint64_t bytes = 0;

  uint64_t Skipped(SkipKind k) const { return skipped[static_cast<size_t>(k)]; }
  uint64_t TotalSkipped() const;
};

// Expands --log arguments: "-" is stdin; a directory stands for the regular files in it
// (sorted by name); an argument with *, ? or [ is a glob. Returns an error message naming the
// argument when one matches nothing or cannot be read, else "".
std::string ExpandInputs(const std::vector<std::string>& args, std::vector<std::string>* paths);

// Reads every path ("-" = stdin) into data, then merges by ts and drops duplicates.
// Returns "" or an error naming the unreadable input.
std::string ReadLogs(const std::vector<std::string>& paths, const ReadOptions& opts,
                     LogData& data);

// Reads one open stream (not closed) as input number data.inputs.size() named name. Records
// are appended unsorted; call MergeRecords() after the last input.
std::string ReadStream(std::FILE* stream, const std::string& name, const ReadOptions& opts,
                       LogData& data);

// Classifies one line (without its '\n') and appends the record if it is a decision.
void ConsumeLine(std::string_view line, bool unterminated, uint32_t file, uint64_t line_no,
                 const ReadOptions& opts, LogData& data);

// Sorts records by ts (stable) and drops exact duplicates.
void MergeRecords(LogData& data);

// Strips `kubectl logs --prefix` and `--timestamps` prefixes; returns the rest.
std::string_view StripLogPrefixes(std::string_view line);

// True when s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// "read 120 lines from 2 inputs: 100 decisions; skipped 20: 12 non-JSON, ..." plus the first
// example of each kind, one per line. Empty skips are left out.
std::string SkipReport(const LogData& data);

}  // namespace slo::controller::audit
