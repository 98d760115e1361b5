// sim/simulator.h: the deterministic discrete-event simulation behind `slo-autoscaler simulate`.
//
// Replays a trace against a Fleet, scraping it like Prometheus (Observer), asking a SimPolicy
// for a Decision every interval and applying it; records one timeline row per simulated second
// and one decision-log line per decision. Time is double seconds from the trace start; events at
// the same instant run in a fixed order (timeline sample, fleet events, arrivals, scrape,
// decision), so the same inputs and seed give the same outputs, byte for byte.
//
// Example:
//   SimOptions opt;  opt.config = cr.config;  opt.policy.name = "hpa";
//   Simulator sim(trace, opt);
//   auto r = sim.Run();   // r.summary.slo_attainment, r.timeline, r.decision_lines
//
// Thread-safety: one Simulator per thread; Run() once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/record/decision_json.h"
#include "policies/node_pool_plan.h"
#include "policies/types.h"
#include "sim/fleet.h"
#include "sim/observer.h"
#include "sim/policies/policy.h"
#include "sim/trace.h"

namespace slo::sim {

struct SimOptions {
  policies::ScalingConfig config;
  FleetConfig fleet;  // concurrency/startup/node pool are taken from config in Run()
  // With a node pool: when the pool grows and shrinks around the replicas (the controller's
  // planner, policies/node_pool_plan.h: pool first on scale-up, after the pods and a 600 s
  // window on scale-down).
  policies::NodePoolPlannerOptions node_pool_planner;
  PolicyOptions policy;
  double scrape_interval_s = 15;
  double rate_window_s = 60;
  std::optional<int32_t> initial_replicas;  // nullopt: the oracle's need for the first window
  uint64_t seed = 1;
  double rate_scale = 1;
  std::string scale_mode = "compress";  // recorded in the summary (the caller scales the trace)
  bool record_decisions = true;
  double max_drain_s = 6 * 3600;  // stop this long after the last arrival if work remains
  controller::DecisionContext context;  // identity fields of the decision-log lines
  std::function<void(double done_fraction)> progress;
};

struct TimelineRow {
  int64_t t_s = 0;
  int32_t arrivals = 0;  // requests arriving in [t, t + 1)
  int32_t queue_depth = 0;
  int32_t in_flight = 0;
  int32_t ready = 0;
  int32_t desired = 0;
  int32_t starting = 0;
  int32_t draining = 0;
};

struct Summary {
  std::string policy;
  int64_t requests = 0;
  int64_t completed = 0;
  int64_t met_slo = 0;
  double slo_attainment = 0;  // met / requests (unfinished requests miss)
  double latency_p50_s = 0, latency_p90_s = 0, latency_p99_s = 0, latency_max_s = 0;
  double replica_seconds = 0;
  double gpu_seconds = 0;
  double mean_utilization = 0;  // busy slot-seconds / (replica-seconds × slots per replica)
  int64_t scale_events = 0;     // decisions that changed the desired count
  int64_t decisions = 0;
  int32_t initial_replicas = 0;
  int32_t peak_replicas = 0;    // max ready + starting + draining
  double mean_ready_replicas = 0;
  double duration_s = 0;        // simulated time until the last request finished
};

struct SimResult {
  std::string error;  // non-empty: the run could not start (bad policy options)
  Summary summary;
  std::vector<TimelineRow> timeline;
  std::vector<std::string> decision_lines;
  std::vector<RequestRecord> requests;
};

class Simulator {
 public:
  Simulator(const Trace& trace, SimOptions options);
  SimResult Run();

 private:
  const Trace& trace_;
  SimOptions opt_;
};

// The oracle's replica count for the first startup window (the default initial fleet).
int32_t AutoInitialReplicas(const Trace& trace, const SimOptions& options);

}  // namespace slo::sim
