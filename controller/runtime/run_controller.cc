#include "controller/runtime/run_controller.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "controller/k8s/client.h"
#include "controller/k8s/config.h"
#include "controller/nodepool/coordinator.h"
#include "controller/nodepool/kube_node_pool_port.h"
#include "controller/reconcile/controller_metrics.h"
#include "controller/reconcile/decision_sink.h"
#include "controller/reconcile/reconciler.h"
#include "controller/runtime/endpoints.h"
#include "controller/runtime/informer.h"
#include "controller/runtime/instrumented_transport.h"
#include "controller/runtime/kube_ports.h"
#include "controller/runtime/leader.h"
#include "controller/runtime/prom_port.h"

namespace slo::controller {
namespace {

using SteadyClock = std::chrono::steady_clock;

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The controller's own log as JSON lines on stderr: {"ts","level","logger","msg"}.
class JsonStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    double t = std::chrono::duration<double>(msg.time.time_since_epoch()).count();
    nlohmann::json j = {{"ts", FormatMicroTime(t)},
                        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                              spdlog::level::to_string_view(msg.level).size())},
                        {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

void SetupLogging(const RunOptions& o) {
  std::shared_ptr<spdlog::logger> logger;
  if (o.log_format == "json") {
    logger = std::make_shared<spdlog::logger>("slo", std::make_shared<JsonStderrSink>());
  } else {
    logger =
        std::make_shared<spdlog::logger>("slo", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(o.log_level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

std::string DefaultInstance() {
  if (const char* pod = std::getenv("POD_NAME"); pod && *pod) return pod;
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0 && host[0]) return host;
  return "slo-autoscaler";
}

}  // namespace

int RunController(const RunOptions& o, const std::atomic<bool>* stop) {
  SetupLogging(o);
  const std::string instance = o.instance.empty() ? DefaultInstance() : o.instance;

  k8s::ConfigSource src;
  src.kubeconfig_path = o.kubeconfig;
  src.context = o.context;
  src.env = k8s::ProcessEnv();
  k8s::ConfigResult cfg = k8s::LoadConfig(src);
  if (!cfg.ok()) {
    std::cerr << "slo-autoscaler run: cannot configure the Kubernetes client: " << cfg.error
              << "\n";
    return 1;
  }
  ControllerMetrics metrics;
  auto tokens = std::make_shared<k8s::TokenSource>(cfg.config.token, cfg.config.token_file);
  auto transport = std::make_shared<InstrumentedTransport>(
      k8s::MakeCpprestTransport(cfg.config, tokens), &metrics);
  k8s::KubeClient client(transport, k8s::ClientOptions{}, tokens);

  std::string err;
  std::unique_ptr<MetricsPort> prom = MakePrometheusPort(o, &metrics, &err);
  if (!prom) {
    std::cerr << "slo-autoscaler run: " << err << "\n";
    return 1;
  }

  AutoscalerCache cache;
  std::atomic<double> last_loop_s{UnixNow()};
  std::unique_ptr<MetricsEndpoint> metrics_endpoint;
  std::unique_ptr<HealthEndpoint> health_endpoint;
  if (!o.metrics_addr.empty()) {
    metrics_endpoint = MetricsEndpoint::Start(o.metrics_addr, metrics.registry(), &err);
    if (!metrics_endpoint) {
      std::cerr << "slo-autoscaler run: --metrics-addr: " << err << "\n";
      return 1;
    }
    spdlog::info("serving /metrics on port {}", metrics_endpoint->port());
  }
  if (!o.health_addr.empty()) {
    const double stale_after_s = std::max(60.0, 3 * o.interval_s);
    health_endpoint = HealthEndpoint::Start(
        o.health_addr,
        [&last_loop_s, stale_after_s] {
          double age = UnixNow() - last_loop_s.load();
          return Probe{age < stale_after_s, "reconcile loop last ran " +
                                                std::to_string(static_cast<int>(age)) + "s ago"};
        },
        [&] {
          bool synced = cache.synced();
          return Probe{synced, synced ? "autoscaler cache synced" : "waiting for the first list"};
        },
        &err);
    if (!health_endpoint) {
      std::cerr << "slo-autoscaler run: --health-addr: " << err << "\n";
      return 1;
    }
    spdlog::info("serving /healthz and /readyz on port {}", health_endpoint->port());
  }

  FileDecisionSink sink(o.decision_log);
  KubeScalePort scale_port(&client);
  KubeStatusPort status_port(&client);
  KubeEventPort event_port(&client);
  KubeConflictPort conflict_port(&client);
  KubeNodePoolPort node_pool_port(&client);  // spec.nodePool (README.md ("GPU node pools"))
  NodePoolCoordinatorOptions node_pool_options;
  node_pool_options.dry_run = o.dry_run;
  node_pool_options.registry = metrics.registry();
  node_pool_options.controller_version = o.controller_version;
  node_pool_options.controller_commit = o.controller_commit;
  NodePoolCoordinator node_pools(&node_pool_port, &event_port, node_pool_options);
  ReconcilerOptions ropts;
  ropts.dry_run = o.dry_run;
  ropts.controller_version = o.controller_version;
  ropts.controller_commit = o.controller_commit;
  ropts.controller_instance = instance;
  Reconciler reconciler({&scale_port, &status_port, &event_port, &conflict_port, prom.get(), &sink,
                         &metrics, &node_pools},
                        ropts);

  std::vector<std::string> sources =
      o.namespaces.empty() ? std::vector<std::string>{""} : o.namespaces;
  std::vector<std::unique_ptr<AutoscalerInformer>> informers;
  if (o.once) {
    cache.ExpectSources(sources);
    for (const auto& ns : sources) {
      auto list = client.ListAutoscalers(ns);
      if (!list.ok()) {
        std::cerr << "slo-autoscaler run --once: cannot list InferenceAutoscalers: "
                  << list.error().Describe() << "\n";
        return 1;
      }
      std::vector<nlohmann::json> items;
      for (const auto& i : list.value().value("items", nlohmann::json::array())) items.push_back(i);
      cache.Replace(ns, items);
      cache.MarkSynced(ns);
    }
  } else {
    for (const auto& ns : sources) {
      informers.push_back(std::make_unique<AutoscalerInformer>(&client, ns, &cache));
      informers.back()->Start();
    }
  }

  std::unique_ptr<LeaderElector> elector;
  if (o.leader_elect) {
    std::string lease_ns = o.leader_election_namespace.empty() ? cfg.config.namespace_name
                                                               : o.leader_election_namespace;
    elector = std::make_unique<LeaderElector>(&client, lease_ns, o.leader_election_id, instance,
                                              o.lease_duration_s);
  }
  spdlog::info("slo-autoscaler {} ({}) as {}: API server {} ({}), interval {}s{}{}",
               o.controller_version, o.controller_commit, instance, cfg.config.server,
               cfg.config.source, o.interval_s, o.dry_run ? ", dry run" : "",
               o.namespace_isolation ? ", namespace isolation" : "");

  const auto interval = std::chrono::duration_cast<SteadyClock::duration>(
      std::chrono::duration<double>(o.interval_s));
  const auto renew_every = std::chrono::duration_cast<SteadyClock::duration>(
      std::chrono::duration<double>(o.lease_duration_s / 3));
  auto next_pass = SteadyClock::now();
  auto next_renew = SteadyClock::now();
  uint64_t seen_version = cache.spec_version();
  int exit_code = 0;
  bool prometheus_failing = false;
  while (!stop->load()) {
    last_loop_s = UnixNow();
    auto now = SteadyClock::now();
    if (elector && now >= next_renew) {
      elector->TryAcquireOrRenew(UnixNow());
      next_renew = now + renew_every;
    }
    bool due = now >= next_pass || cache.spec_version() != seen_version;
    if (!due) {
      auto wake = std::min(
          {next_pass, now + std::chrono::milliseconds(200), elector ? next_renew : next_pass});
      cache.WaitForSpecChange(seen_version, wake);
      continue;
    }
    if (!cache.synced()) {
      cache.WaitForSpecChange(seen_version, now + std::chrono::milliseconds(200));
      continue;
    }
    seen_version = cache.spec_version();
    next_pass = now + interval;
    if (elector && !elector->is_leader()) {
      spdlog::debug("standing by: lease held by {}", elector->holder());
      if (o.once) break;
      continue;
    }
    auto start = SteadyClock::now();
    std::vector<nlohmann::json> objects = cache.Snapshot();
    PassResult result = reconciler.RunPass(objects, UnixNow());
    double took = std::chrono::duration<double>(SteadyClock::now() - start).count();
    metrics.RecordPass(took, static_cast<int>(objects.size()), result.prometheus_queries,
                       result.prometheus_failed);
    int changed = 0;
    for (const auto& out : result.outcomes) changed += out.actuated;
    if (result.prometheus_failed != prometheus_failing) {
      prometheus_failing = result.prometheus_failed;
      if (prometheus_failing) {
        spdlog::warn("Prometheus queries are failing; holding replicas (see MetricsAvailable)");
      } else {
        spdlog::info("Prometheus answers again");
      }
    }
    spdlog::info("pass: {} autoscalers, {} scaled, {} Prometheus queries ({:.3f}s), {:.3f}s",
                 objects.size(), changed, result.prometheus_queries, result.observe_duration_s,
                 took);
    if (o.once) break;
  }
  sink.Flush();
  for (auto& inf : informers) inf->Stop();
  if (elector) elector->Release(UnixNow());
  spdlog::info("slo-autoscaler stopped");
  spdlog::default_logger()->flush();
  return exit_code;
}

}  // namespace slo::controller
