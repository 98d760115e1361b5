#include "controller/audit/audit_time.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace slo::controller::audit {
namespace {

constexpr int64_t kMsPerDay = 86400000;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m;
  unsigned d;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Parses an RFC 3339 date-time at the start of s; returns its length (0 if none).
size_t ParsePrefix(std::string_view s, int64_t* out_ms) {
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return 0;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return 0;
  if (!Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return 0;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return 0;
  size_t pos = 19;
  int64_t frac_ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) frac_ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++digits;
      ++pos;
    }
    if (digits == 0) return 0;
  }
  if (pos >= s.size()) return 0;
  int64_t offset_ms = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return 0;
    }
    offset_ms = (oh * 60 + om) * 60000LL * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return 0;
  }
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  *out_ms = days * kMsPerDay + ((h * 60LL + mi) * 60 + sec) * 1000 + frac_ms - offset_ms;
  return pos;
}

}  // namespace

std::optional<int64_t> ParseRfc3339Ms(std::string_view text) {
  int64_t ms = 0;
  const size_t n = ParsePrefix(text, &ms);
  if (n == 0 || n != text.size()) return std::nullopt;
  return ms;
}

size_t Rfc3339PrefixLength(std::string_view text) {
  int64_t ms = 0;
  return ParsePrefix(text, &ms);
}

std::optional<int64_t> ParseDurationMs(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total_ms = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    bool dot = false;
    while (pos < text.size() && ((text[pos] >= '0' && text[pos] <= '9') || (text[pos] == '.' && !dot))) {
      dot = dot || text[pos] == '.';
      ++pos;
    }
    if (pos == start) return std::nullopt;
    const std::string number(text.substr(start, pos - start));
    if (number == ".") return std::nullopt;
    const double value = std::strtod(number.c_str(), nullptr);
    const size_t unit_start = pos;
    while (pos < text.size() && text[pos] >= 'a' && text[pos] <= 'z') ++pos;
    const std::string_view unit = text.substr(unit_start, pos - unit_start);
    double scale = 0;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60000;
    } else if (unit == "h") {
      scale = 3600000;
    } else if (unit == "d") {
      scale = kMsPerDay;
    } else {
      return std::nullopt;
    }
    total_ms += value * scale;
  }
  if (!std::isfinite(total_ms) || total_ms > 1e15) return std::nullopt;
  return static_cast<int64_t>(std::llround(total_ms));
}

std::string FormatRfc3339Ms(int64_t unix_ms) {
  const int64_t day = (unix_ms >= 0 ? unix_ms : unix_ms - kMsPerDay + 1) / kMsPerDay;
  const int64_t in_day = unix_ms - day * kMsPerDay;
  const Civil c = CivilFromDays(day);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(in_day / 3600000),
                static_cast<long long>(in_day / 60000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
  return buf;
}

std::string FormatClock(int64_t unix_ms, bool with_millis) {
  const int64_t in_day = unix_ms - StartOfDayMs(unix_ms);
  char buf[64];
  if (with_millis) {
    std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld.%03lld",
                  static_cast<long long>(in_day / 3600000),
                  static_cast<long long>(in_day / 60000 % 60),
                  static_cast<long long>(in_day / 1000 % 60),
                  static_cast<long long>(in_day % 1000));
  } else {
    std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld",
                  static_cast<long long>(in_day / 3600000),
                  static_cast<long long>(in_day / 60000 % 60),
                  static_cast<long long>(in_day / 1000 % 60));
  }
  return buf;
}

std::string FormatDurationMs(int64_t ms) {
  char buf[48];
  const bool negative = ms < 0;
  const long long a = static_cast<long long>(negative ? -ms : ms);
  if (a < 60000) {
    std::snprintf(buf, sizeof(buf), "%s%.1fs", negative ? "-" : "", a / 1000.0);
  } else if (a < 3600000) {
    std::snprintf(buf, sizeof(buf), "%s%lldm%02llds", negative ? "-" : "", a / 60000,
                  a / 1000 % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%s%lldh%02lldm", negative ? "-" : "", a / 3600000,
                  a / 60000 % 60);
  }
  return buf;
}

int64_t StartOfDayMs(int64_t unix_ms) {
  const int64_t day = (unix_ms >= 0 ? unix_ms : unix_ms - kMsPerDay + 1) / kMsPerDay;
  return day * kMsPerDay;
}

std::optional<int64_t> ParseClockMs(std::string_view text) {
  int h, m, s = 0;
  if (text.size() < 5 || !Digits(text, 0, 2, &h) || text[2] != ':' || !Digits(text, 3, 2, &m)) {
    return std::nullopt;
  }
  size_t pos = 5;
  int64_t frac_ms = 0;
  if (pos < text.size()) {
    if (text[pos] != ':' || !Digits(text, pos + 1, 2, &s)) return std::nullopt;
    pos += 3;
    if (pos < text.size()) {
      if (text[pos] != '.') return std::nullopt;
      ++pos;
      int64_t scale = 100;
      size_t digits = 0;
      for (; pos < text.size(); ++pos, ++digits) {
        if (text[pos] < '0' || text[pos] > '9') return std::nullopt;
        if (digits < 3) frac_ms += (text[pos] - '0') * scale;
        scale /= 10;
      }
      if (digits == 0) return std::nullopt;
    }
  }
  if (h > 23 || m > 59 || s > 60) return std::nullopt;
  return ((h * 60LL + m) * 60 + s) * 1000 + frac_ms;
}

}  // namespace slo::controller::audit
