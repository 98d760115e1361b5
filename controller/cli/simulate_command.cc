// `slo-autoscaler simulate`: replay a trace against a simulated fleet under one policy and write
// summary.json, timeline.csv, requests.csv, decisions.jsonl and timeline.svg (README.md ("slo-autoscaler simulate")).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "controller/cli/commands.h"
#include "controller/cli/version.h"
#include "sim/autoscaler_input.h"
#include "sim/outputs.h"
#include "sim/simulator.h"
#include "sim/trace.h"

namespace slo::controller {
namespace {

struct SimulateFlags {
  std::string trace;
  std::string autoscaler;
  std::string policy = "slo";
  double rate_scale = 1.0;
  std::string scale_mode = "compress";
  double replicate_jitter_s = 10;
  uint64_t seed = 1;
  std::string out;
  double target_utilization = 0;  // 0 = spec.slo.targetUtilization
  double keda_threshold = 0;      // 0 = concurrencyPerReplica × target utilisation
  double oracle_bucket_s = 10;
  int initial_replicas = -1;      // -1 = auto
  double interval_s = 15;
  double scrape_s = 15;
  double window_s = 60;
  double node_provision_s = 180;
  double overhead_s = 0.02;
  double prefill_s_per_token = 0.00015;
  double decode_s_per_token = 0.020;
  double batch_slowdown = 0;
  double service_jitter = 0;
  bool no_requests_csv = false;
  bool progress = false;
  bool quiet = false;
};

// The default trace: the shared Azure conversation trace beside the repository, else the small
// bundled one. Paths are tried relative to the binary (build/bin/ -> repo) and to the cwd.
std::string DefaultTrace() {
  namespace fs = std::filesystem;
  std::vector<fs::path> roots;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) roots.push_back(exe.parent_path().parent_path().parent_path());
  roots.push_back(fs::current_path(ec));
  for (const auto& root : roots) {
    const fs::path shared =
        root / ".." / "shared" / "traces" / "azure-llm-2023" / "AzureLLMInferenceTrace_conv.csv";
    if (fs::exists(shared, ec)) return fs::weakly_canonical(shared, ec).string();
  }
  for (const auto& root : roots) {
    const fs::path bundled = root / "sim" / "testdata" / "small_trace.csv";
    if (fs::exists(bundled, ec)) return bundled.string();
  }
  return "";
}

int RunSimulate(const SimulateFlags& f) {
  auto cr = sim::LoadSimAutoscaler(f.autoscaler);
  if (!cr.ok()) {
    std::cerr << "simulate: invalid autoscaler:\n" << cr.error;
    return 1;
  }
  const std::string trace_path = f.trace.empty() ? DefaultTrace() : f.trace;
  if (trace_path.empty()) {
    std::cerr << "simulate: --trace: no trace given and no default trace found "
                 "(../shared/traces or sim/testdata/small_trace.csv)\n";
    return 1;
  }
  if (!(f.rate_scale > 0)) {
    std::cerr << "simulate: --rate-scale: must be > 0\n";
    return 1;
  }
  if (f.scale_mode != "compress" && f.scale_mode != "overlay" && f.scale_mode != "replicate") {
    std::cerr << "simulate: --rate-scale-mode: must be compress, overlay or replicate\n";
    return 1;
  }
  if (f.replicate_jitter_s < 0) {
    std::cerr << "simulate: --replicate-jitter: must be >= 0\n";
    return 1;
  }
  if (!(f.interval_s > 0) || !(f.scrape_s > 0) || !(f.window_s > 0) || !(f.oracle_bucket_s > 0)) {
    std::cerr << "simulate: --interval, --scrape-interval, --rate-window and --oracle-bucket "
                 "must be > 0\n";
    return 1;
  }
  if (f.overhead_s < 0 || f.prefill_s_per_token < 0 || f.decode_s_per_token < 0 ||
      f.batch_slowdown < 0 || f.service_jitter < 0 || f.service_jitter >= 1 ||
      f.node_provision_s < 0) {
    std::cerr << "simulate: service-model flags must be >= 0 (and --service-jitter < 1)\n";
    return 1;
  }
  const auto wall0 = std::chrono::steady_clock::now();
  auto loaded = sim::LoadTraceFile(trace_path);
  if (!loaded.ok()) {
    std::cerr << "simulate: --trace: " << loaded.error << "\n";
    return 1;
  }
  sim::Trace trace = std::move(*loaded.trace);
  if (f.scale_mode == "overlay") {
    sim::OverlayTrace(trace, f.rate_scale, f.seed);
  } else if (f.scale_mode == "replicate") {
    sim::ReplicateTrace(trace, f.rate_scale, f.replicate_jitter_s, f.seed);
  } else {
    sim::ScaleTrace(trace, f.rate_scale);
  }

  sim::SimOptions opt;
  opt.config = *cr.config;
  opt.policy.name = f.policy;
  opt.policy.decision_interval_s = f.interval_s;
  if (f.target_utilization != 0) opt.policy.target_utilization = f.target_utilization;
  if (f.keda_threshold != 0) opt.policy.keda_threshold = f.keda_threshold;
  opt.policy.oracle_bucket_s = f.oracle_bucket_s;
  if (f.initial_replicas >= 0) opt.initial_replicas = f.initial_replicas;
  opt.scrape_interval_s = f.scrape_s;
  opt.rate_window_s = f.window_s;
  opt.seed = f.seed;
  opt.rate_scale = f.rate_scale;
  opt.scale_mode = f.scale_mode;
  opt.fleet.node_provision_s = f.node_provision_s;
  opt.fleet.service.overhead_s = f.overhead_s;
  opt.fleet.service.prefill_s_per_token = f.prefill_s_per_token;
  opt.fleet.service.decode_s_per_token = f.decode_s_per_token;
  opt.fleet.service.batch_slowdown = f.batch_slowdown;
  opt.fleet.service.service_jitter = f.service_jitter;
  opt.record_decisions = !f.out.empty();
  auto& ctx = opt.context;
  ctx.autoscaler_namespace = cr.namespace_;
  ctx.autoscaler_name = cr.name;
  ctx.autoscaler_uid = cr.uid;
  ctx.generation = cr.generation;
  ctx.target_api_version = cr.target_api_version;
  ctx.target_kind = cr.target_kind;
  ctx.target_name = cr.target_name;
  ctx.controller_version = std::string(kControllerVersion);
  ctx.controller_commit = std::string(kGitCommit);
  ctx.controller_instance = "simulate";
  const bool show_progress = f.progress || (!f.quiet && isatty(STDERR_FILENO) != 0);
  if (show_progress) {
    opt.progress = [finished = std::make_shared<bool>(false)](double done) {
      if (*finished) return;
      *finished = done >= 1.0;
      const int width = 40;
      const int filled = static_cast<int>(done * width);
      std::fprintf(stderr, "\rsimulating [%s%s] %3d%%", std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), static_cast<int>(done * 100));
      if (done >= 1.0) std::fprintf(stderr, "\n");
    };
  }

  sim::Simulator simulator(trace, opt);
  const sim::SimResult result = simulator.Run();
  if (!result.error.empty()) {
    std::cerr << "simulate: " << result.error << "\n";
    return 1;
  }
  sim::RunMeta meta;
  meta.trace = trace_path;
  meta.trace_form = trace.form;
  meta.rate_scale = f.rate_scale;
  meta.scale_mode = f.scale_mode;
  meta.seed = f.seed;
  meta.autoscaler = cr.source;
  meta.write_requests = !f.no_requests_csv;
  if (!f.out.empty()) {
    const std::string err = sim::WriteOutputs(f.out, result, opt, meta);
    if (!err.empty()) {
      std::cerr << "simulate: --out: " << err << "\n";
      return 1;
    }
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const auto& s = result.summary;
  std::printf("policy       %s\n", s.policy.c_str());
  std::printf("trace        %s (%s, rate scale %g %s, seed %llu)\n", trace_path.c_str(),
              trace.form.c_str(), f.rate_scale, f.scale_mode.c_str(),
              static_cast<unsigned long long>(f.seed));
  std::printf("requests     %lld (%lld completed) over %.0f s simulated\n",
              static_cast<long long>(s.requests), static_cast<long long>(s.completed),
              s.duration_s);
  std::printf("attainment   %.3f%% within %.2f s (target %g%%)%s\n", 100 * s.slo_attainment,
              opt.config.slo.latency_threshold_s, opt.config.slo.latency_percentile,
              100 * s.slo_attainment >= opt.config.slo.latency_percentile ? "" : "  MISSED");
  std::printf("latency      p50 %.3f s  p90 %.3f s  p99 %.3f s  max %.3f s\n", s.latency_p50_s,
              s.latency_p90_s, s.latency_p99_s, s.latency_max_s);
  std::printf("cost         %.3f GPU-hours (%.0f replica-seconds), utilisation %.1f%%\n",
              s.gpu_seconds / 3600, s.replica_seconds, 100 * s.mean_utilization);
  std::printf("replicas     initial %d, peak %d, mean ready %.1f, %lld scale events\n",
              s.initial_replicas, s.peak_replicas, s.mean_ready_replicas,
              static_cast<long long>(s.scale_events));
  if (!f.out.empty()) std::printf("outputs      %s (picture: %s/timeline.svg)\n", f.out.c_str(), f.out.c_str());
  std::printf("wall time    %.2f s\n", wall_s);
  return 0;
}

}  // namespace

void RegisterSimulateCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("simulate", "Replay a trace against a simulated fleet");
  auto f = std::make_shared<SimulateFlags>();
  cmd->add_option("--trace", f->trace,
                  "Trace CSV (Azure TIMESTAMP,ContextTokens,GeneratedTokens or plain "
                  "arrival_s,input_tokens,output_tokens[,service_s]); default: the shared Azure "
                  "conversation trace, else sim/testdata/small_trace.csv");
  cmd->add_option("--autoscaler", f->autoscaler,
                  "InferenceAutoscaler YAML (first document); default: an embedded CR");
  cmd->add_option("--policy", f->policy, "slo | hpa | keda | kpa | oracle | fixed:N")
      ->capture_default_str();
  cmd->add_option("--rate-scale", f->rate_scale, "Multiply the arrival rate by X")
      ->capture_default_str();
  cmd->add_option("--rate-scale-mode", f->scale_mode,
                  "compress (divide arrival times by X) | overlay (X copies, each shifted "
                  "cyclically by a random offset) | replicate (X copies of each request, each "
                  "delayed by a random [0, --replicate-jitter) s)")
      ->capture_default_str();
  cmd->add_option("--replicate-jitter", f->replicate_jitter_s,
                  "replicate mode: spread of the copies, seconds")
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "PRNG seed (overlay offsets, service jitter)")
      ->capture_default_str();
  cmd->add_option("--out", f->out, "Directory for the output files (omitted: print only)");
  cmd->add_option("--target-utilization", f->target_utilization,
                  "hpa/kpa target utilisation (default: spec.slo.targetUtilization)");
  cmd->add_option("--keda-threshold", f->keda_threshold,
                  "keda AverageValue threshold, requests per replica (default: "
                  "concurrencyPerReplica x targetUtilization)");
  cmd->add_option("--oracle-bucket", f->oracle_bucket_s, "oracle rate bucket, seconds")
      ->capture_default_str();
  cmd->add_option("--initial-replicas", f->initial_replicas,
                  "Ready replicas at t = 0 (default: the oracle's need for the first window)");
  cmd->add_option("--interval", f->interval_s, "Decision interval of slo/hpa/keda, seconds")
      ->capture_default_str();
  cmd->add_option("--scrape-interval", f->scrape_s, "Prometheus scrape interval, seconds")
      ->capture_default_str();
  cmd->add_option("--rate-window", f->window_s, "rate() window, seconds")->capture_default_str();
  cmd->add_option("--node-provision-seconds", f->node_provision_s,
                  "Time to add a GPU node when spec.nodePool is set")
      ->capture_default_str();
  cmd->add_option("--overhead-s", f->overhead_s, "Token model: fixed per-request seconds")
      ->capture_default_str();
  cmd->add_option("--prefill-s-per-token", f->prefill_s_per_token,
                  "Token model: seconds per input token")
      ->capture_default_str();
  cmd->add_option("--decode-s-per-token", f->decode_s_per_token,
                  "Token model: seconds per output token")
      ->capture_default_str();
  cmd->add_option("--batch-slowdown", f->batch_slowdown,
                  "Token model: extra decode time share at a full batch")
      ->capture_default_str();
  cmd->add_option("--service-jitter", f->service_jitter,
                  "Token model: +- uniform noise share on service times (seeded)")
      ->capture_default_str();
  cmd->add_flag("--no-requests-csv", f->no_requests_csv, "Skip requests.csv (large runs)");
  cmd->add_flag("--progress", f->progress, "Progress bar on stderr even when it is not a TTY");
  cmd->add_flag("--quiet", f->quiet, "No progress bar");
  cmd->callback([exit_code, f] { *exit_code = RunSimulate(*f); });
}

}  // namespace slo::controller
