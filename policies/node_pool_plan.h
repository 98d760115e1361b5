// policies/node_pool_plan.h: when and to what to patch a GPU node pool, and in which order
// relative to the replica patches of the autoscalers that run on it. Shared by the controller
// (controller/nodepool/) and the simulator, so both follow the same ordering rules.
//
// One call per pool per pass, after every contributor (autoscaler) on the pool has decided:
//   - Demand is the sum of the contributors' desired replicas (policies/node_pool.h sizing).
//   - Scale-up: the pool is patched in phase kBeforeReplicas, i.e. no later than the Deployments,
//     so the nodes start provisioning while the new pods are created.
//   - Scale-down: the Deployments shrink first; the pool shrinks (phase kAfterReplicas) only when
//     every contributor's existing pods (status.replicas) are down to its desired count AND the
//     demand has stayed below the pool for options.scale_down_window_s (default 600 s). It
//     shrinks to the largest demand seen in that window, and never below what existing pods need.
//   - Limited: demand beyond max_nodes (or pods Pending on a pool at max_nodes) -> `limited`.
//   - Stuck: nodes not Ready options.node_ready_timeout_s after a scale-up -> `stuck`; no further
//     raise until they are Ready, and ReplicaCapacities() then counts only Ready nodes.
//   - No re-patch loop: when the pool was patched to a value and something set it back, the same
//     value is not patched again before options.repatch_backoff_s.
//
// Example:
//   PoolPlanInput in{.gpus_per_node = 8, .min_nodes = 0, .max_nodes = 4, .current_nodes = 1};
//   in.contributors = {{.key = "serving/chat", .gpus_per_replica = 2, .current_replicas = 4,
//                       .existing_pods = 4, .desired_replicas = 8}};
//   NodePoolPlan p = PlanNodePool(in, state, {}, now_s);
//   // p.desired_nodes == 2, p.patch == true, p.phase == PoolPatchPhase::kBeforeReplicas
//   state = p.next_state;
//
// Units: seconds (_s), nodes and replicas are counts. Time is an argument (now_s).
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slo::policies {

// One autoscaler on the pool, as seen in this pass.
struct PoolPlanContributor {
  std::string key;               // "ns/name" of the autoscaler (for messages)
  int32_t gpus_per_replica = 1;
  int32_t current_replicas = 0;  // the target's spec.replicas before this pass acts
  int32_t existing_pods = 0;     // the target's status.replicas: pods that still exist
  int32_t desired_replicas = 0;  // the autoscaler's decision this pass
  int32_t pending_pods = 0;      // the target's pods in phase Pending (0 when unknown)
  bool capped_by_pool = false;   // its decision was capped by the pool (Limit::kNodeCapacity)
};

struct PoolPlanInput {
  int32_t gpus_per_node = 8;
  int32_t min_nodes = 0;  // effective bounds: spec.nodePool merged with the pool's annotations
  int32_t max_nodes = 10;
  int32_t current_nodes = 0;            // the pool's replica count (spec) now
  std::optional<int32_t> ready_nodes;   // nodes Ready; nullopt = unknown (never "stuck")
  std::vector<PoolPlanContributor> contributors;
};

struct NodePoolPlannerOptions {
  double scale_down_window_s = 600;   // demand must stay below the pool this long
  double node_ready_timeout_s = 900;  // nodes must be Ready this long after a scale-up
  double repatch_backoff_s = 300;     // don't re-patch the same value sooner than this
};

// The planner's memory between passes (plain values: the caller may persist them).
struct NodePoolPlanState {
  std::optional<double> below_since_s;    // demand first fell below the pool
  int32_t window_max_nodes = 0;           // largest target seen since below_since_s
  std::optional<double> raised_at_s;      // last scale-up patch still waiting for Ready nodes
  std::optional<int32_t> last_patch_nodes;
  std::optional<double> last_patch_s;
  bool stuck = false;
};

enum class PoolPatchPhase {
  kNone,            // no patch this pass
  kBeforeReplicas,  // scale-up: patch the pool before the Deployments
  kAfterReplicas,   // scale-down: patch the pool after the Deployments
};

// Closed set of pool outcomes; PoolReasonName() gives the PascalCase code.
enum class PoolReason {
  kSteady,                     // the pool matches the demand
  kScaleUp,                    // patched up (before the replicas)
  kScaleDown,                  // patched down (after the replicas)
  kAtMaxNodes,                 // demand beyond max_nodes: raised to max (or already there)
  kScaleDownStabilizing,       // demand below the pool for less than the window
  kWaitingForPodsToTerminate,  // existing pods still need the nodes
  kNodesNotReady,              // raised nodes not Ready within the timeout: hold
  kRepatchBackoff,             // the pool was set back after our patch: not re-patching yet
};
std::string_view PoolReasonName(PoolReason r);

struct PoolContributorPlan {
  std::string key;
  int64_t gpus = 0;              // desired_replicas * gpus_per_replica
  int64_t nodes_alone = 0;       // nodes it would need on its own
  int32_t replica_capacity = 0;  // replicas of it the planned pool hosts after the others
  int32_t max_replica_capacity = 0;  // same on a pool at max_nodes (feeds Observation)
};

struct NodePoolPlan {
  int32_t current_nodes = 0;
  int64_t required_nodes = 0;  // for the summed demand, before [min, max]
  int32_t target_nodes = 0;    // demand clamped to [min, max]
  int32_t desired_nodes = 0;   // what the pool should be after this pass (= current when held)
  int64_t demand_gpus = 0;
  bool patch = false;
  PoolPatchPhase phase = PoolPatchPhase::kNone;
  PoolReason reason = PoolReason::kSteady;
  // Demand beyond what max_nodes hosts: the summed demand, a contributor capped by the pool,
  // or Pending pods while the pool is at max_nodes.
  bool limited = false;
  bool stuck = false;    // nodes not Ready within the timeout
  int32_t pending_pods = 0;
  std::vector<PoolContributorPlan> contributors;
  std::string message;  // one sentence with the numbers
  NodePoolPlanState next_state;
};

NodePoolPlan PlanNodePool(const PoolPlanInput& in, const NodePoolPlanState& state,
                          const NodePoolPlannerOptions& options, double now_s);

// Before the autoscalers decide: the replicas each contributor may have on the pool (in input
// order) given the others' current replicas and max_nodes, or only the Ready nodes while the
// pool is stuck. Feeds Observation.pool_replica_capacity. desired_replicas is ignored.
std::vector<int32_t> ReplicaCapacities(const PoolPlanInput& in, const NodePoolPlanState& state);

}  // namespace slo::policies
