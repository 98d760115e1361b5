#include "controller/record/decision_json.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>

namespace slo::controller {
namespace {

using nlohmann::json;

// A finite number, or null: NaN and infinities never reach the JSON text.
json Number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json Optional(const std::optional<double>& v) {
  return policies::IsUsable(v) ? json(*v) : json(nullptr);
}

json OptionalInt(const std::optional<int32_t>& v) { return v ? json(*v) : json(nullptr); }


json Inputs(const policies::Observation& in) {
  json j = json::object();
  j["arrivalRateRps"] = Optional(in.arrival_rate_rps);
  j["queueDepth"] = Optional(in.queue_depth);
  j["inFlight"] = Optional(in.in_flight);
  j["serviceTimeSeconds"] = Optional(in.service_time_s);
  j["latencySeconds"] = Optional(in.latency_s);
  j["sampleAgeSeconds"] = Optional(in.sample_age_s);
  j["serviceTimeScv"] = Optional(in.service_time_scv);
  j["prefillTimeSeconds"] = Optional(in.prefill_time_s);
  j["readyReplicas"] = OptionalInt(in.ready_replicas);
  return j;
}

json Model(const policies::ModelResult& m) {
  json detail = json::object();
  for (const auto& [key, value] : m.detail) detail[key] = Number(value);
  json j = json::object();
  j["name"] = m.name;
  j["replicas"] = OptionalInt(m.replicas);
  j["detail"] = std::move(detail);
  j["missingInputs"] = m.missing_inputs;
  j["note"] = m.note;
  return j;
}

}  // namespace

std::string FormatRfc3339Millis(double unix_time_s) {
  if (!std::isfinite(unix_time_s)) unix_time_s = 0;
  // Round to whole milliseconds first so 59.9996 s becomes the next second, not "59.1000".
  const auto total_ms = static_cast<long long>(std::llround(unix_time_s * 1000.0));
  long long secs = total_ms / 1000;
  long long ms = total_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

nlohmann::json DecisionToJson(const policies::Decision& d, const DecisionContext& ctx) {
  json j = json::object();
  j["ts"] = ctx.ts;
  j["type"] = "ScalingDecision";
  j["source"] = ctx.source;
  j["autoscaler"] = {{"namespace", ctx.autoscaler_namespace},
                     {"name", ctx.autoscaler_name},
                     {"uid", ctx.autoscaler_uid},
                     {"generation", ctx.generation}};
  j["target"] = {{"apiVersion", ctx.target_api_version},
                 {"kind", ctx.target_kind},
                 {"name", ctx.target_name}};
  j["inputs"] = Inputs(d.inputs);
  json models = json::array();
  for (const auto& m : d.models) models.push_back(Model(m));
  j["models"] = std::move(models);
  j["bindingModel"] = d.binding_model.empty() ? json(nullptr) : json(d.binding_model);
  j["currentReplicas"] = d.current_replicas;
  j["recommendedReplicas"] = OptionalInt(d.recommended_replicas);
  j["desiredReplicas"] = d.desired_replicas;
  j["reason"] = std::string(policies::ReasonName(d.reason));
  j["message"] = d.message;
  json limits = json::array();
  for (auto l : d.limits) limits.push_back(std::string(policies::LimitName(l)));
  j["limits"] = std::move(limits);
  if (d.overload) {
    j["overload"] = {{"shortfallReplicas", d.overload->shortfall_replicas},
                     {"shedFraction", Number(d.overload->shed_fraction)}};
  } else {
    j["overload"] = nullptr;
  }
  j["slo"] = {{"latencyThresholdSeconds", Number(ctx.slo.latency_threshold_s)},
              {"latencyPercentile", Number(ctx.slo.latency_percentile)},
              {"latencyMetric", std::string(policies::LatencyMetricName(ctx.slo.latency_metric))},
              {"targetUtilization", Number(ctx.slo.target_utilization)}};
  j["dryRun"] = ctx.dry_run;
  j["actuated"] = ctx.actuated;
  if (d.node_pool) {
    j["nodePool"] = {{"currentNodes", d.node_pool->current_nodes},
                     {"desiredNodes", d.node_pool->desired_nodes},
                     {"replicaCapacity", d.node_pool->replica_capacity}};
  } else {
    j["nodePool"] = nullptr;
  }
  j["controller"] = {{"version", ctx.controller_version},
                     {"commit", ctx.controller_commit},
                     {"instance", ctx.controller_instance}};
  if (ctx.sim_time_s) j["simTimeSeconds"] = Number(*ctx.sim_time_s);
  return j;
}

std::string DecisionLine(const policies::Decision& decision, const DecisionContext& ctx) {
  // error_handler replace: invalid UTF-8 in a message becomes U+FFFD instead of throwing.
  return DecisionToJson(decision, ctx).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace slo::controller
