// controller/reconcile/reconciler.h: one reconcile pass over every InferenceAutoscaler.
//
// Per autoscaler: validate -> observe (one batched Prometheus pass for all) -> recommend and
// stabilise (policies::Decide, the same function `simulate` uses) -> act (PATCH /scale only
// when the number changes, never in dry-run) -> status -> Event -> decision-log line -> metrics.
// Level-based and idempotent: it reads the actual state each pass and patches only the
// difference. One bad autoscaler never stops the others; a failing port is recorded, never
// thrown, and the decision line is written whatever else failed.
//
// Example:
//   Reconciler r(ports, options);
//   PassResult result = r.RunPass(cache.Snapshot(), UnixNowSeconds());
//
// Thread-safety: RunPass is called from one thread at a time.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/nodepool/node_pool_hook.h"
#include "controller/reconcile/controller_metrics.h"
#include "controller/reconcile/ports.h"
#include "policies/decision.h"

namespace slo::controller {

struct ReconcilerPorts {
  ScalePort* scale = nullptr;
  StatusPort* status = nullptr;
  EventPort* events = nullptr;
  ConflictPort* conflicts = nullptr;  // optional
  MetricsPort* metrics = nullptr;
  DecisionSink* decisions = nullptr;
  ControllerMetrics* controller_metrics = nullptr;  // optional
  NodePoolHook* node_pools = nullptr;  // optional: spec.nodePool (controller/nodepool/)
};

struct ReconcilerOptions {
  bool dry_run = false;  // --dry-run: decide and log, never patch /scale
  std::string controller_version;
  std::string controller_commit;
  std::string controller_instance;
};

struct AutoscalerOutcome {
  std::string key;  // "ns/name"
  policies::Decision decision;
  bool actuated = false;
  bool dry_run = false;
  std::string error;      // an action or status write that failed
  nlohmann::json status;  // the status written (or attempted)
};

struct PassResult {
  std::vector<AutoscalerOutcome> outcomes;
  int prometheus_queries = 0;
  bool prometheus_failed = false;
  double observe_duration_s = 0;  // wall time of the batched Prometheus pass
};

class Reconciler {
 public:
  Reconciler(ReconcilerPorts ports, ReconcilerOptions options);

  // objects: InferenceAutoscalers as the API server returns them (JSON).
  PassResult RunPass(const std::vector<nlohmann::json>& objects, double now_s);

 private:
  struct Prepared;
  void Finish(Prepared& p, double now_s, const std::string& now_ts, PassResult& result);

  ReconcilerPorts ports_;
  ReconcilerOptions options_;
  // Stabiliser state per autoscaler uid; seeded from status.stabilizer after a restart.
  std::map<std::string, policies::StabilizerState> states_;
  // Last status written per uid (conditions carry lastTransitionTime across passes even when a
  // status write failed or the cache is behind).
  std::map<std::string, nlohmann::json> last_status_;
};

}  // namespace slo::controller
