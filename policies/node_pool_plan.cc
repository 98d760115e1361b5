#include "policies/node_pool_plan.h"

#include <algorithm>
#include <sstream>

#include "policies/node_pool.h"

namespace slo::policies {
namespace {

NodePoolSpec Spec(const PoolPlanInput& in, int32_t max_nodes) {
  return NodePoolSpec{in.gpus_per_node, std::max(in.min_nodes, 0), max_nodes};
}

int32_t Clamp(int64_t nodes, int32_t lo, int32_t hi) {
  lo = std::max(lo, 0);
  hi = std::max(hi, lo);
  return static_cast<int32_t>(std::clamp<int64_t>(nodes, lo, hi));
}

// The demand of every contributor but `skip`, each with replicas chosen by `pick`.
template <typename Pick>
std::vector<PoolContributor> Others(const PoolPlanInput& in, size_t skip, Pick pick) {
  std::vector<PoolContributor> out;
  for (size_t i = 0; i < in.contributors.size(); ++i) {
    if (i == skip) continue;
    out.push_back({pick(in.contributors[i]), in.contributors[i].gpus_per_replica});
  }
  return out;
}

template <typename Pick>
std::vector<PoolContributor> All(const PoolPlanInput& in, Pick pick) {
  return Others(in, in.contributors.size(), pick);
}

}  // namespace

std::string_view PoolReasonName(PoolReason r) {
  switch (r) {
    case PoolReason::kSteady: return "Steady";
    case PoolReason::kScaleUp: return "ScaleUp";
    case PoolReason::kScaleDown: return "ScaleDown";
    case PoolReason::kAtMaxNodes: return "AtMaxNodes";
    case PoolReason::kScaleDownStabilizing: return "ScaleDownStabilizing";
    case PoolReason::kWaitingForPodsToTerminate: return "WaitingForPodsToTerminate";
    case PoolReason::kNodesNotReady: return "NodesNotReady";
    case PoolReason::kRepatchBackoff: return "RepatchBackoff";
  }
  return "Steady";
}

NodePoolPlan PlanNodePool(const PoolPlanInput& in, const NodePoolPlanState& state,
                          const NodePoolPlannerOptions& options, double now_s) {
  NodePoolPlan p;
  p.next_state = state;
  NodePoolPlanState& next = p.next_state;
  const int32_t lo = std::max(in.min_nodes, 0);
  const int32_t hi = std::max(in.max_nodes, lo);
  const int32_t current = std::max(in.current_nodes, 0);
  p.current_nodes = current;

  auto desired = [](const PoolPlanContributor& c) { return std::max(c.desired_replicas, 0); };
  // Pods that exist keep their nodes until they are gone.
  auto held = [](const PoolPlanContributor& c) {
    return std::max({c.desired_replicas, c.existing_pods, 0});
  };
  const NodePoolSize demand = SizeNodePool(Spec(in, hi), All(in, desired));
  const NodePoolSize floor = SizeNodePool(Spec(in, hi), All(in, held));
  p.required_nodes = demand.required_nodes;
  p.target_nodes = Clamp(demand.required_nodes, lo, hi);
  p.demand_gpus = demand.gpus;
  bool capped = false;
  for (const auto& c : in.contributors) {
    p.pending_pods += std::max(c.pending_pods, 0);
    capped = capped || c.capped_by_pool;
  }
  p.limited = demand.required_nodes > hi || (p.pending_pods > 0 && current >= hi) ||
              (capped && p.target_nodes >= hi);

  // Ready tracking: a scale-up waits for its nodes; past the timeout the pool is stuck.
  if (in.ready_nodes && *in.ready_nodes >= current) {
    next.raised_at_s.reset();
    next.stuck = false;
  } else if (next.raised_at_s && in.ready_nodes &&
             now_s - *next.raised_at_s >= options.node_ready_timeout_s) {
    next.stuck = true;
  }
  p.stuck = next.stuck;

  p.desired_nodes = current;
  const int32_t target = p.target_nodes;
  if (target > current) {
    next.below_since_s.reset();
    next.window_max_nodes = 0;
    if (next.stuck) {
      p.reason = PoolReason::kNodesNotReady;
    } else if (next.last_patch_nodes == target && next.last_patch_s &&
               now_s - *next.last_patch_s < options.repatch_backoff_s) {
      p.reason = PoolReason::kRepatchBackoff;
    } else {
      p.desired_nodes = target;
      p.patch = true;
      p.phase = PoolPatchPhase::kBeforeReplicas;
      p.reason = p.limited ? PoolReason::kAtMaxNodes : PoolReason::kScaleUp;
      if (!next.raised_at_s) next.raised_at_s = now_s;
    }
  } else if (target < current) {
    if (!next.below_since_s) {
      next.below_since_s = now_s;
      next.window_max_nodes = target;
    }
    next.window_max_nodes = std::max(next.window_max_nodes, target);
    const int32_t keep = Clamp(floor.required_nodes, lo, hi);
    const int32_t shrink_to = std::max(next.window_max_nodes, keep);
    if (now_s - *next.below_since_s < options.scale_down_window_s) {
      p.reason = PoolReason::kScaleDownStabilizing;
    } else if (shrink_to >= current || keep > target) {
      p.reason = PoolReason::kWaitingForPodsToTerminate;
    } else {
      p.desired_nodes = shrink_to;
      p.patch = true;
      p.phase = PoolPatchPhase::kAfterReplicas;
      p.reason = PoolReason::kScaleDown;
      next.below_since_s.reset();
      next.window_max_nodes = 0;
      next.raised_at_s.reset();
      next.stuck = false;
    }
  } else {
    next.below_since_s.reset();
    next.window_max_nodes = 0;
    p.reason = p.limited ? PoolReason::kAtMaxNodes : PoolReason::kSteady;
  }
  if (p.patch) {
    next.last_patch_nodes = p.desired_nodes;
    next.last_patch_s = now_s;
  }

  for (size_t i = 0; i < in.contributors.size(); ++i) {
    const auto& c = in.contributors[i];
    PoolContributorPlan cp;
    cp.key = c.key;
    cp.gpus = static_cast<int64_t>(desired(c)) * std::max(c.gpus_per_replica, 0);
    cp.nodes_alone = NodesForReplicas(desired(c), c.gpus_per_replica, in.gpus_per_node);
    const auto others = Others(in, i, desired);
    cp.replica_capacity =
        PoolReplicaCapacity(Spec(in, p.desired_nodes), others, c.gpus_per_replica);
    cp.max_replica_capacity = PoolReplicaCapacity(Spec(in, hi), others, c.gpus_per_replica);
    p.contributors.push_back(cp);
  }

  std::ostringstream m;
  m << "pool " << current << " -> " << p.desired_nodes << " nodes (" << PoolReasonName(p.reason)
    << "): " << p.demand_gpus << " GPUs wanted = " << p.required_nodes << " nodes of "
    << in.gpus_per_node << " GPUs, bounds [" << lo << ", " << hi << "]";
  if (in.ready_nodes) m << ", " << *in.ready_nodes << " Ready";
  if (p.pending_pods > 0) m << ", " << p.pending_pods << " pods Pending";
  m << "; contributors:";
  for (size_t i = 0; i < in.contributors.size(); ++i) {
    const auto& c = in.contributors[i];
    m << (i ? ", " : " ") << c.key << " " << c.current_replicas << "->" << desired(c) << "x"
      << c.gpus_per_replica << " GPUs (" << c.existing_pods << " pods)";
  }
  switch (p.reason) {
    case PoolReason::kScaleUp:
      m << "; pool patched before the replicas";
      break;
    case PoolReason::kAtMaxNodes:
      m << "; demand exceeds maxNodes " << hi << " by " << (p.required_nodes - hi) << " nodes";
      break;
    case PoolReason::kScaleDown:
      m << "; pods gone and demand below the pool for " << options.scale_down_window_s << "s";
      break;
    case PoolReason::kScaleDownStabilizing:
      m << "; demand below the pool for "
        << (now_s - next.below_since_s.value_or(now_s)) << "s of "
        << options.scale_down_window_s << "s";
      break;
    case PoolReason::kWaitingForPodsToTerminate:
      m << "; existing pods still need " << Clamp(floor.required_nodes, lo, hi) << " nodes";
      break;
    case PoolReason::kNodesNotReady:
      m << "; nodes not Ready " << options.node_ready_timeout_s
        << "s after the scale-up: not raising further";
      break;
    case PoolReason::kRepatchBackoff:
      m << "; the pool was set back after our patch to " << target << ": next try in "
        << (options.repatch_backoff_s - (now_s - next.last_patch_s.value_or(now_s))) << "s";
      break;
    case PoolReason::kSteady:
      break;
  }
  p.message = m.str();
  return p;
}

std::vector<int32_t> ReplicaCapacities(const PoolPlanInput& in, const NodePoolPlanState& state) {
  const int32_t lo = std::max(in.min_nodes, 0);
  int32_t hi = std::max(in.max_nodes, lo);
  if (state.stuck && in.ready_nodes) hi = std::clamp(*in.ready_nodes, 0, hi);
  auto current = [](const PoolPlanContributor& c) {
    return std::max({c.current_replicas, 0});
  };
  std::vector<int32_t> out;
  for (size_t i = 0; i < in.contributors.size(); ++i) {
    out.push_back(PoolReplicaCapacity(NodePoolSpec{in.gpus_per_node, lo, hi},
                                      Others(in, i, current), in.contributors[i].gpus_per_replica));
  }
  return out;
}

}  // namespace slo::policies
