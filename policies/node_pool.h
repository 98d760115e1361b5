// policies/node_pool.h: GPU node-pool sizing for the autoscalers that share one pool.
//
// One contributor (an autoscaler) asks for `replicas` replicas of `gpus_per_replica` GPUs on
// nodes of `gpus_per_node` GPUs. A replica never spans nodes unless it must:
//   gpus_per_replica <= gpus_per_node: floor(gpn/gpr) replicas fit a node, so
//       nodes = ceil(replicas / floor(gpn/gpr))  (= ceil(replicas·gpr/gpn) when gpr divides gpn);
//   gpus_per_replica >  gpus_per_node: each replica takes whole nodes,
//       nodes = replicas · ceil(gpr/gpn).
// Several contributors on one pool: spanning replicas take whole nodes; the others share nodes.
// When every sharing replica size divides the node and each divides the next larger one (1, 2,
// 4, 8 GPUs on 8-GPU nodes) first-fit-decreasing packs perfectly and the pool needs
// ceil(sum of GPUs / gpn) shared nodes; otherwise we sum each contributor's own nodes (an upper
// bound: never too few nodes). The total is clamped to [min_nodes, max_nodes].
//
// Example:
//   NodePoolSize s = SizeNodePool({.gpus_per_node = 8, .min_nodes = 0, .max_nodes = 10},
//                                 {{.replicas = 6, .gpus_per_replica = 2},
//                                  {.replicas = 3, .gpus_per_replica = 4}});
//   s.nodes;  // (12 + 12 GPUs) / 8 = 3
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

namespace slo::policies {

struct PoolContributor {
  int32_t replicas = 0;
  int32_t gpus_per_replica = 1;
};

struct NodePoolSpec {
  int32_t gpus_per_node = 8;
  int32_t min_nodes = 0;
  int32_t max_nodes = 10;
};

struct NodePoolSize {
  int64_t required_nodes = 0;  // before the [min, max] clamp
  int32_t nodes = 0;           // clamped to [min_nodes, max_nodes]
  int64_t gpus = 0;            // GPUs the contributors ask for
  bool capped = false;         // required_nodes > max_nodes: the pool cannot host all replicas
};

// Nodes one contributor needs on its own (no sharing). 0 for invalid sizes.
int64_t NodesForReplicas(int32_t replicas, int32_t gpus_per_replica, int32_t gpus_per_node);

// Nodes the whole pool needs for every contributor, clamped.
NodePoolSize SizeNodePool(const NodePoolSpec& pool, const std::vector<PoolContributor>& demands);

// The replicas of `gpus_per_replica` GPUs that fit on `nodes` nodes on their own.
int32_t ReplicasOnNodes(int32_t nodes, int32_t gpus_per_replica, int32_t gpus_per_node);

// The replicas of `gpus_per_replica` a pool capped at max_nodes can host for one autoscaler,
// after the other contributors' demand (`others`). 0 when the others already fill the pool.
int32_t PoolReplicaCapacity(const NodePoolSpec& pool, const std::vector<PoolContributor>& others,
                            int32_t gpus_per_replica);

}  // namespace slo::policies
