#include "sim/trace.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sim/rng.h"

namespace slo::sim {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitComma(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(Trim(line.substr(start)));
      return out;
    }
    out.push_back(Trim(line.substr(start, comma - start)));
    start = comma + 1;
  }
}

std::optional<int64_t> ParseCount(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::optional<double> ParseSeconds(std::string_view s) {
  if (s.empty()) return std::nullopt;
  // strtod on a bounded copy: from_chars<double> is locale-free but absent in older libstdc++.
  std::string copy(s);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

std::optional<int> Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string LineError(std::string_view name, size_t line, std::string_view msg) {
  std::ostringstream os;
  os << name << ":" << line << ": " << msg;
  return os.str();
}

}  // namespace

std::optional<double> ParseAzureTimestamp(std::string_view s) {
  s = Trim(s);
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto y = Digits(s, 0, 4), mo = Digits(s, 5, 2), d = Digits(s, 8, 2);
  auto h = Digits(s, 11, 2), mi = Digits(s, 14, 2), se = Digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 ||
      *h > 23 || *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  double frac = 0;
  if (s.size() > 19) {
    if (s[19] != '.' || s.size() == 20) return std::nullopt;
    double scale = 0.1;
    for (size_t i = 20; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      frac += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  const int64_t days = DaysFromCivil(*y, *mo, *d);
  return static_cast<double>(days * 86400 + *h * 3600 + *mi * 60 + *se) + frac;
}

TraceResult ParseTrace(std::string_view text, std::string_view name) {
  TraceResult result;
  Trace trace;
  trace.name = std::string(name);
  size_t line_no = 0;
  size_t pos = 0;
  bool header_seen = false;
  bool azure = false;
  bool has_service = false;
  double first_unix_s = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (Trim(line).empty()) continue;
    auto cols = SplitComma(line);
    if (!header_seen) {
      header_seen = true;
      if (line_no == 1 && !cols.empty() && cols[0].starts_with("\xEF\xBB\xBF")) {
        cols[0].remove_prefix(3);  // UTF-8 byte-order mark
      }
      if (cols.size() == 3 && cols[0] == "TIMESTAMP" && cols[1] == "ContextTokens" &&
          cols[2] == "GeneratedTokens") {
        azure = true;
      } else if ((cols.size() == 3 || cols.size() == 4) && cols[0] == "arrival_s" &&
                 cols[1] == "input_tokens" && cols[2] == "output_tokens" &&
                 (cols.size() == 3 || cols[3] == "service_s")) {
        has_service = cols.size() == 4;
      } else {
        result.error = LineError(name, line_no,
                                 "unknown header: expected 'TIMESTAMP,ContextTokens,"
                                 "GeneratedTokens' or 'arrival_s,input_tokens,output_tokens"
                                 "[,service_s]'");
        return result;
      }
      continue;
    }
    const size_t want = azure ? 3 : (has_service ? 4 : 3);
    if (cols.size() != want) {
      result.error = LineError(name, line_no, "expected " + std::to_string(want) +
                                                  " columns, got " + std::to_string(cols.size()));
      return result;
    }
    TraceRequest r;
    const char* in_col = azure ? "ContextTokens" : "input_tokens";
    const char* out_col = azure ? "GeneratedTokens" : "output_tokens";
    if (azure) {
      auto ts = ParseAzureTimestamp(cols[0]);
      if (!ts) {
        result.error = LineError(name, line_no,
                                 "TIMESTAMP: not 'YYYY-MM-DD HH:MM:SS.fffffff': '" +
                                     std::string(cols[0]) + "'");
        return result;
      }
      if (trace.requests.empty()) first_unix_s = *ts;
      r.arrival_s = *ts - first_unix_s;
    } else {
      auto a = ParseSeconds(cols[0]);
      if (!a) {
        result.error = LineError(name, line_no, "arrival_s: not a non-negative number: '" +
                                                    std::string(cols[0]) + "'");
        return result;
      }
      r.arrival_s = *a;
    }
    auto in = ParseCount(cols[1]);
    auto out = ParseCount(cols[2]);
    if (!in) {
      result.error = LineError(name, line_no, std::string(in_col) +
                                                  ": not a non-negative integer: '" +
                                                  std::string(cols[1]) + "'");
      return result;
    }
    if (!out) {
      result.error = LineError(name, line_no, std::string(out_col) +
                                                  ": not a non-negative integer: '" +
                                                  std::string(cols[2]) + "'");
      return result;
    }
    r.input_tokens = *in;
    r.output_tokens = *out;
    if (has_service) {
      auto sv = ParseSeconds(cols[3]);
      if (!sv || *sv <= 0) {
        result.error = LineError(name, line_no, "service_s: not a positive number: '" +
                                                    std::string(cols[3]) + "'");
        return result;
      }
      r.service_s = *sv;
    }
    trace.requests.push_back(r);
  }
  if (!header_seen) {
    result.error = std::string(name) + ": empty trace (no header)";
    return result;
  }
  if (trace.requests.empty()) {
    result.error = std::string(name) + ": no requests after the header";
    return result;
  }
  trace.form = azure ? "azure" : "plain";
  trace.start_unix_s = azure ? first_unix_s : 0;
  if (azure) {
    // Make t = 0 the earliest request even when the file is not sorted.
    double min_s = 0;
    for (const auto& r : trace.requests) min_s = std::min(min_s, r.arrival_s);
    for (auto& r : trace.requests) r.arrival_s -= min_s;
    trace.start_unix_s += min_s;
  }
  std::stable_sort(trace.requests.begin(), trace.requests.end(),
                   [](const TraceRequest& a, const TraceRequest& b) {
                     return a.arrival_s < b.arrival_s;
                   });
  result.trace = std::move(trace);
  return result;
}

TraceResult LoadTraceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    TraceResult r;
    r.error = path + ": cannot open trace file";
    return r;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return ParseTrace(buf.str(), path);
}

void ScaleTrace(Trace& trace, double rate_scale) {
  if (!(rate_scale > 0) || rate_scale == 1.0) return;
  for (auto& r : trace.requests) r.arrival_s /= rate_scale;
}

void OverlayTrace(Trace& trace, double rate_scale, uint64_t seed) {
  if (!(rate_scale > 0) || rate_scale == 1.0 || trace.requests.empty()) return;
  Rng rng(seed);
  const std::vector<TraceRequest> base = trace.requests;
  const double duration_s = base.back().arrival_s;
  const double whole = std::floor(rate_scale);
  const double frac = rate_scale - whole;
  const auto copies = static_cast<int64_t>(whole) + (frac > 0 ? 1 : 0);
  trace.requests.clear();
  trace.requests.reserve(static_cast<size_t>(static_cast<double>(base.size()) * rate_scale) + 1);
  for (int64_t k = 0; k < copies; ++k) {
    const double offset_s = k == 0 ? 0.0 : rng.Uniform01() * duration_s;
    const bool partial = k == copies - 1 && frac > 0;
    for (const auto& r : base) {
      if (partial && rng.Uniform01() >= frac) continue;
      TraceRequest c = r;
      c.arrival_s = duration_s > 0 ? std::fmod(r.arrival_s + offset_s, duration_s) : r.arrival_s;
      if (k == 0 && !partial) c.arrival_s = r.arrival_s;
      trace.requests.push_back(c);
    }
  }
  std::stable_sort(trace.requests.begin(), trace.requests.end(),
                   [](const TraceRequest& a, const TraceRequest& b) {
                     return a.arrival_s < b.arrival_s;
                   });
}

void ReplicateTrace(Trace& trace, double rate_scale, double jitter_s, uint64_t seed) {
  if (!(rate_scale > 0) || rate_scale == 1.0 || trace.requests.empty()) return;
  Rng rng(seed);
  const std::vector<TraceRequest> base = trace.requests;
  const double whole = std::floor(rate_scale);
  const double frac = rate_scale - whole;
  trace.requests.clear();
  trace.requests.reserve(static_cast<size_t>(static_cast<double>(base.size()) * rate_scale) + 1);
  for (const auto& r : base) {
    const auto copies = static_cast<int64_t>(whole) + (frac > 0 && rng.Uniform01() < frac ? 1 : 0);
    for (int64_t k = 0; k < copies; ++k) {
      TraceRequest c = r;
      c.arrival_s = r.arrival_s + rng.Uniform01() * std::max(0.0, jitter_s);
      trace.requests.push_back(c);
    }
  }
  std::stable_sort(trace.requests.begin(), trace.requests.end(),
                   [](const TraceRequest& a, const TraceRequest& b) {
                     return a.arrival_s < b.arrival_s;
                   });
}

Trace GeneratePoissonTrace(double rate_rps, double mean_service_s, int64_t n, uint64_t seed) {
  Rng rng(seed);
  Trace trace;
  trace.name = "poisson";
  trace.form = "plain";
  trace.requests.reserve(static_cast<size_t>(n));
  double t = 0;
  for (int64_t i = 0; i < n; ++i) {
    t += rng.Exponential(rate_rps);
    TraceRequest r;
    r.arrival_s = t;
    r.service_s = rng.Exponential(1.0 / mean_service_s);
    trace.requests.push_back(r);
  }
  return trace;
}

}  // namespace slo::sim
