// `slo-autoscaler run`: the controller (CONTRACTS.md §2). Flags are parsed and checked here;
// controller/runtime/run_controller.cc does the work.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include "controller/cli/commands.h"
#include "controller/cli/version.h"
#include "controller/runtime/run_controller.h"

namespace slo::controller {
namespace {

// "15s", "1m", "500ms", "1h", "2.5s" or a plain number of seconds. nullopt when malformed.
std::optional<double> ParseDurationSeconds(const std::string& text) {
  static const std::regex re(R"(^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)?\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  double v = std::stod(m[1].str());
  std::string unit = m[2].str();
  if (unit == "ms") return v / 1000.0;
  if (unit == "m") return v * 60.0;
  if (unit == "h") return v * 3600.0;
  return v;
}

struct RunFlags {
  RunOptions options;
  std::string interval = "15s";
  std::string prometheus_timeout = "10s";
  std::string lease_duration = "15s";
  std::vector<std::string> namespaces;
};

int Validate(RunFlags& f) {
  auto interval = ParseDurationSeconds(f.interval);
  if (!interval || *interval < 1) {
    std::cerr << "slo-autoscaler run: --interval: want a duration of at least 1s like 15s or 1m, got '"
              << f.interval << "'\n";
    return 1;
  }
  f.options.interval_s = *interval;
  auto timeout = ParseDurationSeconds(f.prometheus_timeout);
  if (!timeout || *timeout <= 0) {
    std::cerr << "slo-autoscaler run: --prometheus-timeout: want a duration like 10s, got '"
              << f.prometheus_timeout << "'\n";
    return 1;
  }
  f.options.prometheus_timeout_s = *timeout;
  auto lease = ParseDurationSeconds(f.lease_duration);
  if (!lease || *lease < 3) {
    std::cerr << "slo-autoscaler run: --leader-election-lease-duration: want at least 3s, got '"
              << f.lease_duration << "'\n";
    return 1;
  }
  f.options.lease_duration_s = *lease;
  if (f.options.log_format != "text" && f.options.log_format != "json") {
    std::cerr << "slo-autoscaler run: --log-format: want text or json, got '"
              << f.options.log_format << "'\n";
    return 1;
  }
  // --namespace a,b and repeated --namespace both work.
  for (const auto& n : f.namespaces) {
    std::stringstream ss(n);
    std::string part;
    while (std::getline(ss, part, ',')) {
      if (!part.empty()) f.options.namespaces.push_back(part);
    }
  }
  return 0;
}

}  // namespace

void RegisterRunCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<RunFlags>();
  RunOptions& o = flags->options;
  auto* cmd = app.add_subcommand("run", "Run the controller: reconcile every InferenceAutoscaler");
  cmd->add_option("--kubeconfig", o.kubeconfig,
                  "kubeconfig file (default: in-cluster service account, then $KUBECONFIG, then "
                  "~/.kube/config)");
  cmd->add_option("--context", o.context, "kubeconfig context (default: current-context)");
  cmd->add_option("--prometheus-url", o.prometheus_url,
                  "Prometheus for autoscalers without spec.metrics.prometheusUrl");
  cmd->add_option("--prometheus-bearer-token-file", o.prometheus_bearer_token_file,
                  "file with a bearer token for Prometheus");
  cmd->add_option("--prometheus-basic-auth-file", o.prometheus_basic_auth_file,
                  "file with user:password for Prometheus basic auth");
  cmd->add_option("--prometheus-ca-file", o.prometheus_ca_file, "CA bundle for https Prometheus");
  cmd->add_option("--prometheus-timeout", flags->prometheus_timeout, "timeout of one PromQL query")
      ->capture_default_str();
  cmd->add_option("--prometheus-rate-window", o.prometheus_rate_window,
                  "range of the presets' rate() and deriv(), a PromQL duration")
      ->check([](const std::string& v) {
        static const std::regex re(R"(^[0-9]+(ms|s|m|h)$)");
        return std::regex_match(v, re) ? std::string() : "want a PromQL duration like 30s or 1m";
      })
      ->capture_default_str();
  cmd->add_option("--interval", flags->interval, "time between reconcile passes")
      ->capture_default_str();
  cmd->add_option("--namespace", flags->namespaces,
                  "watch only these namespaces (repeat or comma-separate; default: all)");
  cmd->add_flag("--dry-run", o.dry_run, "decide and log, never patch anything");
  cmd->add_flag("--once", o.once, "one reconcile pass, then exit");
  cmd->add_option("--metrics-addr", o.metrics_addr, "HOST:PORT for /metrics (\"\" = off)")
      ->capture_default_str();
  cmd->add_option("--health-addr", o.health_addr, "HOST:PORT for /healthz and /readyz (\"\" = off)")
      ->capture_default_str();
  cmd->add_option("--decision-log", o.decision_log, "decision log file (- = stdout)")
      ->capture_default_str();
  cmd->add_flag("--namespace-isolation", o.namespace_isolation,
                "add namespace=\"<the autoscaler's namespace>\" to every PromQL selector");
  cmd->add_option("--log-format", o.log_format, "the controller's own log on stderr: text|json")
      ->capture_default_str();
  cmd->add_option("--log-level", o.log_level, "trace|debug|info|warn|error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  cmd->add_flag("--leader-elect", o.leader_elect,
                "elect a leader through a Lease; only the leader acts");
  cmd->add_option("--leader-election-namespace", o.leader_election_namespace,
                  "namespace of the Lease (default: the controller's namespace)");
  cmd->add_option("--leader-election-id", o.leader_election_id, "name of the Lease")
      ->capture_default_str();
  cmd->add_option("--leader-election-lease-duration", flags->lease_duration,
                  "how long a lease lasts without renewal")
      ->capture_default_str();
  cmd->add_option("--instance", o.instance,
                  "this replica's name in logs and the Lease (default: $POD_NAME or host name)");
  cmd->callback([flags, exit_code] {
    if (int rc = Validate(*flags); rc != 0) {
      *exit_code = rc;
      return;
    }
    flags->options.controller_version = kControllerVersion;
    flags->options.controller_commit = kGitCommit;
    // SIGTERM/SIGINT: finish the pass in progress, flush the decision log, exit 0. The signals
    // are blocked in every thread and taken by one waiting thread.
    static std::atomic<bool> stop{false};
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      int sig = 0;
      sigwait(&set, &sig);
      stop = true;
    }).detach();
    *exit_code = RunController(flags->options, &stop);
  });
}

}  // namespace slo::controller
