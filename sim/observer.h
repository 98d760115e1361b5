// sim/observer.h: what Prometheus would show a policy, not the simulator's truth.
//
// Scrape() records, every scrape interval, the counters a vLLM-like /metrics endpoint exposes
// (completed requests, sum of in-service and prefill seconds) and the gauges (queue depth,
// requests running). Observe() builds a policies::Observation from the samples in the last
// `window_s` the way the controller's Prometheus layer does:
//   rate(x[1m])        = (last - first) / (t_last - t_first) over the samples in the window
//   arrival_rate_rps   = rate(completed) + (growth of queue + running) / (t_last - t_first)
//                        (so a saturated fleet, whose completions plateau, is seen overloaded)
//   service_time_s     = increase(service_sum) / increase(completed)
//   prefill_time_s     = increase(prefill_sum) / increase(completed)
//   service_time_scv   = variance / mean^2 of the window's completed service times (>= 2 of them)
//   latency_s          = the SLO percentile of the window's completed requests' SLO latency
//   queue_depth, in_flight = gauges at the last scrape; sample_age_s = now - last scrape
// With fewer than two samples in the window the rate-based inputs are missing (nullopt).
//
// Example:
//   Observer obs(15, 60, 99);
//   obs.Scrape(fleet, t);  ... policies::Observation o = obs.Observe(fleet, t);
//
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <vector>

#include "policies/types.h"
#include "sim/fleet.h"

namespace slo::sim {

struct ScrapeSample {
  double t_s = 0;
  int64_t completed = 0;
  double service_sum_s = 0;
  double prefill_sum_s = 0;
  double queue_depth = 0;
  double running = 0;
};

class Observer {
 public:
  Observer(double window_s, double latency_percentile)
      : window_s_(window_s), percentile_(latency_percentile) {}

  void Scrape(const Fleet& fleet, double t_s);
  policies::Observation Observe(const Fleet& fleet, double t_s) const;
  const std::vector<ScrapeSample>& samples() const { return samples_; }

 private:
  double window_s_;
  double percentile_;
  std::vector<ScrapeSample> samples_;
};

// The p-th percentile (0..100) of values by the nearest-rank method; values is reordered.
double Percentile(std::vector<double>& values, double p);

}  // namespace slo::sim
