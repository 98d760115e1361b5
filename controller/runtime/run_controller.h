// controller/runtime/run_controller.h: `slo-autoscaler run`: the controller process.
//
// Wires the Kubernetes client, the Prometheus observer, the watch-driven cache, the reconciler,
// the decision log, /metrics, /healthz and /readyz, and runs passes every --interval (and at once
// when an autoscaler is added, deleted or its spec changes) until stop is set (SIGTERM/SIGINT):
// then it finishes the pass in progress, flushes the decision log and returns 0.
//
// Thread-safety: RunController blocks the calling thread; stop may be set from any thread

#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace slo::controller {

struct RunOptions {
  std::string kubeconfig;     // "" = in-cluster, then $KUBECONFIG, then ~/.kube/config
  std::string context;        // kubeconfig context override
  std::string prometheus_url; // default for CRs without spec.metrics.prometheusUrl
  std::string prometheus_bearer_token_file;
  std::string prometheus_basic_auth_file;  // "user:password" in a file
  std::string prometheus_ca_file;
  double prometheus_timeout_s = 10.0;
  std::string prometheus_rate_window = "1m";  // PromQL range of the presets' rate()/deriv()
  double interval_s = 15.0;
  std::vector<std::string> namespaces;  // empty = all
  bool dry_run = false;
  bool once = false;
  std::string metrics_addr = ":8080";  // "" = off
  std::string health_addr = ":8081";   // "" = off
  std::string decision_log = "-";      // "-" = stdout
  bool namespace_isolation = false;
  std::string log_format = "text";     // text | json (the controller's own log on stderr)
  std::string log_level = "info";
  bool leader_elect = false;
  std::string leader_election_namespace;  // default: the pod's namespace or "default"
  std::string leader_election_id = "slo-autoscaler";
  double lease_duration_s = 15.0;
  std::string instance;  // default $POD_NAME, else the host name
  std::string controller_version;  // for the decision log
  std::string controller_commit;
};

// Runs until *stop becomes true (checked between passes and while waiting), or after one pass
// with options.once. Returns the process exit code: 0, or 1 when start-up failed (bad
// kubeconfig, address in use ...) with the reason on stderr.
// Stop latency is at most ~200 ms after *stop is set, plus the pass in progress.
int RunController(const RunOptions& options, const std::atomic<bool>* stop);

}  // namespace slo::controller
