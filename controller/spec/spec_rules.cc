// The spec rules of an InferenceAutoscaler. See spec_rules.h and README.md ("The InferenceAutoscaler resource").
#include "controller/spec/spec_rules.h"

#include <cmath>
#include <string>

namespace slo::controller {
namespace {

using nlohmann::json;
using policies::LatencyMetric;
using policies::PolicyType;
using policies::ScalingPolicy;
using policies::ScalingRules;
using policies::SelectPolicy;

constexpr int32_t kMaxPeriodS = 1800;  // HPA: periodSeconds <= 1800
constexpr int32_t kMaxWindowS = 3600;  // HPA: stabilizationWindowSeconds <= 3600

bool IsDottedPath(std::string_view s) {
  bool segment_start = true;
  for (char c : s) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (c == '.') {
      if (segment_start) return false;
      segment_start = true;
    } else if (alpha || (digit && !segment_start)) {
      segment_start = false;
    } else {
      return false;
    }
  }
  return !s.empty() && !segment_start;
}

ObjectRef ReadRef(FieldChecker& c, const json& parent, std::string_view path, bool with_namespace) {
  ObjectRef ref;
  const json* v = with_namespace ? c.Object(parent, "scaleTargetRef", path, kRequired,
                                            {"apiVersion", "kind", "name", "namespace"})
                                 : c.Object(parent, "scaleTargetRef", path, kRequired,
                                            {"apiVersion", "kind", "name"});
  if (v == nullptr) return ref;
  std::string p = JoinPath(path, "scaleTargetRef");
  ref.api_version = c.String(*v, "apiVersion", p, kOptional).value_or("");
  ref.kind = c.String(*v, "kind", p, kRequired, true).value_or("");
  ref.name = c.String(*v, "name", p, kRequired, true).value_or("");
  if (with_namespace) ref.namespace_ = c.String(*v, "namespace", p, kOptional).value_or("");
  return ref;
}

// Sets *threshold_ok when a valid latencyThresholdSeconds was read.
void ReadSlo(FieldChecker& c, const json& spec, policies::SloSpec* slo,
             std::optional<LatencyMetric>* metric, bool* threshold_ok) {
  const json* v = c.Object(
      spec, "slo", "spec", kRequired,
      {"latencyThresholdSeconds", "latencyPercentile", "targetUtilization", "latencyMetric"});
  if (v == nullptr) return;
  const std::string p = "spec.slo";
  if (auto t = c.Number(*v, "latencyThresholdSeconds", p, kRequired, Bounds::Above(0))) {
    slo->latency_threshold_s = *t;
    *threshold_ok = true;
  }
  if (auto q = c.Number(*v, "latencyPercentile", p, kOptional, {0, true, 100, true})) {
    slo->latency_percentile = *q;
  }
  if (auto u = c.Number(*v, "targetUtilization", p, kOptional, {0, true, 1, false})) {
    slo->target_utilization = *u;
  }
  if (auto m = c.Enum(*v, "latencyMetric", p, kOptional, {"ttft", "e2e", "queueWait"})) {
    *metric = *m == "ttft"  ? LatencyMetric::kTtft
              : *m == "e2e" ? LatencyMetric::kE2e
                            : LatencyMetric::kQueueWait;
  }
}

void ReadCapacity(FieldChecker& c, const json& spec, policies::CapacitySpec* cap) {
  const json* v = c.Object(spec, "capacity", "spec", kRequired,
                           {"concurrencyPerReplica", "serviceTimeSeconds", "startupSeconds",
                            "serviceTimeSCV", "prefillFraction"});
  if (v == nullptr) return;
  const std::string p = "spec.capacity";
  if (auto n = c.Int32(*v, "concurrencyPerReplica", p, kRequired, Bounds::AtLeast(1))) {
    cap->concurrency_per_replica = *n;
  }
  cap->service_time_s = c.Number(*v, "serviceTimeSeconds", p, kOptional, Bounds::Above(0));
  if (auto s = c.Number(*v, "startupSeconds", p, kOptional, Bounds::AtLeast(0))) {
    cap->startup_s = *s;
  }
  if (auto s = c.Number(*v, "serviceTimeSCV", p, kOptional, Bounds::Above(0))) {
    cap->service_time_scv = *s;
  }
  if (auto f = c.Number(*v, "prefillFraction", p, kOptional, Bounds::Between(0, 1))) {
    cap->prefill_fraction = *f;
  }
}

void ReadMetrics(FieldChecker& c, const json& spec, MetricsSpec* m, double* max_age_s,
                 double* consistency_tolerance) {
  const json* v = c.Object(spec, "metrics", "spec", kOptional,
                           {"preset", "prometheusUrl", "labelSelector", "queries",
                            "maxSampleAgeSeconds", "consistencyTolerance"});
  if (v == nullptr) return;
  const std::string p = "spec.metrics";
  if (auto preset = c.Enum(*v, "preset", p, kOptional, {"vllm", "sglang", "tgi", "custom"})) {
    m->preset = *preset == "vllm"     ? MetricsPreset::kVllm
                : *preset == "sglang" ? MetricsPreset::kSglang
                : *preset == "tgi"    ? MetricsPreset::kTgi
                                      : MetricsPreset::kCustom;
  }
  if (auto url = c.String(*v, "prometheusUrl", p, kOptional)) {
    bool ok = (url->rfind("http://", 0) == 0 && url->size() > 7) ||
              (url->rfind("https://", 0) == 0 && url->size() > 8);
    if (ok) {
      m->prometheus_url = *url;
    } else {
      c.Error(p + ".prometheusUrl", "must be an http:// or https:// URL, got \"" + *url + "\"");
    }
  }
  if (const json* sel = c.Member(*v, "labelSelector", p, kOptional)) {
    const std::string sp = p + ".labelSelector";
    if (!sel->is_object()) {
      c.Error(sp, "must be an object (label name -> value)");
    } else {
      for (const auto& [k, val] : sel->items()) {
        const std::string kp = sp + "[" + k + "]";
        if (!IsPrometheusLabelName(k)) {
          c.Error(kp, "invalid Prometheus label name (want [a-zA-Z_][a-zA-Z0-9_]*)");
        } else if (k.rfind("__", 0) == 0) {
          c.Error(kp, "label names starting with __ are reserved by Prometheus");
        } else if (!val.is_string()) {
          c.Error(kp, "must be a string (quote numbers and booleans)");
        } else {
          m->label_selector[k] = val.get<std::string>();
        }
      }
    }
  }
  if (const json* q =
          c.Object(*v, "queries", p, kOptional,
                   {"arrivalRate", "queueDepth", "inFlight", "serviceTime", "latency"})) {
    for (const auto& [k, val] : q->items()) {
      if (auto s = c.String(*q, k, p + ".queries", kOptional, true)) m->queries[k] = *s;
    }
  }
  if (auto a = c.Number(*v, "maxSampleAgeSeconds", p, kOptional, Bounds::Above(0))) {
    *max_age_s = *a;
  }
  if (auto t = c.Number(*v, "consistencyTolerance", p, kOptional, Bounds::Above(0))) {
    *consistency_tolerance = *t;
  }
}

void ReadRules(FieldChecker& c, const json& behavior, std::string_view key,
               const std::string& parent, ScalingRules* rules) {
  const json* v = c.Object(behavior, key, parent, kOptional,
                           {"stabilizationWindowSeconds", "selectPolicy", "policies"});
  if (v == nullptr) return;
  const std::string p = JoinPath(parent, key);
  if (auto w = c.Int32(*v, "stabilizationWindowSeconds", p, kOptional,
                       Bounds::Between(0, kMaxWindowS))) {
    rules->stabilization_window_s = *w;
  }
  if (auto s = c.Enum(*v, "selectPolicy", p, kOptional, {"Max", "Min", "Disabled"})) {
    rules->select_policy = *s == "Max"   ? SelectPolicy::kMax
                           : *s == "Min" ? SelectPolicy::kMin
                                         : SelectPolicy::kDisabled;
  }
  const json* list = c.Member(*v, "policies", p, kOptional);
  if (list == nullptr) return;
  const std::string lp = p + ".policies";
  if (!list->is_array()) {
    c.Error(lp, "must be a list of {type, value, periodSeconds}");
    return;
  }
  rules->policies.clear();
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string ip = lp + "[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!c.CheckObject(item, ip, {"type", "value", "periodSeconds"})) continue;
    ScalingPolicy policy;
    auto type = c.Enum(item, "type", ip, kRequired, {"Pods", "Percent"});
    auto value = c.Int32(item, "value", ip, kRequired, Bounds::AtLeast(1));
    auto period = c.Int32(item, "periodSeconds", ip, kRequired, Bounds::Between(1, kMaxPeriodS));
    if (type && value && period) {
      policy.type = *type == "Pods" ? PolicyType::kPods : PolicyType::kPercent;
      policy.value = *value;
      policy.period_s = *period;
      rules->policies.push_back(policy);
    }
  }
  if (list->empty() && rules->select_policy != SelectPolicy::kDisabled) {
    c.Error(lp, "must have at least one policy unless selectPolicy is Disabled");
  }
}

void ReadBehavior(FieldChecker& c, const json& spec, policies::Behavior* b) {
  const json* v =
      c.Object(spec, "behavior", "spec", kOptional, {"scaleUp", "scaleDown", "tolerance"});
  if (v == nullptr) return;
  const std::string p = "spec.behavior";
  ReadRules(c, *v, "scaleUp", p, &b->scale_up);
  ReadRules(c, *v, "scaleDown", p, &b->scale_down);
  if (auto t = c.Number(*v, "tolerance", p, kOptional, {0, false, 1, true})) b->tolerance = *t;
}

// Sets *max_nodes_ok when a valid maxNodes was read.
void ReadNodePool(FieldChecker& c, const json& spec, std::optional<NodePoolSpec>* out,
                  bool* max_nodes_ok) {
  const json* v = c.Object(
      spec, "nodePool", "spec", kOptional,
      {"scaleTargetRef", "replicasPath", "gpusPerReplica", "gpusPerNode", "minNodes", "maxNodes"});
  if (v == nullptr) return;
  const std::string p = "spec.nodePool";
  NodePoolSpec pool;
  pool.scale_target_ref = ReadRef(c, *v, p, /*with_namespace=*/true);
  if (auto path = c.String(*v, "replicasPath", p, kOptional)) {
    if (path->empty() || IsDottedPath(*path)) {
      pool.replicas_path = *path;
    } else {
      c.Error(p + ".replicasPath",
              "must be a dotted field path like spec.replicas, got \"" + *path + "\"");
    }
  }
  auto& s = pool.sizing;
  if (auto g = c.Int32(*v, "gpusPerReplica", p, kOptional, Bounds::AtLeast(1)))
    s.gpus_per_replica = *g;
  if (auto g = c.Int32(*v, "gpusPerNode", p, kOptional, Bounds::AtLeast(1))) s.gpus_per_node = *g;
  if (auto n = c.Int32(*v, "minNodes", p, kOptional, Bounds::AtLeast(0))) s.min_nodes = *n;
  if (auto n = c.Int32(*v, "maxNodes", p, kRequired, Bounds::AtLeast(1))) {
    s.max_nodes = *n;
    *max_nodes_ok = true;
  }
  *out = pool;
}

// Which required values were read validly (a cross-field rule on a missing or invalid value
// would only echo that value's own error).
struct ReadOk {
  bool max_replicas = false;
  bool threshold = false;
  bool max_nodes = false;
};

// The rules that relate two fields; run after the fields themselves were read.
void CheckCrossField(FieldChecker& c, const InferenceAutoscaler& a, const ReadOk& ok) {
  const auto& cfg = a.config;
  if (ok.max_replicas && cfg.min_replicas > cfg.max_replicas) {
    c.Error("spec.minReplicas", "must be <= spec.maxReplicas (" + std::to_string(cfg.max_replicas) +
                                    "), got " + std::to_string(cfg.min_replicas));
  }
  // The wait budget is the threshold minus the part of the service inside the metric.
  if (cfg.capacity.service_time_s && ok.threshold) {
    double s = *cfg.capacity.service_time_s;
    double t = cfg.slo.latency_threshold_s;
    if (cfg.slo.latency_metric == LatencyMetric::kE2e && s >= t) {
      c.Error("spec.capacity.serviceTimeSeconds",
              "must be < spec.slo.latencyThresholdSeconds (" + FormatNumber(t) +
                  ") when latencyMetric is e2e: no replica count can meet the SLO, got " +
                  FormatNumber(s));
    } else if (cfg.slo.latency_metric == LatencyMetric::kTtft &&
               cfg.capacity.prefill_fraction * s >= t) {
      c.Error("spec.capacity.serviceTimeSeconds",
              "its prefill part (prefillFraction " + FormatNumber(cfg.capacity.prefill_fraction) +
                  " x " + FormatNumber(s) + " s) must be < spec.slo.latencyThresholdSeconds (" +
                  FormatNumber(t) + ") when latencyMetric is ttft");
    }
  }
  if (a.metrics.preset == MetricsPreset::kCustom) {
    const auto& q = a.metrics.queries;
    if (!q.count("arrivalRate")) {
      c.Error("spec.metrics.queries.arrivalRate",
              "Required value: the custom preset has no built-in queries");
    }
    if (!q.count("serviceTime") && !q.count("inFlight") && !cfg.capacity.service_time_s) {
      c.Error("spec.metrics.queries.serviceTime",
              "Required value: the custom preset needs queries.serviceTime, queries.inFlight "
              "(service time = inFlight / arrivalRate) or spec.capacity.serviceTimeSeconds");
    }
  }
  if (cfg.node_pool && ok.max_nodes) {
    const auto& n = *cfg.node_pool;
    if (n.min_nodes > n.max_nodes) {
      c.Error("spec.nodePool.minNodes", "must be <= spec.nodePool.maxNodes (" +
                                            std::to_string(n.max_nodes) + "), got " +
                                            std::to_string(n.min_nodes));
    }
    if (n.gpus_per_replica > n.gpus_per_node) {
      c.Error("spec.nodePool.gpusPerReplica",
              "must be <= spec.nodePool.gpusPerNode (" + std::to_string(n.gpus_per_node) +
                  "): replicas spanning nodes are not supported, got " +
                  std::to_string(n.gpus_per_replica));
    } else {
      int64_t per_node = n.gpus_per_node / n.gpus_per_replica;
      int64_t capacity = per_node * n.max_nodes;
      if (capacity < cfg.min_replicas) {
        c.Error("spec.nodePool.maxNodes", std::to_string(n.max_nodes) + " node(s) host at most " +
                                              std::to_string(capacity) +
                                              " replica(s), fewer than spec.minReplicas (" +
                                              std::to_string(cfg.min_replicas) + ")");
      }
    }
  }
}

}  // namespace

bool IsPrometheusLabelName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
              (i > 0 && ch >= '0' && ch <= '9');
    if (!ok) return false;
  }
  return true;
}

void ValidateSpec(FieldChecker& c, const json& spec, InferenceAutoscaler* a) {
  if (!c.CheckObject(spec, "spec",
                     {"scaleTargetRef", "minReplicas", "maxReplicas", "slo", "capacity", "metrics",
                      "behavior", "nodePool", "dryRun"})) {
    return;
  }
  ReadOk ok;
  a->scale_target_ref = ReadRef(c, spec, "spec", /*with_namespace=*/false);
  auto& cfg = a->config;
  if (auto n = c.Int32(spec, "minReplicas", "spec", kOptional, Bounds::AtLeast(1))) {
    cfg.min_replicas = *n;
  }
  if (auto max = c.Int32(spec, "maxReplicas", "spec", kRequired, Bounds::AtLeast(1))) {
    cfg.max_replicas = *max;
    ok.max_replicas = true;
  }
  std::optional<LatencyMetric> metric;
  ReadSlo(c, spec, &cfg.slo, &metric, &ok.threshold);
  ReadCapacity(c, spec, &cfg.capacity);
  ReadMetrics(c, spec, &a->metrics, &cfg.max_sample_age_s, &cfg.consistency_tolerance);
  cfg.slo.latency_metric = metric.value_or(
      a->metrics.preset == MetricsPreset::kCustom ? LatencyMetric::kE2e : LatencyMetric::kTtft);
  ReadBehavior(c, spec, &cfg.behavior);
  ReadNodePool(c, spec, &a->node_pool, &ok.max_nodes);
  if (a->node_pool) cfg.node_pool = a->node_pool->sizing;
  if (auto d = c.Bool(spec, "dryRun", "spec", kOptional)) a->dry_run = *d;
  CheckCrossField(c, *a, ok);
}

}  // namespace slo::controller
