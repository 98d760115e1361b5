#include "controller/audit/format.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

namespace slo::controller::audit {

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const double a = std::fabs(v);
  if (a >= 1e15 || (a > 0 && a < 1e-4)) {
    std::snprintf(buf, sizeof(buf), "%.3g", v);
    return buf;
  }
  const int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  std::snprintf(buf, sizeof(buf), "%.*f", decimals + (a < 0.01 ? 1 : 0), v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string FormatCount(int64_t v) { return v < 0 ? "-" : std::to_string(v); }

}  // namespace slo::controller::audit
