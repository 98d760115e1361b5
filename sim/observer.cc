#include "sim/observer.h"

#include <algorithm>
#include <cmath>

namespace slo::sim {

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const double n = static_cast<double>(values.size());
  auto rank = static_cast<size_t>(std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * n));
  rank = std::clamp<size_t>(rank, 1, values.size());
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                   values.end());
  return values[rank - 1];
}

void Observer::Scrape(const Fleet& fleet, double t_s) {
  ScrapeSample s;
  s.t_s = t_s;
  s.completed = fleet.completed_total();
  s.service_sum_s = fleet.service_sum_s();
  s.prefill_sum_s = fleet.prefill_sum_s();
  s.queue_depth = fleet.queue_depth();
  s.running = fleet.in_flight();
  samples_.push_back(s);
}

policies::Observation Observer::Observe(const Fleet& fleet, double t_s) const {
  policies::Observation o;
  o.current_replicas = fleet.desired();
  o.ready_replicas = fleet.ready();
  if (fleet.config().node_pool) {
    o.current_nodes = fleet.nodes();
    o.pool_replica_capacity = fleet.node_replica_capacity();
  }
  // Last sample at or before t_s.
  auto last = std::upper_bound(samples_.begin(), samples_.end(), t_s,
                               [](double t, const ScrapeSample& s) { return t < s.t_s; });
  if (last == samples_.begin()) return o;
  const ScrapeSample& s1 = *(last - 1);
  o.queue_depth = s1.queue_depth;
  o.in_flight = s1.running;
  o.sample_age_s = t_s - s1.t_s;
  // First sample inside (t_s - window, t_s].
  auto first = std::lower_bound(samples_.begin(), last, t_s - window_s_ + 1e-9,
                                [](const ScrapeSample& s, double t) { return s.t_s < t; });
  const ScrapeSample& s0 = *first;
  const double dt = s1.t_s - s0.t_s;
  if (dt <= 0) return o;
  const double completed = static_cast<double>(s1.completed - s0.completed);
  const double growth = (s1.queue_depth + s1.running) - (s0.queue_depth + s0.running);
  o.arrival_rate_rps = std::max(0.0, (completed + growth) / dt);
  if (completed > 0) {
    o.service_time_s = (s1.service_sum_s - s0.service_sum_s) / completed;
    o.prefill_time_s = (s1.prefill_sum_s - s0.prefill_sum_s) / completed;
    const auto& order = fleet.completed_order();
    const auto& recs = fleet.records();
    double sum = 0, sq = 0;
    std::vector<double> lat;
    lat.reserve(static_cast<size_t>(completed));
    for (int64_t i = s0.completed; i < s1.completed; ++i) {
      const RequestRecord& r = recs[order[static_cast<size_t>(i)]];
      sum += r.service_s;
      sq += r.service_s * r.service_s;
      lat.push_back(fleet.LatencyOf(r));
    }
    if (completed >= 2) {
      const double mean = sum / completed;
      const double var = std::max(0.0, sq / completed - mean * mean);
      if (mean > 0) o.service_time_scv = var / (mean * mean);
    }
    o.latency_s = Percentile(lat, percentile_);
  }
  return o;
}

}  // namespace slo::sim
