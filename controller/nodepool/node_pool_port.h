// controller/nodepool/node_pool_port.h: the Kubernetes operations node-pool management needs,
// as a small interface (FakeNodePoolPort in tests; KubeNodePoolPort on the real client).
//
// A pool is any object whose node count can be read and patched: through its /scale
// subresource (Cluster API MachineDeployment/MachinePool, a Karpenter NodePool with static
// replicas, any CRD with /scale), or through a plain integer field (replicas_path, e.g.
// "spec.scalingConfig.desiredSize" of an ACK Nodegroup) patched by JSON merge-patch.
//
// Thread-safety: called from the reconcile thread only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "controller/reconcile/ports.h"
#include "controller/spec/autoscaler.h"

namespace slo::controller {

// The pool's annotation that names a node label selector for counting Ready nodes, overriding
// the per-kind default (see KubeNodePoolPort).
inline constexpr char kNodeSelectorAnnotation[] = "slo-autoscaler.io/node-selector";

struct PoolRef {
  ObjectRef ref;               // namespace_ resolved (empty for cluster-scoped kinds)
  std::string replicas_path;   // "" = /scale
  // "Kind ns/name" (or "Kind name"), plus "#path" when replicas_path is set: the pool's identity.
  std::string Key() const;
};

struct PoolState {
  int32_t nodes = 0;                   // spec replicas (or the replicas_path field)
  std::optional<int32_t> ready_nodes;  // nullopt when it cannot be told
  std::map<std::string, std::string> annotations;
};

// The pods of a target, by label selector.
struct PodCounts {
  int32_t pending = 0;   // phase Pending (not scheduled, or still starting)
  int32_t existing = 0;  // not Succeeded/Failed, including terminating ones: they hold GPUs
};

class NodePoolPort {
 public:
  virtual ~NodePoolPort() = default;
  virtual std::optional<PoolState> GetPool(const PoolRef& pool, PortError* error) = 0;
  virtual bool SetPoolNodes(const PoolRef& pool, int32_t nodes, PortError* error) = 0;
  // Pods in ns matching the label selector (the target's status.selector).
  virtual std::optional<PodCounts> CountPods(const std::string& ns, const std::string& selector,
                                             PortError* error) = 0;
};

}  // namespace slo::controller
