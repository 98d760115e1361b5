#include "policies/numeric.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace slo::policies {

int32_t CeilReplicas(double x) {
  if (!(x > 0)) return 0;  // also NaN
  if (x >= static_cast<double>(kReplicaCeiling)) return kReplicaCeiling;
  const double c = std::ceil(x - 1e-9 * std::max(1.0, x));
  return static_cast<int32_t>(std::max(0.0, c));
}

std::string Fmt(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // std::to_chars: locale-independent and much cheaper than printf; the same text as "%.0f"
  // and "%.3g".
  char buf[64];
  const double a = std::fabs(x);
  const bool whole = a >= 1000 && a < 1e6;
  const auto res = whole ? std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, 0)
                         : std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, 3);
  return std::string(buf, res.ptr);
}

}  // namespace slo::policies
