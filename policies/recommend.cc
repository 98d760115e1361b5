#include "policies/recommend.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "policies/erlang.h"
#include "policies/inputs.h"
#include "policies/littles_law.h"
#include "policies/node_pool.h"
#include "policies/numeric.h"
#include "policies/overload.h"
#include "policies/stabilizer.h"
#include "policies/utilization.h"

namespace slo::policies {
namespace {

std::string Arrow(int32_t from, int32_t to) {
  return std::to_string(from) + " → " + std::to_string(to);
}

void AddLimit(Decision& d, Limit l) {
  if (std::find(d.limits.begin(), d.limits.end(), l) == d.limits.end()) d.limits.push_back(l);
}

// Runs every enabled model.
void RunModels(const ScalingConfig& config, const Observation& obs, const ResolvedInputs& in,
               const std::optional<double>& budget, int32_t max_replicas, Decision& d) {
  const int32_t cpr = config.capacity.concurrency_per_replica;
  const double u = config.slo.target_utilization;
  if (config.models.littles_law) {
    d.models.push_back(LittlesLaw({in.arrival_rate_rps, in.service_time_s, cpr, u}));
  }
  if (config.models.backlog) {
    d.models.push_back(Backlog({in.arrival_rate_rps, in.service_time_s, in.queue_depth,
                                budget.value_or(0.0), cpr, max_replicas}));
  }
  if (config.models.utilization) {
    d.models.push_back(
        Utilization({in.in_flight, obs.current_replicas, cpr, u, config.behavior.tolerance}));
  }
  if (config.models.tail_latency) {
    d.models.push_back(
        TailLatencyModel({in.arrival_rate_rps, in.service_time_s, in.service_time_scv,
                          in.prefill_time_s, config.slo, cpr, max_replicas}));
  }
}

// Max over the models that answered; ties go to the tail-latency model, then to the earlier one.
const ModelResult* Binding(const Decision& d) {
  const ModelResult* best = nullptr;
  for (const auto& m : d.models) {
    if (!m.replicas) continue;
    const bool tail = m.name == "erlangC" || m.name == "mgc";
    if (!best || *m.replicas > *best->replicas || (tail && *m.replicas == *best->replicas)) {
      best = &m;
    }
  }
  return best;
}

std::string ModelsText(const Decision& d, const ModelResult* binding) {
  std::string s;
  auto add = [&s](const std::string& part) {
    if (part.empty()) return;
    if (!s.empty()) s += "; ";
    s += part;
  };
  for (const auto& m : d.models) {
    if (m.name == "littlesLaw" && m.replicas && &m != binding) add(m.note);
  }
  if (binding) add(binding->note);
  for (const auto& m : d.models) {
    if (m.missing_inputs.empty()) continue;
    std::string miss = m.name + " lacks";
    for (const auto& x : m.missing_inputs) miss += " " + x;
    add(miss);
  }
  return s;
}

// Reason for the normal path (not a hold, current within [min, max]).
Reason NormalReason(int32_t current, int32_t desired, int32_t rec, int32_t min_r, int32_t max_r,
                    bool tol_hold, bool pool_limited, const StabilizerResult& s) {
  if (desired > current) {
    if (pool_limited) return Reason::kNodePoolLimited;
    if (s.rate == RateOutcome::kScaleUpLimit) return Reason::kScaleUpLimited;
    if (s.rate == RateOutcome::kTooMany) return Reason::kAtMaxReplicas;
    if (s.up_stabilized) return Reason::kScaleUpStabilized;
    return Reason::kScaleUp;
  }
  if (desired < current) {
    if (s.rate == RateOutcome::kScaleDownLimit) return Reason::kScaleDownLimited;
    if (s.rate == RateOutcome::kTooFew) return Reason::kAtMinReplicas;
    if (s.down_stabilized) return Reason::kScaleDownStabilized;
    return Reason::kScaleDown;
  }
  if (rec == current) return Reason::kSteady;
  if (tol_hold) return Reason::kWithinTolerance;
  if (std::clamp(rec, min_r, max_r) == current) {
    return rec > current ? Reason::kAtMaxReplicas : Reason::kAtMinReplicas;
  }
  if (pool_limited) return Reason::kNodePoolLimited;
  if (s.up_disabled) return Reason::kScaleUpDisabled;
  if (s.down_disabled) return Reason::kScaleDownDisabled;
  if (s.up_stabilized && s.stabilized == current) return Reason::kScaleUpStabilized;
  if (s.down_stabilized && s.stabilized == current) return Reason::kScaleDownStabilized;
  return rec > current ? Reason::kScaleUpLimited : Reason::kScaleDownLimited;
}

std::string ActionText(Reason reason, int32_t current, int32_t desired, int32_t rec,
                       const ScalingConfig& config, const StabilizerResult& s) {
  const std::string move = desired > current   ? "scale up " + Arrow(current, desired)
                           : desired < current ? "scale down " + Arrow(current, desired)
                                               : "hold at " + std::to_string(current);
  const std::string wanted = " (recommended " + std::to_string(rec) + ")";
  switch (reason) {
    case Reason::kSteady:
    case Reason::kScaleUp:
    case Reason::kScaleDown:
      return move;
    case Reason::kWithinTolerance:
      return move + ": " + std::to_string(rec) + " is within tolerance " +
             Fmt(config.behavior.tolerance * 100) + "% of current";
    case Reason::kScaleUpLimited:
      return move + wanted + ": scale-up policy allows at most " + std::to_string(s.rate_limit);
    case Reason::kScaleDownLimited:
      return move + wanted + ": scale-down policy allows no fewer than " +
             std::to_string(s.rate_limit);
    case Reason::kScaleUpStabilized:
      return move + wanted + ": lowest recommendation in the " +
             std::to_string(config.behavior.scale_up.stabilization_window_s) +
             " s scale-up window is " + std::to_string(s.stabilized);
    case Reason::kScaleDownStabilized:
      return move + wanted + ": highest recommendation in the " +
             std::to_string(config.behavior.scale_down.stabilization_window_s) +
             " s scale-down window is " + std::to_string(s.stabilized);
    case Reason::kScaleUpDisabled:
      return move + wanted + ": scale-up is disabled (selectPolicy Disabled)";
    case Reason::kScaleDownDisabled:
      return move + wanted + ": scale-down is disabled (selectPolicy Disabled)";
    case Reason::kAtMaxReplicas:
      return move + wanted + ": at maxReplicas " + std::to_string(config.max_replicas);
    case Reason::kAtMinReplicas:
      return move + wanted + ": at minReplicas " + std::to_string(config.min_replicas);
    case Reason::kNodePoolLimited:
      return move + wanted + ": the node pool can host no more";
    default:
      return move;
  }
}

}  // namespace

Decision Decide(const ScalingConfig& config, const Observation& obs, StabilizerState& state,
                double now_s) {
  Decision d;
  d.inputs = obs;
  // NaN and infinities are logged as missing (JSON null), as the models treat them.
  for (std::optional<double>* v :
       {&d.inputs.arrival_rate_rps, &d.inputs.queue_depth, &d.inputs.in_flight,
        &d.inputs.service_time_s, &d.inputs.service_time_scv, &d.inputs.prefill_time_s,
        &d.inputs.latency_s, &d.inputs.sample_age_s}) {
    if (v->has_value() && !std::isfinite(**v)) v->reset();
  }
  const int32_t current = std::max(obs.current_replicas, 0);
  d.current_replicas = current;
  const int32_t min_r = std::max(config.min_replicas, 0);
  const int32_t max_r = std::max(config.max_replicas, min_r);
  const ResolvedInputs in = ResolveInputs(config, obs);
  std::optional<double> budget;
  if (in.service_time_s) budget = WaitBudget(config.slo, *in.service_time_s, in.prefill_time_s);

  RunModels(config, obs, in, budget, max_r, d);
  const ModelResult* binding = Binding(d);
  bool any_missing = false;
  for (const auto& m : d.models) any_missing = any_missing || !m.missing_inputs.empty();
  if (binding) {
    d.binding_model = binding->name;
    d.recommended_replicas = binding->replicas;
  }
  const std::string models_text = ModelsText(d, binding);
  auto with_models = [&models_text](const std::string& action) {
    return models_text.empty() ? action : models_text + "; " + action;
  };

  const bool stale = IsUsable(obs.sample_age_s) && *obs.sample_age_s > config.max_sample_age_s;
  ConsistencyCheck consistency;
  if (std::isfinite(config.consistency_tolerance) && config.consistency_tolerance > 0) {
    consistency =
        CheckLittlesLaw({in.arrival_rate_rps, in.service_time_s, in.in_flight, current,
                         config.capacity.concurrency_per_replica, config.consistency_tolerance});
  }

  std::optional<int32_t> pool_cap;
  if (obs.pool_replica_capacity) pool_cap = std::max(*obs.pool_replica_capacity, 0);

  auto hold = [&](Reason reason, const std::string& why) {
    d.desired_replicas = current;
    d.reason = reason;
    AddLimit(d, Limit::kMissingDataHold);
    d.message = with_models(why + ": hold at " + std::to_string(current) + " (never scale down)");
  };

  if (current > max_r || current < min_r) {
    const bool above = current > max_r;
    d.desired_replicas = above ? max_r : min_r;
    d.reason = above ? Reason::kAtMaxReplicas : Reason::kAtMinReplicas;
    AddLimit(d, above ? Limit::kMaxReplicas : Limit::kMinReplicas);
    d.message = with_models(std::string("current ") + std::to_string(current) +
                            (above ? " is above maxReplicas " : " is below minReplicas ") +
                            std::to_string(d.desired_replicas) + ": scale " +
                            Arrow(current, d.desired_replicas));
    RecordScaleEvent(config.behavior, state, current, d.desired_replicas, now_s);
  } else if (stale) {
    hold(Reason::kMetricsStale, "samples are " + Fmt(*obs.sample_age_s) + " s old (max " +
                                    Fmt(config.max_sample_age_s) + " s)");
  } else if (consistency.checked && !consistency.consistent) {
    hold(Reason::kMetricsInconsistent, "Little's law check failed: in-flight " +
                                           Fmt(consistency.measured_in_flight) + " vs λ×W " +
                                           Fmt(consistency.expected_in_flight) + " (off by " +
                                           Fmt(consistency.relative_error * 100) + "%, tolerance " +
                                           Fmt(config.consistency_tolerance * 100) + "%)");
  } else if (!d.recommended_replicas) {
    hold(Reason::kMetricsMissing, "no model has its inputs");
  } else if (any_missing && *d.recommended_replicas < current) {
    hold(Reason::kMetricsMissing, "inputs missing and the answer (" +
                                      std::to_string(*d.recommended_replicas) +
                                      ") is below current");
  } else {
    const int32_t rec = *d.recommended_replicas;
    int32_t target = rec;
    const double tol = std::isfinite(config.behavior.tolerance) ? config.behavior.tolerance : 0;
    const bool tol_hold = rec != current && current > 0 &&
                          std::fabs(static_cast<double>(rec) / current - 1.0) <= tol + 1e-9;
    if (tol_hold) {
      target = current;
      AddLimit(d, Limit::kTolerance);
    }
    const StabilizerResult s =
        Stabilize(config.behavior, min_r, max_r, current, target, state, now_s);
    int32_t desired = s.desired;
    bool pool_limited = false;
    if (pool_cap && desired > current && desired > *pool_cap) {
      desired = std::max(*pool_cap, current);
      pool_limited = true;
    } else if (pool_cap && desired == current && target > current && current >= *pool_cap) {
      pool_limited = true;
    }
    if (s.up_stabilized) AddLimit(d, Limit::kScaleUpStabilization);
    if (s.down_stabilized) AddLimit(d, Limit::kScaleDownStabilization);
    if (s.up_disabled) AddLimit(d, Limit::kScaleUpDisabled);
    if (s.down_disabled) AddLimit(d, Limit::kScaleDownDisabled);
    switch (s.rate) {
      case RateOutcome::kScaleUpLimit:
        if (!s.up_disabled) AddLimit(d, Limit::kScaleUpRate);
        break;
      case RateOutcome::kScaleDownLimit:
        if (!s.down_disabled) AddLimit(d, Limit::kScaleDownRate);
        break;
      case RateOutcome::kTooMany:
        AddLimit(d, Limit::kMaxReplicas);
        break;
      case RateOutcome::kTooFew:
        AddLimit(d, Limit::kMinReplicas);
        break;
      case RateOutcome::kWithinRange:
        break;
    }
    if (rec > max_r) AddLimit(d, Limit::kMaxReplicas);
    if (rec < min_r) AddLimit(d, Limit::kMinReplicas);
    if (pool_limited) AddLimit(d, Limit::kNodeCapacity);
    d.desired_replicas = desired;
    d.reason = NormalReason(current, desired, rec, min_r, max_r, tol_hold, pool_limited, s);
    d.message = with_models(ActionText(d.reason, current, desired, rec, config, s));
    RecordScaleEvent(config.behavior, state, current, desired, now_s);
  }

  if (d.recommended_replicas) {
    OverloadInput oi;
    oi.needed_replicas = *d.recommended_replicas;
    oi.allowed_replicas = pool_cap ? std::min(max_r, *pool_cap) : max_r;
    oi.arrival_rate_rps = in.arrival_rate_rps;
    oi.service_time_s = in.service_time_s;
    oi.service_time_scv = in.service_time_scv;
    if (config.models.tail_latency) oi.wait_budget_s = budget;
    oi.latency_percentile = config.slo.latency_percentile;
    oi.concurrency_per_replica = config.capacity.concurrency_per_replica;
    oi.target_utilization = config.slo.target_utilization;
    const OverloadResult o = AssessOverload(oi);
    if (o.overload) {
      d.overload = o.overload;
      d.message += "; overloaded: needs " + std::to_string(oi.needed_replicas) + ", allowed " +
                   std::to_string(oi.allowed_replicas) + ", shed " +
                   Fmt(o.overload->shed_fraction * 100) + "% of arrivals";
    }
  }

  if (config.node_pool) {
    const NodePoolSizing& np = *config.node_pool;
    NodePoolDecision n;
    n.current_nodes = std::max(obs.current_nodes.value_or(0), 0);
    const int64_t need =
        NodesForReplicas(d.desired_replicas, np.gpus_per_replica, np.gpus_per_node);
    const int32_t lo = std::max(np.min_nodes, 0);
    n.desired_nodes =
        static_cast<int32_t>(std::clamp<int64_t>(need, lo, std::max(np.max_nodes, lo)));
    n.replica_capacity = ReplicasOnNodes(n.desired_nodes, np.gpus_per_replica, np.gpus_per_node);
    d.node_pool = n;
  }
  return d;
}

}  // namespace slo::policies
