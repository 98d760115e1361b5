#include "controller/nodepool/coordinator.h"

#include <algorithm>
#include <charconv>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "controller/record/decision_json.h"

namespace slo::controller {

using policies::PoolPatchPhase;

struct NodePoolCoordinator::Pool {
  PoolRef ref;
  std::vector<NodePoolMember> members;
  std::optional<PoolState> state;
  std::string error;
  bool not_found = false;
  bool ca_managed = false;
  bool dry_run = true;  // every member is in dry run
  policies::PoolPlanInput input;
  std::vector<int32_t> capacities;
  std::optional<policies::NodePoolPlan> plan;
  bool actuated = false;
  std::string patch_error;
  std::string bounds_note;
  policies::NodePoolPlannerOptions planner;
};

struct NodePoolCoordinator::Metrics {
  explicit Metrics(prometheus::Registry& r)
      : current(prometheus::BuildGauge()
                    .Name("slo_autoscaler_node_pool_current_nodes")
                    .Help("Nodes the pool has (its replica count), per pool")
                    .Register(r)),
        desired(prometheus::BuildGauge()
                    .Name("slo_autoscaler_node_pool_target_nodes")
                    .Help("Nodes the pool should have after this pass, per pool")
                    .Register(r)),
        ready(prometheus::BuildGauge()
                  .Name("slo_autoscaler_node_pool_ready_nodes")
                  .Help("Ready nodes of the pool (absent when unknown)")
                  .Register(r)),
        pending(prometheus::BuildGauge()
                    .Name("slo_autoscaler_node_pool_pending_pods")
                    .Help("Pending pods of the pool's autoscalers' targets")
                    .Register(r)),
        limited(prometheus::BuildGauge()
                    .Name("slo_autoscaler_node_pool_limited")
                    .Help("1 when the demand exceeds what maxNodes hosts")
                    .Register(r)),
        stuck(prometheus::BuildGauge()
                  .Name("slo_autoscaler_node_pool_stuck")
                  .Help("1 when raised nodes did not become Ready within the timeout")
                  .Register(r)),
        patches(prometheus::BuildCounter()
                    .Name("slo_autoscaler_node_pool_patches_total")
                    .Help("Pool patches by direction (up, down) and result (ok, error)")
                    .Register(r)) {}
  prometheus::Family<prometheus::Gauge>& current;
  prometheus::Family<prometheus::Gauge>& desired;
  prometheus::Family<prometheus::Gauge>& ready;
  prometheus::Family<prometheus::Gauge>& pending;
  prometheus::Family<prometheus::Gauge>& limited;
  prometheus::Family<prometheus::Gauge>& stuck;
  prometheus::Family<prometheus::Counter>& patches;
};

namespace {

std::optional<int32_t> ParseCount(const std::map<std::string, std::string>& annotations,
                                  const char* key) {
  auto it = annotations.find(key);
  if (it == annotations.end()) return std::nullopt;
  int32_t v = 0;
  const std::string& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

PoolRef RefOf(const NodePoolMember& m) {
  const NodePoolSpec& np = *m.autoscaler->node_pool;
  PoolRef r{np.scale_target_ref, np.replicas_path};
  if (r.ref.namespace_.empty()) r.ref.namespace_ = m.autoscaler->meta.namespace_;
  return r;
}

const char* PhaseName(PoolPatchPhase p) {
  switch (p) {
    case PoolPatchPhase::kBeforeReplicas: return "BeforeReplicas";
    case PoolPatchPhase::kAfterReplicas: return "AfterReplicas";
    case PoolPatchPhase::kNone: break;
  }
  return "None";
}

}  // namespace

NodePoolCoordinator::NodePoolCoordinator(NodePoolPort* port, EventPort* events,
                                         NodePoolCoordinatorOptions options)
    : port_(port), events_(events), options_(std::move(options)) {
  if (options_.registry) metrics_ = std::make_unique<Metrics>(*options_.registry);
}

NodePoolCoordinator::~NodePoolCoordinator() = default;

void NodePoolCoordinator::BeginPass(const std::vector<NodePoolMember>& members, double now_s) {
  (void)now_s;
  pools_.clear();
  member_pool_.clear();
  for (const auto& m : members) {
    if (!m.autoscaler || !m.autoscaler->node_pool) continue;
    const PoolRef ref = RefOf(m);
    Pool& pool = pools_[ref.Key()];
    pool.ref = ref;
    pool.members.push_back(m);
    member_pool_[m.key] = ref.Key();
  }
  for (auto& [key, pool] : pools_) {
    PortError err;
    pool.state = port_->GetPool(pool.ref, &err);
    if (!pool.state) {
      pool.not_found = err.not_found;
      pool.error = (err.not_found ? "node pool " + key + " not found: "
                                  : "cannot read node pool " + key + ": ") + err.message;
      continue;
    }
    const auto& ann = pool.state->annotations;
    const auto ann_min = ParseCount(ann, kCapiMinSizeAnnotation);
    const auto ann_max = ParseCount(ann, kCapiMaxSizeAnnotation);
    auto opt_in = ann.find(kManageNodePoolAnnotation);
    const bool opted_in = opt_in != ann.end() && opt_in->second == "true";
    if (ann.count(kCapiMinSizeAnnotation) && ann.count(kCapiMaxSizeAnnotation) && !opted_in) {
      pool.ca_managed = true;
      pool.error = "node pool " + key + " carries both " + kCapiMinSizeAnnotation + " and " +
                   kCapiMaxSizeAnnotation + ", so the Cluster Autoscaler manages it; not "
                   "co-managing it (set " + kManageNodePoolAnnotation + ": \"true\" on the pool "
                   "if the Cluster Autoscaler does not watch it)";
      continue;
    }
    policies::PoolPlanInput& in = pool.input;
    const auto& first = pool.members.front().autoscaler->node_pool->sizing;
    in.gpus_per_node = first.gpus_per_node;
    in.min_nodes = first.min_nodes;
    in.max_nodes = first.max_nodes;
    for (const auto& m : pool.members) {
      const auto& s = m.autoscaler->node_pool->sizing;
      in.min_nodes = std::max(in.min_nodes, s.min_nodes);
      in.max_nodes = std::min(in.max_nodes, s.max_nodes);
      if (!m.dry_run) pool.dry_run = false;
    }
    if (ann_min && *ann_min > in.min_nodes) {
      in.min_nodes = *ann_min;
      pool.bounds_note += std::string("; minNodes raised to ") + std::to_string(*ann_min) + " by " +
                          kCapiMinSizeAnnotation;
    }
    if (ann_max && *ann_max < in.max_nodes) {
      in.max_nodes = *ann_max;
      pool.bounds_note += std::string("; maxNodes lowered to ") + std::to_string(*ann_max) +
                          " by " + kCapiMaxSizeAnnotation;
    }
    in.max_nodes = std::max(in.max_nodes, in.min_nodes);
    pool.planner = options_.planner;
    if (auto w = ParseCount(ann, kScaleDownWindowAnnotation)) pool.planner.scale_down_window_s = *w;
    if (auto t = ParseCount(ann, kNodeReadyTimeoutAnnotation)) pool.planner.node_ready_timeout_s = *t;
    in.current_nodes = pool.state->nodes;
    in.ready_nodes = pool.state->ready_nodes;
    for (const auto& m : pool.members) {
      policies::PoolPlanContributor c;
      c.key = m.key;
      c.gpus_per_replica = m.autoscaler->node_pool->sizing.gpus_per_replica;
      c.current_replicas = m.scale.spec_replicas;
      c.existing_pods = m.scale.status_replicas.value_or(m.scale.spec_replicas);
      c.desired_replicas = m.scale.spec_replicas;
      PortError perr;
      if (auto pods = port_->CountPods(m.target_namespace, m.scale.selector, &perr)) {
        c.pending_pods = pods->pending;
        c.existing_pods = std::max(c.existing_pods, pods->existing);
      }
      in.contributors.push_back(c);
    }
    pool.capacities = policies::ReplicaCapacities(in, states_[key]);
  }
}

void NodePoolCoordinator::Annotate(const std::string& key, policies::Observation* obs) {
  auto it = member_pool_.find(key);
  if (it == member_pool_.end() || !obs) return;
  const Pool& pool = pools_.at(it->second);
  if (!pool.state) return;
  obs->current_nodes = pool.state->nodes;
  if (pool.ca_managed) return;  // the Cluster Autoscaler decides what the pool hosts
  for (size_t i = 0; i < pool.members.size(); ++i) {
    if (pool.members[i].key == key && i < pool.capacities.size()) {
      obs->pool_replica_capacity = pool.capacities[i];
    }
  }
}

void NodePoolCoordinator::Actuate(Pool& pool, double now_s) {
  (void)now_s;
  const auto& plan = *pool.plan;
  if (!plan.patch || pool.dry_run || options_.dry_run) return;
  PortError err;
  const bool up = plan.phase == PoolPatchPhase::kBeforeReplicas;
  if (port_->SetPoolNodes(pool.ref, plan.desired_nodes, &err)) {
    pool.actuated = true;
  } else {
    pool.patch_error = "patching node pool " + pool.ref.Key() + " to " +
                       std::to_string(plan.desired_nodes) + " failed: " + err.message;
    pool.not_found = err.not_found;
  }
  if (metrics_) {
    metrics_->patches.Add({{"pool", pool.ref.Key()}, {"direction", up ? "up" : "down"},
                           {"result", pool.actuated ? "ok" : "error"}})
        .Increment();
  }
  if (!events_) return;
  for (const auto& m : pool.members) {
    EventRecord e;
    const auto slash = m.key.find('/');
    e.ns = m.key.substr(0, slash);
    e.name = m.key.substr(slash + 1);
    e.uid = m.uid;
    if (pool.actuated) {
      e.type = "Normal";
      e.reason = up ? "NodePoolScaleUp" : "NodePoolScaleDown";
      e.message = "node pool " + pool.ref.Key() + " " + std::to_string(plan.current_nodes) +
                  " -> " + std::to_string(plan.desired_nodes) + " nodes; " + plan.message;
    } else {
      e.type = "Warning";
      e.reason = "FailedNodePoolScale";
      e.message = pool.patch_error;
    }
    PortError ignored;
    events_->Emit(e, &ignored);
  }
}

void NodePoolCoordinator::BeforeReplicas(const std::map<std::string, policies::Decision>& decisions,
                                         double now_s) {
  for (auto& [key, pool] : pools_) {
    if (!pool.state || pool.ca_managed) continue;
    for (size_t i = 0; i < pool.members.size(); ++i) {
      auto& c = pool.input.contributors[i];
      auto d = decisions.find(pool.members[i].key);
      // A member in dry run changes nothing: it keeps its current replicas, unless the whole
      // pool is in dry run (then the plan shows what would happen).
      if (d != decisions.end() && (!pool.members[i].dry_run || pool.dry_run)) {
        c.desired_replicas = d->second.desired_replicas;
      }
      if (d != decisions.end()) {
        const auto& limits = d->second.limits;
        c.capped_by_pool = std::find(limits.begin(), limits.end(),
                                     policies::Limit::kNodeCapacity) != limits.end();
      }
    }
    policies::NodePoolPlanState& st = states_[key];
    pool.plan = policies::PlanNodePool(pool.input, st, pool.planner, now_s);
    if (!(pool.dry_run || options_.dry_run)) st = pool.plan->next_state;
    if (pool.plan->phase == PoolPatchPhase::kBeforeReplicas) Actuate(pool, now_s);
  }
}

std::optional<NodePoolMemberOutcome> NodePoolCoordinator::Outcome(const std::string& key) const {
  auto it = member_pool_.find(key);
  if (it == member_pool_.end()) return std::nullopt;
  const Pool& pool = pools_.at(it->second);
  NodePoolMemberOutcome out;
  if (!pool.state || pool.ca_managed) {
    const char* reason = pool.ca_managed ? "ManagedByClusterAutoscaler"
                         : pool.not_found ? "NodePoolNotFound"
                                          : "NodePoolApiError";
    out.conditions.push_back({kCondNodePoolManaged, "False", reason, pool.error});
    out.message = "; node pool not managed: " + pool.error;
    return out;
  }
  if (!pool.plan) return std::nullopt;
  const auto& plan = *pool.plan;
  policies::NodePoolDecision n;
  n.current_nodes = plan.current_nodes;
  n.desired_nodes = plan.desired_nodes;
  for (size_t i = 0; i < pool.members.size(); ++i) {
    if (pool.members[i].key == key) n.replica_capacity = plan.contributors[i].replica_capacity;
  }
  out.node_pool = n;
  const std::string reason(policies::PoolReasonName(plan.reason));
  if (!pool.patch_error.empty()) {
    out.conditions.push_back({kCondNodePoolManaged, "False",
                              pool.not_found ? "NodePoolNotFound" : "FailedNodePoolScale",
                              pool.patch_error});
  } else {
    out.conditions.push_back({kCondNodePoolManaged, "True", reason,
                              plan.message + pool.bounds_note});
  }
  if (plan.stuck) {
    out.conditions.push_back({"ScalingLimited", "True", "NodesNotReady", plan.message});
  } else if (plan.limited) {
    out.conditions.push_back({"ScalingLimited", "True", "NodePoolAtMaxNodes", plan.message});
  }
  out.message = "; node pool " + pool.ref.Key() + ": " + std::to_string(plan.current_nodes) +
                " -> " + std::to_string(plan.desired_nodes) + " nodes (" + reason + ")";
  return out;
}

std::vector<std::string> NodePoolCoordinator::AfterReplicas(double now_s) {
  std::vector<std::string> lines;
  for (auto& [key, pool] : pools_) {
    if (pool.plan && pool.plan->phase == PoolPatchPhase::kAfterReplicas) Actuate(pool, now_s);
    nlohmann::json line;
    line["ts"] = FormatRfc3339Millis(now_s);
    line["type"] = "NodePoolDecision";
    line["pool"] = {{"apiVersion", pool.ref.ref.api_version},
                    {"kind", pool.ref.ref.kind},
                    {"namespace", pool.ref.ref.namespace_},
                    {"name", pool.ref.ref.name},
                    {"replicasPath", pool.ref.replicas_path.empty()
                                         ? nlohmann::json(nullptr)
                                         : nlohmann::json(pool.ref.replicas_path)}};
    nlohmann::json contributors = nlohmann::json::array();
    for (size_t i = 0; i < pool.members.size(); ++i) {
      const auto& m = pool.members[i];
      const auto slash = m.key.find('/');
      nlohmann::json c = {{"autoscaler", {{"namespace", m.key.substr(0, slash)},
                                          {"name", m.key.substr(slash + 1)}}},
                          {"target", {{"kind", m.autoscaler->scale_target_ref.kind},
                                      {"name", m.autoscaler->scale_target_ref.name}}},
                          {"gpusPerReplica", m.autoscaler->node_pool->sizing.gpus_per_replica},
                          {"dryRun", m.dry_run}};
      if (i < pool.input.contributors.size()) {
        const auto& in = pool.input.contributors[i];
        c["currentReplicas"] = in.current_replicas;
        c["existingPods"] = in.existing_pods;
        c["desiredReplicas"] = in.desired_replicas;
        c["pendingPods"] = in.pending_pods;
      }
      if (pool.plan && i < pool.plan->contributors.size()) {
        c["gpus"] = pool.plan->contributors[i].gpus;
        c["replicaCapacity"] = pool.plan->contributors[i].replica_capacity;
        c["maxReplicaCapacity"] = pool.plan->contributors[i].max_replica_capacity;
      }
      contributors.push_back(c);
    }
    line["contributors"] = contributors;
    const bool dry = pool.dry_run || options_.dry_run;
    if (pool.plan) {
      const auto& p = *pool.plan;
      line["currentNodes"] = p.current_nodes;
      line["desiredNodes"] = p.desired_nodes;
      line["targetNodes"] = p.target_nodes;
      line["requiredNodes"] = p.required_nodes;
      line["minNodes"] = pool.input.min_nodes;
      line["maxNodes"] = pool.input.max_nodes;
      line["gpusPerNode"] = pool.input.gpus_per_node;
      line["readyNodes"] = pool.input.ready_nodes ? nlohmann::json(*pool.input.ready_nodes)
                                                  : nlohmann::json(nullptr);
      line["pendingPods"] = p.pending_pods;
      line["demandGpus"] = p.demand_gpus;
      line["phase"] = PhaseName(p.phase);
      line["reason"] = std::string(policies::PoolReasonName(p.reason));
      line["message"] = p.message + pool.bounds_note;
      line["limited"] = p.limited;
      line["stuck"] = p.stuck;
      line["actuated"] = pool.actuated;
      line["dryRun"] = dry && p.patch;
      if (!pool.patch_error.empty()) line["error"] = pool.patch_error;
    } else {
      line["currentNodes"] = pool.state ? nlohmann::json(pool.state->nodes) : nlohmann::json(nullptr);
      line["desiredNodes"] = line["currentNodes"];
      line["reason"] = pool.ca_managed ? "ManagedByClusterAutoscaler"
                       : pool.not_found ? "NodePoolNotFound"
                                        : "NodePoolApiError";
      line["message"] = pool.error;
      line["actuated"] = false;
      line["dryRun"] = dry;
    }
    line["controller"] = {{"version", options_.controller_version},
                          {"commit", options_.controller_commit}};
    lines.push_back(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));

    if (metrics_) {
      const prometheus::Labels l{{"pool", key}};
      if (pool.plan) {
        const auto& p = *pool.plan;
        metrics_->current.Add(l).Set(pool.actuated ? p.desired_nodes : p.current_nodes);
        metrics_->desired.Add(l).Set(p.desired_nodes);
        if (pool.input.ready_nodes) metrics_->ready.Add(l).Set(*pool.input.ready_nodes);
        metrics_->pending.Add(l).Set(p.pending_pods);
        metrics_->limited.Add(l).Set(p.limited ? 1 : 0);
        metrics_->stuck.Add(l).Set(p.stuck ? 1 : 0);
      }
    }
  }
  return lines;
}

std::optional<policies::NodePoolPlanState> NodePoolCoordinator::StateOf(
    const std::string& pool_key) const {
  auto it = states_.find(pool_key);
  if (it == states_.end()) return std::nullopt;
  return it->second;
}

}  // namespace slo::controller
