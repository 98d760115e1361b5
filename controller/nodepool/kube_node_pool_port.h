// controller/nodepool/kube_node_pool_port.h: NodePoolPort on the Kubernetes client.
//
//   GetPool: the object (annotations, status) by discovery; the node count from its /scale
//     (replicas_path empty) or from the integer at replicas_path (missing = 0). Ready nodes:
//       - the pool's annotation slo-autoscaler.io/node-selector=<label selector>: Nodes with
//         that selector whose Ready condition is True;
//       - else Cluster API (cluster.x-k8s.io) MachineDeployment / MachinePool:
//         status.readyReplicas (absent = 0 once the object has a status);
//       - else Karpenter (karpenter.sh) NodePool: Ready Nodes labelled karpenter.sh/nodepool=NAME;
//       - else unknown (nullopt).
//   SetPoolNodes: PATCH /scale, or a merge-patch {"spec": {...: n}} built from replicas_path.
//   CountPods: GET pods?labelSelector=S; Pending = phase Pending, existing = phase not
//     Succeeded/Failed (terminating pods included: they still hold their GPUs).
//
// Example:
//   KubeNodePoolPort port(&client);
//   PortError err;
//   auto st = port.GetPool({{"cluster.x-k8s.io/v1beta1", "MachineDeployment", "gpu", "capi"}, ""}, &err);
//
// Thread-safety: as KubeClient (safe); the reconcile loop uses it from one thread.
#pragma once

#include "controller/k8s/client.h"
#include "controller/nodepool/node_pool_port.h"

namespace slo::controller {

class KubeNodePoolPort : public NodePoolPort {
 public:
  explicit KubeNodePoolPort(k8s::KubeClient* client) : client_(client) {}
  std::optional<PoolState> GetPool(const PoolRef& pool, PortError* error) override;
  bool SetPoolNodes(const PoolRef& pool, int32_t nodes, PortError* error) override;
  std::optional<PodCounts> CountPods(const std::string& ns, const std::string& selector,
                                     PortError* error) override;

 private:
  std::optional<int32_t> CountReadyNodes(const std::string& selector);
  k8s::KubeClient* client_;
};

// {"a": {"b": n}} for "a.b" (a leading "." is ignored). Empty object for an empty path.
nlohmann::json MergePatchForPath(const std::string& dotted_path, int32_t value);
// The integer at a dotted path of obj, nullopt when absent or not an integer.
std::optional<int64_t> IntAtPath(const nlohmann::json& obj, const std::string& dotted_path);

}  // namespace slo::controller
