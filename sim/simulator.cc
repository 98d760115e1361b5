#include "sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/policies/baselines.h"

namespace slo::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

FleetConfig ResolveFleet(const SimOptions& opt) {
  FleetConfig f = opt.fleet;
  f.concurrency_per_replica = opt.config.capacity.concurrency_per_replica;
  f.startup_s = opt.config.capacity.startup_s;
  f.node_pool = opt.config.node_pool;
  f.planned_nodes = opt.config.node_pool.has_value();
  f.latency_metric = opt.config.slo.latency_metric;
  f.service.prefill_fraction_of_service = opt.config.capacity.prefill_fraction;
  return f;
}

OracleWorld MakeWorld(const Trace& trace, const SimOptions& opt, double interval_s) {
  OracleWorld w;
  w.trace = &trace;
  w.service = opt.fleet.service;
  w.service.prefill_fraction_of_service = opt.config.capacity.prefill_fraction;
  w.lead_s = opt.config.capacity.startup_s + interval_s +
             (opt.config.node_pool ? opt.fleet.node_provision_s : 0.0);
  return w;
}

}  // namespace

int32_t AutoInitialReplicas(const Trace& trace, const SimOptions& options) {
  PolicyOptions po;
  po.name = "oracle";
  po.oracle_bucket_s = options.policy.oracle_bucket_s;
  auto made = MakePolicy(po, options.config, MakeWorld(trace, options, po.oracle_bucket_s));
  if (!made.policy) return options.config.min_replicas;
  PolicyInputs in;
  in.now_s = 0;
  return made.policy->Decide(in).desired_replicas;
}

Simulator::Simulator(const Trace& trace, SimOptions options)
    : trace_(trace), opt_(std::move(options)) {}

SimResult Simulator::Run() {
  SimResult result;
  const auto& cfg = opt_.config;
  auto made = MakePolicy(opt_.policy, cfg, MakeWorld(trace_, opt_, opt_.policy.oracle_bucket_s));
  if (!made.policy) {
    result.error = made.error;
    return result;
  }
  SimPolicy& policy = *made.policy;
  Fleet fleet(ResolveFleet(opt_), &trace_.requests, opt_.seed);
  Observer observer(opt_.rate_window_s, cfg.slo.latency_percentile);
  int32_t initial = made.fixed_replicas
                        ? *made.fixed_replicas
                        : opt_.initial_replicas.value_or(AutoInitialReplicas(trace_, opt_));
  if (!made.fixed_replicas) {
    initial = std::clamp(initial, cfg.min_replicas, std::max(cfg.min_replicas, cfg.max_replicas));
  }
  fleet.StartReady(initial);
  policy.Warm(fleet.desired(), 0);
  Summary& sum = result.summary;
  sum.policy = policy.name();
  sum.initial_replicas = fleet.desired();

  const auto& reqs = trace_.requests;
  const size_t n = reqs.size();
  const double last_arrival_s = n ? reqs.back().arrival_s : 0;
  const double interval_s = policy.interval_s() > 0 ? policy.interval_s() : 15;
  std::vector<double> integral;  // [k] = integral of queue + running over [0, k]
  size_t next_arrival = 0;
  int64_t next_tick = 0;
  int64_t scrape_k = 0;
  // The first decision waits for a full rate window of scrapes (as a controller that has just
  // been installed would see nothing before), unless the policy needs no data.
  auto decision_k = static_cast<int64_t>(
      policy.NeedsWarmWindow() ? std::ceil(opt_.rate_window_s / interval_s - 1e-9) : 0);
  size_t progress_step = std::max<size_t>(1, n / 100), next_progress = progress_step;
  controller::DecisionContext ctx = opt_.context;
  ctx.source = "simulator";
  ctx.slo = cfg.slo;
  double now_s = 0;
  double ready_sum = 0;
  policies::NodePoolPlanState pool_state;

  while (true) {
    const bool drained = next_arrival >= n && fleet.queue_depth() == 0 && fleet.in_flight() == 0;
    if (drained || now_s > last_arrival_s + opt_.max_drain_s) break;
    const double t_tick = static_cast<double>(next_tick);
    const double t_fleet = fleet.NextEventTime().value_or(kInf);
    const double t_arrival = next_arrival < n ? reqs[next_arrival].arrival_s : kInf;
    const double t_scrape = static_cast<double>(scrape_k) * opt_.scrape_interval_s;
    const double t_decide = static_cast<double>(decision_k) * interval_s;
    const double t = std::min({t_tick, t_fleet, t_arrival, t_scrape, t_decide});
    now_s = t;
    if (t == t_tick) {
      integral.push_back(fleet.SystemIntegralAt(t));
      TimelineRow row;
      row.t_s = next_tick;
      row.queue_depth = fleet.queue_depth();
      row.in_flight = fleet.in_flight();
      row.ready = fleet.ready();
      row.desired = fleet.desired();
      row.starting = fleet.starting();
      row.draining = fleet.draining();
      ready_sum += row.ready;
      sum.peak_replicas = std::max(sum.peak_replicas, row.ready + row.starting + row.draining);
      result.timeline.push_back(row);
      ++next_tick;
    } else if (t == t_fleet) {
      fleet.ProcessNextEvent();
    } else if (t == t_arrival) {
      fleet.Arrive(t, next_arrival);
      ++next_arrival;
      if (opt_.progress && next_arrival >= next_progress) {
        opt_.progress(static_cast<double>(next_arrival) / static_cast<double>(n));
        next_progress += progress_step;
      }
    } else if (t == t_scrape) {
      observer.Scrape(fleet, t);
      ++scrape_k;
    } else {
      ++decision_k;
      PolicyInputs in;
      in.now_s = t;
      in.obs = observer.Observe(fleet, t);
      in.fleet = &fleet;
      in.concurrency_integral = &integral;
      policies::Decision d = policy.Decide(in);
      const int32_t before = fleet.desired();
      // The node pool, planned and ordered as the controller does (policies/node_pool_plan.h).
      std::optional<policies::NodePoolPlan> plan;
      if (cfg.node_pool) {
        const auto& np = *cfg.node_pool;
        policies::PoolPlanInput pin;
        pin.gpus_per_node = np.gpus_per_node;
        pin.min_nodes = np.min_nodes;
        pin.max_nodes = np.max_nodes;
        pin.current_nodes = fleet.nodes();
        pin.ready_nodes = fleet.ready_nodes();
        pin.contributors.push_back({"simulated", np.gpus_per_replica, before,
                                    before + fleet.draining(), d.desired_replicas, 0, false});
        plan = policies::PlanNodePool(pin, pool_state, opt_.node_pool_planner, t);
        pool_state = plan->next_state;
        if (plan->patch && plan->phase == policies::PoolPatchPhase::kBeforeReplicas) {
          fleet.SetNodes(plan->desired_nodes, t);
        }
      }
      if (d.desired_replicas != before) {
        fleet.SetDesired(d.desired_replicas, t);
        if (fleet.desired() != before) ++sum.scale_events;
      }
      if (plan) {
        if (plan->patch && plan->phase == policies::PoolPatchPhase::kAfterReplicas) {
          fleet.SetNodes(plan->desired_nodes, t);
        }
        d.node_pool = policies::NodePoolDecision{plan->current_nodes, fleet.nodes(),
                                                 plan->contributors.front().replica_capacity};
      }
      ++sum.decisions;
      if (opt_.record_decisions) {
        ctx.ts = controller::FormatRfc3339Millis(trace_.start_unix_s + t);
        ctx.sim_time_s = t;
        ctx.actuated = fleet.desired() != before;
        result.decision_lines.push_back(controller::DecisionLine(d, ctx));
      }
    }
  }
  const double end_s = now_s;
  for (const auto& r : reqs) {
    const auto k = static_cast<size_t>(std::floor(r.arrival_s));
    if (k < result.timeline.size()) ++result.timeline[k].arrivals;
  }

  // Summary.
  std::vector<double> lat;
  lat.reserve(n);
  const double threshold = cfg.slo.latency_threshold_s;
  for (const auto& rec : fleet.records()) {
    if (rec.finish_s < 0) continue;
    ++sum.completed;
    const double l = fleet.LatencyOf(rec);
    lat.push_back(l);
    if (l <= threshold) ++sum.met_slo;
  }
  sum.requests = static_cast<int64_t>(n);
  sum.slo_attainment = n ? static_cast<double>(sum.met_slo) / static_cast<double>(n) : 1.0;
  if (!lat.empty()) {
    sum.latency_max_s = *std::max_element(lat.begin(), lat.end());
    sum.latency_p99_s = Percentile(lat, 99);
    sum.latency_p90_s = Percentile(lat, 90);
    sum.latency_p50_s = Percentile(lat, 50);
  }
  sum.replica_seconds = fleet.ReplicaSecondsAt(end_s);
  const int32_t gpus = cfg.node_pool ? cfg.node_pool->gpus_per_replica : 1;
  sum.gpu_seconds = sum.replica_seconds * gpus;
  const double slot_s = sum.replica_seconds * cfg.capacity.concurrency_per_replica;
  sum.mean_utilization = slot_s > 0 ? fleet.BusySlotSecondsAt(end_s) / slot_s : 0;
  sum.mean_ready_replicas =
      result.timeline.empty() ? 0 : ready_sum / static_cast<double>(result.timeline.size());
  sum.duration_s = end_s;
  result.requests = fleet.records();
  if (opt_.progress) opt_.progress(1.0);
  return result;
}

}  // namespace slo::sim
