#include "controller/reconcile/controller_metrics.h"

namespace slo::controller {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

prometheus::Histogram::BucketBoundaries DurationBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

}  // namespace

ControllerMetrics::ControllerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      decisions_(BuildCounter()
                     .Name("slo_autoscaler_decisions_total")
                     .Help("Scaling decisions, by autoscaler and reason code")
                     .Register(*registry_)),
      current_(BuildGauge()
                   .Name("slo_autoscaler_current_replicas")
                   .Help("Replicas of the scale target when the decision was made")
                   .Register(*registry_)),
      desired_(BuildGauge()
                   .Name("slo_autoscaler_desired_replicas")
                   .Help("Replicas the last decision asked for")
                   .Register(*registry_)),
      recommended_(BuildGauge()
                       .Name("slo_autoscaler_recommended_replicas")
                       .Help("Each capacity model's answer in the last decision")
                       .Register(*registry_)),
      shed_(BuildGauge()
                .Name("slo_autoscaler_shed_fraction")
                .Help("Share of arrivals the capped fleet cannot serve within the SLO")
                .Register(*registry_)),
      nodes_(BuildGauge()
                 .Name("slo_autoscaler_node_pool_desired_nodes")
                 .Help("Nodes the last decision asked of the autoscaler's node pool")
                 .Register(*registry_)),
      autoscalers_(BuildGauge()
                       .Name("slo_autoscaler_autoscalers")
                       .Help("InferenceAutoscalers handled in the last pass")
                       .Register(*registry_)
                       .Add({})),
      reconcile_duration_(BuildHistogram()
                              .Name("slo_autoscaler_reconcile_duration_seconds")
                              .Help("Duration of one reconcile pass over all autoscalers")
                              .Register(*registry_)
                              .Add({}, DurationBuckets())),
      prometheus_queries_(BuildCounter()
                              .Name("slo_autoscaler_prometheus_queries_total")
                              .Help("PromQL queries sent to Prometheus")
                              .Register(*registry_)
                              .Add({})),
      prometheus_queries_per_pass_(BuildGauge()
                                       .Name("slo_autoscaler_prometheus_queries_per_pass")
                                       .Help("PromQL queries sent in the last pass")
                                       .Register(*registry_)
                                       .Add({})),
      prometheus_errors_(BuildCounter()
                             .Name("slo_autoscaler_prometheus_errors_total")
                             .Help("Passes in which a Prometheus query failed")
                             .Register(*registry_)
                             .Add({})),
      prometheus_query_duration_(BuildHistogram()
                                     .Name("slo_autoscaler_prometheus_query_duration_seconds")
                                     .Help("Latency of one PromQL query, errors included")
                                     .Register(*registry_)
                                     .Add({}, DurationBuckets())),
      prometheus_query_errors_(BuildCounter()
                                   .Name("slo_autoscaler_prometheus_query_errors_total")
                                   .Help("PromQL queries that failed, by error type")
                                   .Register(*registry_)),
      api_requests_(BuildCounter()
                        .Name("slo_autoscaler_api_requests_total")
                        .Help("Kubernetes API requests by verb and HTTP status code")
                        .Register(*registry_)),
      api_duration_(BuildHistogram()
                        .Name("slo_autoscaler_api_request_duration_seconds")
                        .Help("Kubernetes API request latency by verb")
                        .Register(*registry_)),
      api_errors_(BuildCounter()
                      .Name("slo_autoscaler_api_errors_total")
                      .Help("Kubernetes API requests that failed (no response or status >= 400)")
                      .Register(*registry_)) {}

void ControllerMetrics::RecordDecision(const std::string& ns, const std::string& name,
                                       const policies::Decision& decision) {
  std::lock_guard<std::mutex> lock(mu_);
  prometheus::Labels labels{{"namespace", ns}, {"name", name}};
  Series& s = series_[{ns, name}];
  std::string reason(policies::ReasonName(decision.reason));
  auto& counter = s.reasons[reason];
  if (counter == nullptr) {
    auto l = labels;
    l["reason"] = reason;
    counter = &decisions_.Add(l);
  }
  counter->Increment();
  if (s.current == nullptr) s.current = &current_.Add(labels);
  if (s.desired == nullptr) s.desired = &desired_.Add(labels);
  s.current->Set(decision.current_replicas);
  s.desired->Set(decision.desired_replicas);
  // Model gauges: present only for models that answered in this decision.
  std::map<std::string, prometheus::Gauge*> kept;
  for (const auto& m : decision.models) {
    if (!m.replicas) continue;
    auto it = s.models.find(m.name);
    prometheus::Gauge* g = nullptr;
    if (it != s.models.end()) {
      g = it->second;
      s.models.erase(it);
    } else {
      auto l = labels;
      l["model"] = m.name;
      g = &recommended_.Add(l);
    }
    g->Set(*m.replicas);
    kept[m.name] = g;
  }
  for (auto& [model, g] : s.models) recommended_.Remove(g);
  s.models = std::move(kept);
  if (decision.overload) {
    if (s.shed == nullptr) s.shed = &shed_.Add(labels);
    s.shed->Set(decision.overload->shed_fraction);
  } else if (s.shed != nullptr) {
    s.shed->Set(0);
  }
  if (decision.node_pool) {
    if (s.nodes == nullptr) s.nodes = &nodes_.Add(labels);
    s.nodes->Set(decision.node_pool->desired_nodes);
  }
}

void ControllerMetrics::ForgetAutoscaler(const std::string& ns, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find({ns, name});
  if (it == series_.end()) return;
  Series& s = it->second;
  for (auto& [reason, c] : s.reasons) decisions_.Remove(c);
  for (auto& [model, g] : s.models) recommended_.Remove(g);
  if (s.current) current_.Remove(s.current);
  if (s.desired) desired_.Remove(s.desired);
  if (s.shed) shed_.Remove(s.shed);
  if (s.nodes) nodes_.Remove(s.nodes);
  series_.erase(it);
}

std::vector<std::string> ControllerMetrics::KnownAutoscalers() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [key, s] : series_) out.push_back(key.first + "/" + key.second);
  return out;
}

void ControllerMetrics::RecordPass(double duration_s, int autoscalers, int prometheus_queries,
                                   bool prometheus_failed) {
  reconcile_duration_.Observe(duration_s);
  autoscalers_.Set(autoscalers);
  prometheus_queries_.Increment(prometheus_queries);
  prometheus_queries_per_pass_.Set(prometheus_queries);
  if (prometheus_failed) prometheus_errors_.Increment();
}

void ControllerMetrics::RecordApiRequest(const std::string& verb, int http_status,
                                         double duration_s) {
  api_requests_.Add({{"verb", verb}, {"code", std::to_string(http_status)}}).Increment();
  api_duration_.Add({{"verb", verb}}, DurationBuckets()).Observe(duration_s);
  if (http_status == 0 || http_status >= 400) api_errors_.Add({{"verb", verb}}).Increment();
}

void ControllerMetrics::RecordPrometheusQuery(double duration_s, const std::string& error_type) {
  prometheus_query_duration_.Observe(duration_s);
  if (!error_type.empty()) prometheus_query_errors_.Add({{"error_type", error_type}}).Increment();
}

}  // namespace slo::controller
