#include "controller/prom/estimates.h"

#include <algorithm>
#include <cmath>

namespace slo::controller::prom {
namespace {
bool Finite(const std::optional<double>& v) { return v.has_value() && std::isfinite(*v); }
}  // namespace

ArrivalEstimate EstimateArrivalRate(std::optional<double> completion_rps,
                                    std::optional<double> backlog_growth_rps) {
  ArrivalEstimate e;
  if (!Finite(completion_rps)) {
    e.note = "completion rate missing";
    return e;
  }
  if (!Finite(backlog_growth_rps)) {
    e.rate_rps = std::max(0.0, *completion_rps);
    e.note = "backlog growth missing: completion rate only";
    return e;
  }
  e.rate_rps = std::max(0.0, *completion_rps + *backlog_growth_rps);
  e.note = "completion rate + backlog growth";
  return e;
}

std::optional<double> ScvFromBuckets(std::vector<std::pair<double, double>> buckets) {
  if (buckets.empty()) return std::nullopt;
  std::sort(buckets.begin(), buckets.end());
  double prev_le = 0;
  double prev_cum = 0;
  double total = 0;
  double m1 = 0;
  double m2 = 0;
  for (const auto& [le, cum] : buckets) {
    if (std::isnan(le) || !std::isfinite(cum)) return std::nullopt;
    double count = std::max(0.0, cum - prev_cum);
    double a = prev_le;
    double b = std::isinf(le) ? prev_le : std::max(le, prev_le);
    if (le < 0) return std::nullopt;
    m1 += count * (a + b) / 2;
    m2 += count * (a * a + a * b + b * b) / 3;
    total += count;
    prev_cum = std::max(prev_cum, cum);
    if (!std::isinf(le)) prev_le = b;
  }
  if (total <= 0) return std::nullopt;
  double mean = m1 / total;
  if (mean <= 0) return std::nullopt;
  double scv = (m2 / total) / (mean * mean) - 1;
  return std::max(0.0, scv);
}

}  // namespace slo::controller::prom
