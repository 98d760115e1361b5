#include "controller/reconcile/reconciler.h"

#include <chrono>
#include <set>
#include <sstream>
#include <utility>

#include "controller/reconcile/status.h"
#include "controller/record/decision_json.h"
#include "controller/spec/autoscaler.h"
#include "policies/recommend.h"

namespace slo::controller {

using policies::Decision;
using policies::Reason;

struct Reconciler::Prepared {
  std::string ns;
  std::string name;
  std::string uid;
  std::string key;
  int64_t generation = 0;
  nlohmann::json prev_status = nlohmann::json::object();
  ParsedAutoscaler parsed;
  std::optional<ScaleState> scale;
  bool observe = false;  // reached the observe step
  Decision decision;
  std::string intended_reason;  // set when dry-run replaced the scaling reason
  std::vector<ConditionUpdate> conditions;
  std::string error;
  bool actuated = false;
  bool dry_run = false;
  // Kept between the decide and act loops (node pools are planned in between).
  ObservedMetrics metrics;
  std::vector<policies::ScaleEvent> up_events;
  std::vector<policies::ScaleEvent> down_events;
};

namespace {

std::string TargetNamespace(const InferenceAutoscaler& ia) {
  return ia.scale_target_ref.namespace_.empty() ? ia.meta.namespace_
                                                : ia.scale_target_ref.namespace_;
}

// A decision made without the models: invalid spec, missing target, conflict, API error.
Decision Terminal(Reason reason, const std::string& message, int32_t current) {
  Decision d;
  d.reason = reason;
  d.message = message;
  d.current_replicas = current;
  d.desired_replicas = current;
  d.inputs.current_replicas = current;
  return d;
}

int32_t PreviousReplicas(const nlohmann::json& status) {
  auto it = status.find("currentReplicas");
  if (it != status.end() && it->is_number_integer()) return it->get<int32_t>();
  return 0;
}

bool IsMetricsReason(Reason r) {
  return r == Reason::kMetricsMissing || r == Reason::kMetricsStale ||
         r == Reason::kMetricsInconsistent;
}

bool IsLimitReason(Reason r) {
  return r == Reason::kAtMaxReplicas || r == Reason::kAtMinReplicas ||
         r == Reason::kScaleUpLimited || r == Reason::kScaleDownLimited ||
         r == Reason::kNodePoolLimited;
}

std::string FormatFraction(double x) {
  std::ostringstream s;
  s.precision(3);
  s << x;
  return s.str();
}

}  // namespace

Reconciler::Reconciler(ReconcilerPorts ports, ReconcilerOptions options)
    : ports_(ports), options_(std::move(options)) {}

PassResult Reconciler::RunPass(const std::vector<nlohmann::json>& objects, double now_s) {
  PassResult result;
  const std::string now_ts = FormatRfc3339Millis(now_s);
  if (ports_.conflicts) ports_.conflicts->BeginPass();

  std::vector<Prepared> prepared(objects.size());
  std::vector<ObserveItem> items;
  for (size_t i = 0; i < objects.size(); ++i) {
    const nlohmann::json& obj = objects[i];
    Prepared& p = prepared[i];
    const nlohmann::json meta = obj.value("metadata", nlohmann::json::object());
    p.ns = meta.value("namespace", "");
    p.name = meta.value("name", "");
    p.uid = meta.value("uid", p.ns + "/" + p.name);
    p.key = p.ns + "/" + p.name;
    p.generation = meta.contains("generation") && meta["generation"].is_number_integer()
                       ? meta["generation"].get<int64_t>()
                       : 0;
    if (auto it = last_status_.find(p.uid); it != last_status_.end()) {
      p.prev_status = it->second;
    } else if (obj.contains("status") && obj["status"].is_object()) {
      p.prev_status = obj["status"];
    }
    p.parsed = ParseAutoscalerJson(obj);
    if (!p.parsed.errors.empty() || !p.parsed.autoscaler) {
      std::string msg = "invalid spec, no action:";
      for (const auto& e : p.parsed.errors) msg += " " + e.path + ": " + e.message + ";";
      if (!msg.empty() && msg.back() == ';') msg.pop_back();
      p.decision = Terminal(Reason::kInvalidSpec, msg, PreviousReplicas(p.prev_status));
      p.conditions.push_back({kCondReady, "False", "InvalidSpec", msg});
      continue;
    }
    const InferenceAutoscaler& ia = *p.parsed.autoscaler;
    PortError err;
    p.scale = ports_.scale->GetScale(ia.scale_target_ref, TargetNamespace(ia), &err);
    const std::string target =
        ia.scale_target_ref.kind + " " + TargetNamespace(ia) + "/" + ia.scale_target_ref.name;
    if (!p.scale) {
      int32_t prev = PreviousReplicas(p.prev_status);
      if (err.not_found) {
        std::string msg = "scale target " + target + " not found: " + err.message;
        p.decision = Terminal(Reason::kTargetNotFound, msg, prev);
        p.conditions.push_back({kCondReady, "False", "TargetNotFound", msg});
        p.conditions.push_back({kCondAbleToScale, "False", "FailedGetScale", msg});
      } else {
        std::string msg = "cannot read the /scale of " + target + ": " + err.message;
        p.decision = Terminal(Reason::kApiError, msg, prev);
        p.conditions.push_back({kCondAbleToScale, "False", "FailedGetScale", msg});
      }
      continue;
    }
    if (ports_.conflicts) {
      if (auto other = ports_.conflicts->FindConflict(TargetNamespace(ia), ia.scale_target_ref)) {
        std::string msg =
            *other + " also scales " + target + "; refusing to act until it is removed";
        p.decision = Terminal(Reason::kConflictingAutoscaler, msg, p.scale->spec_replicas);
        p.conditions.push_back({kCondReady, "False", "ConflictingAutoscaler", msg});
        continue;
      }
    }
    p.observe = true;
    items.push_back({p.key, &ia});
  }

  std::map<std::string, ObservedMetrics> observed;
  if (!items.empty()) {
    const auto observe_start = std::chrono::steady_clock::now();
    observed = ports_.metrics->Observe(items, now_s);
    result.prometheus_queries = ports_.metrics->QueriesLastPass();
    result.observe_duration_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - observe_start).count();
  }

  // Node pools (controller/nodepool): read once per pass, before any decision.
  if (ports_.node_pools) {
    std::vector<NodePoolMember> members;
    for (const Prepared& p : prepared) {
      if (!p.observe || !p.parsed.autoscaler->node_pool) continue;
      const InferenceAutoscaler& ia = *p.parsed.autoscaler;
      members.push_back(
          {p.key, p.uid, &ia, TargetNamespace(ia), *p.scale, options_.dry_run || ia.dry_run});
    }
    ports_.node_pools->BeginPass(members, now_s);
  }

  // Decide every autoscaler first, so that node pools are planned (and scaled up) before any
  // target is patched.
  for (Prepared& p : prepared) {
    if (!p.observe) continue;
    const InferenceAutoscaler& ia = *p.parsed.autoscaler;
    if (auto it = observed.find(p.key); it != observed.end()) p.metrics = it->second;
    const ObservedMetrics& m = p.metrics;
    if (!m.prometheus_error.empty()) result.prometheus_failed = true;
    policies::Observation obs = m.observation;
    obs.current_replicas = p.scale->spec_replicas;
    obs.ready_replicas = p.scale->status_replicas;
    if (ports_.node_pools) ports_.node_pools->Annotate(p.key, &obs);
    auto st = states_.find(p.uid);
    if (st == states_.end()) {
      st = states_
               .emplace(p.uid, StabilizerFromJson(
                                   p.prev_status.value("stabilizer", nlohmann::json::object())))
               .first;
    }
    p.up_events = st->second.scale_up_events;
    p.down_events = st->second.scale_down_events;
    p.decision = policies::Decide(ia.config, obs, st->second, now_s);
    if (!m.prometheus_error.empty())
      p.decision.message += " (Prometheus: " + m.prometheus_error + ")";
  }
  if (ports_.node_pools) {  // pool scale-ups happen here, before the targets
    std::map<std::string, Decision> decisions;
    for (const Prepared& p : prepared) {
      if (p.observe) decisions[p.key] = p.decision;
    }
    ports_.node_pools->BeforeReplicas(decisions, now_s);
  }

  for (Prepared& p : prepared) {
    if (p.observe) {
      const InferenceAutoscaler& ia = *p.parsed.autoscaler;
      const ObservedMetrics& m = p.metrics;
      policies::StabilizerState& state = states_.at(p.uid);
      const auto& up_events = p.up_events;
      const auto& down_events = p.down_events;
      Decision& d = p.decision;
      const std::string target =
          ia.scale_target_ref.kind + " " + TargetNamespace(ia) + "/" + ia.scale_target_ref.name;
      if (d.desired_replicas != d.current_replicas) {
        if (options_.dry_run || ia.dry_run) {
          p.dry_run = true;
          p.intended_reason = std::string(policies::ReasonName(d.reason));
          d.message = "dry run, not applied: would " + p.intended_reason + " " +
                      std::to_string(d.current_replicas) + " -> " +
                      std::to_string(d.desired_replicas) + ": " + d.message;
          d.reason = Reason::kDryRun;
        } else {
          PortError err;
          if (ports_.scale->SetReplicas(ia.scale_target_ref, TargetNamespace(ia),
                                        d.desired_replicas, &err)) {
            p.actuated = true;
          } else {
            p.error = "PATCH /scale of " + target + " failed: " + err.message;
          }
        }
      } else if (options_.dry_run || ia.dry_run) {
        p.dry_run = true;
      }
      if (!p.actuated) {  // the stabiliser must not remember a scale event that did not happen
        state.scale_up_events = up_events;
        state.scale_down_events = down_events;
      }
      p.conditions.push_back({kCondReady, "True", "Valid",
                              "the spec is valid and " + target + " has a /scale subresource"});
      if (IsMetricsReason(d.reason) || !m.prometheus_error.empty()) {
        std::string reason = IsMetricsReason(d.reason) ? std::string(policies::ReasonName(d.reason))
                                                       : "PrometheusError";
        p.conditions.push_back({kCondMetricsAvailable, "False", reason, d.message});
      } else {
        p.conditions.push_back({kCondMetricsAvailable, "True", "ValidMetricsFound",
                                "the inputs the models need were read from Prometheus"});
      }
      if (p.actuated) {
        p.conditions.push_back({kCondAbleToScale, "True", "SucceededRescale",
                                "scaled " + target + " to " + std::to_string(d.desired_replicas)});
      } else if (!p.error.empty()) {
        p.conditions.push_back({kCondAbleToScale, "False", "FailedUpdateScale", p.error});
      } else {
        p.conditions.push_back({kCondAbleToScale, "True", "ReadyForNewScale",
                                "the target's /scale can be read and patched"});
      }
      Reason limit_reason = p.dry_run && !p.intended_reason.empty()
                                ? policies::ParseReason(p.intended_reason).value_or(d.reason)
                                : d.reason;
      if (IsLimitReason(limit_reason)) {
        p.conditions.push_back({kCondScalingLimited, "True",
                                std::string(policies::ReasonName(limit_reason)), d.message});
      } else {
        p.conditions.push_back({kCondScalingLimited, "False", "DesiredWithinRange",
                                "the desired count is within bounds and rate limits"});
      }
      if (d.overload) {
        p.conditions.push_back({kCondOverloaded, "True", "Overloaded",
                                "the capped fleet is " +
                                    std::to_string(d.overload->shortfall_replicas) +
                                    " replicas short of the SLO; shed fraction " +
                                    FormatFraction(d.overload->shed_fraction)});
      } else {
        p.conditions.push_back(
            {kCondOverloaded, "False", "WithinCapacity", "the allowed fleet can meet the SLO"});
      }
      if (ports_.node_pools) {  // the pool's share of this decision (nodePool block, conditions)
        if (auto np = ports_.node_pools->Outcome(p.key)) {
          if (np->node_pool) d.node_pool = np->node_pool;
          d.message += np->message;
          for (const auto& c : np->conditions) {
            p.conditions.push_back({c.type, c.status, c.reason, c.message});
          }
        }
      }
    }
    Finish(p, now_s, now_ts, result);
  }
  if (ports_.node_pools) {  // pool scale-downs (after the targets), one line per pool
    for (const auto& line : ports_.node_pools->AfterReplicas(now_s)) ports_.decisions->Write(line);
  }

  // Forget autoscalers that are gone.
  std::set<std::string> uids;
  std::set<std::string> keys;
  for (const Prepared& p : prepared) {
    uids.insert(p.uid);
    keys.insert(p.key);
  }
  for (auto it = states_.begin(); it != states_.end();) {
    it = uids.count(it->first) ? std::next(it) : states_.erase(it);
  }
  for (auto it = last_status_.begin(); it != last_status_.end();) {
    it = uids.count(it->first) ? std::next(it) : last_status_.erase(it);
  }
  if (ports_.controller_metrics) {
    for (const auto& key : ports_.controller_metrics->KnownAutoscalers()) {
      if (keys.count(key)) continue;
      auto slash = key.find('/');
      ports_.controller_metrics->ForgetAutoscaler(key.substr(0, slash), key.substr(slash + 1));
    }
  }
  return result;
}

void Reconciler::Finish(Prepared& p, double now_s, const std::string& now_ts, PassResult& result) {
  const Decision& d = p.decision;
  // Status.
  nlohmann::json status = p.prev_status.is_object() ? p.prev_status : nlohmann::json::object();
  nlohmann::json conditions = status.value("conditions", nlohmann::json::array());
  std::vector<ConditionUpdate> warnings;
  for (const auto& c : p.conditions) {
    bool changed = SetCondition(conditions, c, now_ts, p.generation);
    bool bad = (c.type == kCondOverloaded) ? c.status == "True" : c.status == "False";
    if (changed && bad && c.type != kCondScalingLimited) warnings.push_back(c);
  }
  status["conditions"] = conditions;
  status["observedGeneration"] = p.generation;
  if (p.scale || d.reason != Reason::kInvalidSpec) status["currentReplicas"] = d.current_replicas;
  status["desiredReplicas"] = d.desired_replicas;
  if (p.actuated) status["lastScaleTime"] = now_ts;
  nlohmann::json last = {{"time", now_ts},
                         {"reason", std::string(policies::ReasonName(d.reason))},
                         {"message", d.message},
                         {"currentReplicas", d.current_replicas},
                         {"desiredReplicas", d.desired_replicas},
                         {"actuated", p.actuated},
                         {"dryRun", p.dry_run}};
  last["recommendedReplicas"] =
      d.recommended_replicas ? nlohmann::json(*d.recommended_replicas) : nlohmann::json(nullptr);
  last["bindingModel"] =
      d.binding_model.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.binding_model);
  status["lastDecision"] = last;
  if (auto it = states_.find(p.uid); it != states_.end()) {
    status["stabilizer"] = StabilizerToJson(it->second);
  }
  if (d.node_pool) {
    status["nodePool"] = {{"currentNodes", d.node_pool->current_nodes},
                          {"desiredNodes", d.node_pool->desired_nodes}};
  }
  PortError err;
  if (!ports_.status->PatchStatus(p.ns, p.name, status, &err)) {
    std::string e = "status update failed: " + err.message;
    p.error = p.error.empty() ? e : p.error + "; " + e;
  }
  last_status_[p.uid] = status;

  // Events: every actuated change, failed patches, and transitions into a bad condition.
  auto emit = [&](const std::string& type, const std::string& reason, const std::string& msg) {
    PortError ignored;
    ports_.events->Emit({p.ns, p.name, p.uid, type, reason, msg}, &ignored);
  };
  if (p.actuated) {
    emit("Normal", std::string(policies::ReasonName(d.reason)),
         "New size: " + std::to_string(d.desired_replicas) + " (was " +
             std::to_string(d.current_replicas) + "); " + d.message);
  }
  if (p.error.find("PATCH /scale") != std::string::npos)
    emit("Warning", "FailedUpdateScale", p.error);
  for (const auto& w : warnings) emit("Warning", w.reason, w.message);

  // The decision line: written whatever else failed.
  DecisionContext ctx;
  ctx.ts = now_ts;
  ctx.source = "controller";
  ctx.autoscaler_namespace = p.ns;
  ctx.autoscaler_name = p.name;
  ctx.autoscaler_uid = p.uid;
  ctx.generation = p.generation;
  if (p.parsed.autoscaler) {
    const auto& ia = *p.parsed.autoscaler;
    ctx.target_api_version = ia.scale_target_ref.api_version;
    ctx.target_kind = ia.scale_target_ref.kind;
    ctx.target_name = ia.scale_target_ref.name;
    ctx.slo = ia.config.slo;
  }
  ctx.dry_run = p.dry_run;
  ctx.actuated = p.actuated;
  ctx.controller_version = options_.controller_version;
  ctx.controller_commit = options_.controller_commit;
  ctx.controller_instance = options_.controller_instance;
  nlohmann::json line = DecisionToJson(d, ctx);
  if (!p.error.empty()) line["error"] = p.error;
  if (!p.intended_reason.empty()) line["intendedReason"] = p.intended_reason;
  ports_.decisions->Write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  (void)now_s;

  if (ports_.controller_metrics) ports_.controller_metrics->RecordDecision(p.ns, p.name, d);
  result.outcomes.push_back({p.key, d, p.actuated, p.dry_run, p.error, status});
}

}  // namespace slo::controller
