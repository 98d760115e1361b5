#include "sim/outputs.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/svg.h"

namespace slo::sim {
namespace {


// Rounds to 6 decimals so the JSON text is short and stable.
double R6(double v) { return std::isfinite(v) ? std::round(v * 1e6) / 1e6 : 0.0; }

std::string WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return path.string() + ": cannot open for writing";
  out << text;
  out.close();
  if (!out) return path.string() + ": write failed";
  return "";
}

void AppendF(std::string& s, const char* fmt, double v) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), fmt, v);
  s += buf;
}

}  // namespace

nlohmann::ordered_json SummaryJson(const SimResult& r, const SimOptions& o, const RunMeta& m) {
  const Summary& s = r.summary;
  const auto& cfg = o.config;
  nlohmann::ordered_json j;
  j["policy"] = s.policy;
  j["trace"] = m.trace;
  j["traceForm"] = m.trace_form;
  j["autoscaler"] = m.autoscaler;
  j["rateScale"] = m.rate_scale;
  j["rateScaleMode"] = m.scale_mode;
  j["seed"] = m.seed;
  j["requests"] = s.requests;
  j["completedRequests"] = s.completed;
  j["slo"] = {{"latencyThresholdSeconds", cfg.slo.latency_threshold_s},
              {"latencyPercentile", cfg.slo.latency_percentile},
              {"latencyMetric", std::string(policies::LatencyMetricName(cfg.slo.latency_metric))}};
  j["sloAttainment"] = R6(s.slo_attainment);
  j["meetsSlo"] = s.slo_attainment * 100.0 >= cfg.slo.latency_percentile;
  j["latencySeconds"] = {{"p50", R6(s.latency_p50_s)},
                         {"p90", R6(s.latency_p90_s)},
                         {"p99", R6(s.latency_p99_s)},
                         {"max", R6(s.latency_max_s)}};
  j["replicaSeconds"] = R6(s.replica_seconds);
  j["gpuSeconds"] = R6(s.gpu_seconds);
  j["gpuHours"] = R6(s.gpu_seconds / 3600.0);
  j["meanUtilization"] = R6(s.mean_utilization);
  j["meanReadyReplicas"] = R6(s.mean_ready_replicas);
  j["peakReplicas"] = s.peak_replicas;
  j["initialReplicas"] = s.initial_replicas;
  j["scaleEvents"] = s.scale_events;
  j["decisions"] = s.decisions;
  j["simulatedSeconds"] = R6(s.duration_s);
  const auto& sm = o.fleet.service;
  j["serviceModel"] = {{"overheadSeconds", sm.overhead_s},
                       {"prefillSecondsPerToken", sm.prefill_s_per_token},
                       {"decodeSecondsPerToken", sm.decode_s_per_token},
                       {"batchSlowdown", sm.batch_slowdown},
                       {"serviceJitter", sm.service_jitter}};
  j["fleet"] = {{"concurrencyPerReplica", cfg.capacity.concurrency_per_replica},
                {"startupSeconds", cfg.capacity.startup_s},
                {"minReplicas", cfg.min_replicas},
                {"maxReplicas", cfg.max_replicas},
                {"gpusPerReplica", cfg.node_pool ? cfg.node_pool->gpus_per_replica : 1},
                {"nodeProvisionSeconds", cfg.node_pool ? nlohmann::ordered_json(o.fleet.node_provision_s)
                                                       : nlohmann::ordered_json(nullptr)}};
  j["observation"] = {{"scrapeIntervalSeconds", o.scrape_interval_s},
                      {"rateWindowSeconds", o.rate_window_s}};
  return j;
}

std::string WriteOutputs(const std::string& dir, const SimResult& r, const SimOptions& o,
                         const RunMeta& m) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return dir + ": cannot create directory: " + ec.message();
  const fs::path base(dir);
  std::string err = WriteFile(base / "summary.json", SummaryJson(r, o, m).dump(2) + "\n");
  if (!err.empty()) return err;

  std::string tl =
      "t_s,arrival_rate_rps,queue_depth,in_flight,ready_replicas,desired_replicas,"
      "starting_replicas,draining_replicas\n";
  tl.reserve(r.timeline.size() * 32);
  for (const auto& row : r.timeline) {
    char buf[128];
    std::snprintf(buf, sizeof(buf), "%lld,%d,%d,%d,%d,%d,%d,%d\n",
                  static_cast<long long>(row.t_s), row.arrivals, row.queue_depth, row.in_flight,
                  row.ready, row.desired, row.starting, row.draining);
    tl += buf;
  }
  if (!(err = WriteFile(base / "timeline.csv", tl)).empty()) return err;

  if (m.write_requests) {
    std::string rq = "arrival_s,start_s,first_token_s,finish_s,latency_s,replica\n";
    rq.reserve(r.requests.size() * 64);
    for (const auto& rec : r.requests) {
      AppendF(rq, "%.6f,", rec.arrival_s);
      if (rec.start_s >= 0) {
        AppendF(rq, "%.6f,", rec.start_s);
        AppendF(rq, "%.6f,", rec.first_token_s);
      } else {
        rq += ",,";
      }
      if (rec.finish_s >= 0) {
        AppendF(rq, "%.6f,", rec.finish_s);
        AppendF(rq, "%.6f,", SloLatency(o.config.slo.latency_metric, rec));
      } else {
        rq += ",,";
      }
      if (rec.replica >= 0) rq += std::to_string(rec.replica);
      rq += "\n";
    }
    if (!(err = WriteFile(base / "requests.csv", rq)).empty()) return err;
  }

  std::string dl;
  for (const auto& line : r.decision_lines) {
    dl += line;
    dl += "\n";
  }
  if (!(err = WriteFile(base / "decisions.jsonl", dl)).empty()) return err;
  return WriteFile(base / "timeline.svg", RenderSvg(r, o.config.slo, r.summary.policy + " on " + m.trace));
}

}  // namespace slo::sim
