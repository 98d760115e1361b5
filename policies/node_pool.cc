#include "policies/node_pool.h"

#include <algorithm>

#include "policies/numeric.h"

namespace slo::policies {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

bool Valid(int32_t gpus_per_replica, int32_t gpus_per_node) {
  return gpus_per_replica > 0 && gpus_per_node > 0;
}

// Shared (non-spanning) replica sizes pack perfectly when each divides the node and the sizes
// form a divisibility chain.
bool PacksPerfectly(std::vector<int32_t> sizes, int32_t gpus_per_node) {
  std::sort(sizes.begin(), sizes.end());
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (gpus_per_node % sizes[i] != 0) return false;
    if (i > 0 && sizes[i] % sizes[i - 1] != 0) return false;
  }
  return true;
}

struct Split {
  int64_t spanning_nodes = 0;    // nodes taken whole by replicas larger than a node
  int64_t shared_gpus = 0;       // GPUs of replicas that fit a node
  int64_t shared_nodes_sum = 0;  // sum of each sharing contributor's own nodes
  std::vector<int32_t> shared_sizes;
};

Split SplitDemand(const std::vector<PoolContributor>& demands, int32_t gpn) {
  Split s;
  for (const auto& d : demands) {
    if (d.replicas <= 0 || !Valid(d.gpus_per_replica, gpn)) continue;
    if (d.gpus_per_replica > gpn) {
      s.spanning_nodes += NodesForReplicas(d.replicas, d.gpus_per_replica, gpn);
    } else {
      s.shared_gpus += static_cast<int64_t>(d.replicas) * d.gpus_per_replica;
      s.shared_nodes_sum += NodesForReplicas(d.replicas, d.gpus_per_replica, gpn);
      s.shared_sizes.push_back(d.gpus_per_replica);
    }
  }
  return s;
}

int64_t SharedNodes(const Split& s, int32_t gpn) {
  if (PacksPerfectly(s.shared_sizes, gpn)) return CeilDiv(s.shared_gpus, gpn);
  return s.shared_nodes_sum;
}

}  // namespace

int64_t NodesForReplicas(int32_t replicas, int32_t gpus_per_replica, int32_t gpus_per_node) {
  if (replicas <= 0 || !Valid(gpus_per_replica, gpus_per_node)) return 0;
  if (gpus_per_replica > gpus_per_node) {
    return static_cast<int64_t>(replicas) * CeilDiv(gpus_per_replica, gpus_per_node);
  }
  return CeilDiv(replicas, gpus_per_node / gpus_per_replica);
}

NodePoolSize SizeNodePool(const NodePoolSpec& pool, const std::vector<PoolContributor>& demands) {
  NodePoolSize out;
  const int32_t lo = std::max(pool.min_nodes, 0);
  const int32_t hi = std::max(pool.max_nodes, lo);
  if (pool.gpus_per_node <= 0) {
    out.nodes = lo;
    return out;
  }
  const Split s = SplitDemand(demands, pool.gpus_per_node);
  for (const auto& d : demands) {
    if (d.replicas > 0 && d.gpus_per_replica > 0) {
      out.gpus += static_cast<int64_t>(d.replicas) * d.gpus_per_replica;
    }
  }
  out.required_nodes = s.spanning_nodes + SharedNodes(s, pool.gpus_per_node);
  out.capped = out.required_nodes > hi;
  out.nodes = static_cast<int32_t>(std::clamp<int64_t>(out.required_nodes, lo, hi));
  return out;
}

int32_t ReplicasOnNodes(int32_t nodes, int32_t gpus_per_replica, int32_t gpus_per_node) {
  if (nodes <= 0 || !Valid(gpus_per_replica, gpus_per_node)) return 0;
  int64_t r = 0;
  if (gpus_per_replica > gpus_per_node) {
    r = nodes / CeilDiv(gpus_per_replica, gpus_per_node);
  } else {
    r = static_cast<int64_t>(nodes) * (gpus_per_node / gpus_per_replica);
  }
  return static_cast<int32_t>(std::min<int64_t>(r, kReplicaCeiling));
}

int32_t PoolReplicaCapacity(const NodePoolSpec& pool, const std::vector<PoolContributor>& others,
                            int32_t gpus_per_replica) {
  const int32_t gpn = pool.gpus_per_node;
  if (!Valid(gpus_per_replica, gpn) || pool.max_nodes <= 0) return 0;
  const Split s = SplitDemand(others, gpn);
  const int64_t max_nodes = pool.max_nodes;
  if (gpus_per_replica > gpn) {
    const int64_t free_nodes = max_nodes - s.spanning_nodes - SharedNodes(s, gpn);
    if (free_nodes <= 0) return 0;
    return ReplicasOnNodes(static_cast<int32_t>(free_nodes), gpus_per_replica, gpn);
  }
  std::vector<int32_t> sizes = s.shared_sizes;
  sizes.push_back(gpus_per_replica);
  if (PacksPerfectly(sizes, gpn)) {
    // Leftover GPUs on shared nodes are usable: count GPUs.
    const int64_t free_gpus = (max_nodes - s.spanning_nodes) * gpn - s.shared_gpus;
    if (free_gpus <= 0) return 0;
    return static_cast<int32_t>(std::min<int64_t>(free_gpus / gpus_per_replica, kReplicaCeiling));
  }
  const int64_t free_nodes = max_nodes - s.spanning_nodes - SharedNodes(s, gpn);
  if (free_nodes <= 0) return 0;
  return ReplicasOnNodes(static_cast<int32_t>(free_nodes), gpus_per_replica, gpn);
}

}  // namespace slo::policies
