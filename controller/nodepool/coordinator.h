// controller/nodepool/coordinator.h: sizes and patches the GPU node pools of the autoscalers
// with spec.nodePool, once per reconcile pass, in the right order relative to the replicas.
//
// Autoscalers whose spec.nodePool.scaleTargetRef (+ replicasPath) name the same object share the
// pool: it is sized for the sum of their demand and decided once per pass
// (policies::PlanNodePool, the same planner the simulator uses). Per pool and pass:
//   - the pool is read (node count, annotations, Ready nodes) and each member's Pending pods
//     counted; each member gets Observation.current_nodes and .pool_replica_capacity;
//   - a scale-up is patched in BeforeReplicas() (before any Deployment), a scale-down in
//     AfterReplicas() once the pods are gone and the window has passed;
//   - one "NodePoolDecision" decision-log line lists the pool, the numbers and every member.
// Bounds: spec min/maxNodes (the tightest over the members), narrowed by the Cluster API
// annotations cluster.x-k8s.io/cluster-api-autoscaler-node-group-{min,max}-size. When BOTH are
// present the Cluster Autoscaler manages the pool (its clusterapi provider only scales node
// groups that carry both), so the pool is left alone and every member gets the condition
// NodePoolManaged=False reason ManagedByClusterAutoscaler, unless the pool carries
// slo-autoscaler.io/manage-node-pool: "true" (the operator says the CA does not watch it).
//
// The pool's annotations slo-autoscaler.io/node-scale-down-window-seconds (default 600) and
// slo-autoscaler.io/node-ready-timeout-seconds (default 900) override the planner's options.
//
// Example:
//   KubeNodePoolPort port(&client);
//   NodePoolCoordinator pools(&port, &event_port, {.registry = metrics.registry()});
//   ReconcilerPorts ports{...};
//   ports.node_pools = &pools;
//
// Thread-safety: the reconcile thread only (metrics are atomic).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/nodepool/node_pool_hook.h"
#include "controller/nodepool/node_pool_port.h"
#include "policies/node_pool_plan.h"

namespace prometheus {
class Registry;
}

namespace slo::controller {

inline constexpr char kCondNodePoolManaged[] = "NodePoolManaged";
inline constexpr char kCapiMinSizeAnnotation[] =
    "cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size";
inline constexpr char kCapiMaxSizeAnnotation[] =
    "cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size";
inline constexpr char kManageNodePoolAnnotation[] = "slo-autoscaler.io/manage-node-pool";
// Per-pool overrides of NodePoolCoordinatorOptions.planner (whole seconds).
inline constexpr char kScaleDownWindowAnnotation[] = "slo-autoscaler.io/node-scale-down-window-seconds";
inline constexpr char kNodeReadyTimeoutAnnotation[] = "slo-autoscaler.io/node-ready-timeout-seconds";

struct NodePoolCoordinatorOptions {
  policies::NodePoolPlannerOptions planner;
  bool dry_run = false;  // --dry-run: plan and log, never patch a pool
  std::shared_ptr<prometheus::Registry> registry;  // optional: node-pool metrics
  std::string controller_version;
  std::string controller_commit;
};

class NodePoolCoordinator : public NodePoolHook {
 public:
  // events may be null.
  NodePoolCoordinator(NodePoolPort* port, EventPort* events, NodePoolCoordinatorOptions options);
  ~NodePoolCoordinator() override;

  void BeginPass(const std::vector<NodePoolMember>& members, double now_s) override;
  void Annotate(const std::string& key, policies::Observation* obs) override;
  void BeforeReplicas(const std::map<std::string, policies::Decision>& decisions,
                      double now_s) override;
  std::optional<NodePoolMemberOutcome> Outcome(const std::string& key) const override;
  std::vector<std::string> AfterReplicas(double now_s) override;

  // The planner state of a pool (tests).
  std::optional<policies::NodePoolPlanState> StateOf(const std::string& pool_key) const;

 private:
  struct Pool;
  struct Metrics;
  void Actuate(Pool& pool, double now_s);

  NodePoolPort* port_;
  EventPort* events_;
  NodePoolCoordinatorOptions options_;
  std::map<std::string, Pool> pools_;  // this pass, by PoolRef::Key()
  std::map<std::string, std::string> member_pool_;  // member key -> pool key
  std::map<std::string, policies::NodePoolPlanState> states_;  // across passes
  std::unique_ptr<Metrics> metrics_;
};

}  // namespace slo::controller
