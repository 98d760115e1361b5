// controller/audit/audit_time.h: the time arithmetic of `slo-autoscaler audit`.
//
// Decision-log timestamps are RFC 3339 ("2026-11-23T17:31:02.123Z", any offset, any number of
// fractional digits). The audit works in integer milliseconds since the Unix epoch (UTC).
// Durations are written like Go's: "90s", "30m", "2h", "1h30m", "1d", "500ms".
//
// Example:
//   std::optional<int64_t> t = ParseRfc3339Ms("2026-11-23T17:31:02.123Z");
//   std::optional<int64_t> d = ParseDurationMs("1h30m");   // 5400000
//   FormatRfc3339Ms(*t);                                     // "2026-11-23T17:31:02.123Z"
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slo::controller::audit {

// Milliseconds since 1970-01-01T00:00:00Z of an RFC 3339 date-time; nullopt when malformed.
// Accepts 'T' or 't' or ' ' between date and time, 'Z'/'z' or ±HH:MM offsets.
std::optional<int64_t> ParseRfc3339Ms(std::string_view text);

// Length of the RFC 3339 date-time at the start of text (0 when there is none). Used to strip
// `kubectl logs --timestamps` prefixes.
size_t Rfc3339PrefixLength(std::string_view text);

// A Go-style duration ("90s", "30m", "2h", "1h30m", "1d", "250ms", "1.5h"); nullopt when
// malformed or negative.
std::optional<int64_t> ParseDurationMs(std::string_view text);

// "2026-11-23T17:31:02.123Z".
std::string FormatRfc3339Ms(int64_t unix_ms);
// "17:31:02" (UTC time of day; with ".123" when with_millis).
std::string FormatClock(int64_t unix_ms, bool with_millis = false);
// "2m05s", "1h02m", "12.3s": a short human duration.
std::string FormatDurationMs(int64_t ms);

// Milliseconds of UTC midnight that starts the day containing unix_ms.
int64_t StartOfDayMs(int64_t unix_ms);

// A time-of-day "HH:MM" or "HH:MM:SS[.fff]" as milliseconds after midnight; nullopt otherwise.
std::optional<int64_t> ParseClockMs(std::string_view text);

}  // namespace slo::controller::audit
