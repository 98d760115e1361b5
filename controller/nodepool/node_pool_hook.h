// controller/nodepool/node_pool_hook.h: what the reconcile loop asks of node-pool management,
// once per pass. Header-only so that slo_reconcile can call it without linking slo_nodepool
// (which implements it: controller/nodepool/coordinator.h).
//
// The loop calls, in this order:
//   BeginPass(members)       after the targets' /scale were read, before any decision;
//   Annotate(key, &obs)      per member, before policies::Decide: fills current_nodes and
//                            pool_replica_capacity (what the capped pool can host for it);
//   BeforeReplicas(decisions) after every decision, before any target is patched: plans each
//                            pool once (the sum of its members' demand) and patches scale-ups;
//   Outcome(key)             per member: the nodePool block and conditions for its status;
//   AfterReplicas()          after the targets were patched: pool scale-downs, and one
//                            "NodePoolDecision" line per pool for the decision log.
//
// Thread-safety: called from the reconcile thread only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/reconcile/ports.h"
#include "controller/spec/autoscaler.h"
#include "policies/decision.h"

namespace slo::controller {

// One InferenceAutoscaler with spec.nodePool that reached the decide step.
struct NodePoolMember {
  std::string key;  // "ns/name"
  std::string uid;
  const InferenceAutoscaler* autoscaler = nullptr;
  std::string target_namespace;
  ScaleState scale;      // the target's /scale this pass
  bool dry_run = false;  // spec.dryRun or --dry-run
};

struct NodePoolCondition {
  std::string type;    // "NodePoolManaged", "ScalingLimited"
  std::string status;  // "True" | "False"
  std::string reason;
  std::string message;
};

struct NodePoolMemberOutcome {
  std::optional<policies::NodePoolDecision> node_pool;  // replaces Decision.node_pool
  std::vector<NodePoolCondition> conditions;            // appended after the loop's own
  std::string message;  // appended to the decision message ("" = nothing)
};

class NodePoolHook {
 public:
  virtual ~NodePoolHook() = default;
  virtual void BeginPass(const std::vector<NodePoolMember>& members, double now_s) = 0;
  virtual void Annotate(const std::string& key, policies::Observation* obs) = 0;
  virtual void BeforeReplicas(const std::map<std::string, policies::Decision>& decisions,
                              double now_s) = 0;
  virtual std::optional<NodePoolMemberOutcome> Outcome(const std::string& key) const = 0;
  // Returns the decision-log lines (JSON, one per pool) to write.
  virtual std::vector<std::string> AfterReplicas(double now_s) = 0;
};

}  // namespace slo::controller
