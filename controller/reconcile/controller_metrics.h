// controller/reconcile/controller_metrics.h: the controller's own Prometheus metrics (served on
// --metrics-addr at /metrics by prometheus-cpp's pull exposer).
//
// Families (all prefixed slo_autoscaler_):
//   decisions_total{namespace,name,reason}            counter: one per decision
//   current_replicas{namespace,name}                  gauge
//   desired_replicas{namespace,name}                  gauge
//   recommended_replicas{namespace,name,model}        gauge: each model's answer (absent when it
//   lacked input) shed_fraction{namespace,name}                     gauge: overload model's share
//   of arrivals not served in SLO node_pool_desired_nodes{namespace,name}           gauge
//   autoscalers                                       gauge: autoscalers in the last pass
//   reconcile_duration_seconds                        histogram: one pass
//   prometheus_queries_total                          counter; prometheus_queries_per_pass gauge
//   prometheus_errors_total                           counter: passes in which Prometheus failed
//   prometheus_query_duration_seconds                 histogram: one PromQL query
//   prometheus_query_errors_total{error_type}         counter: failed PromQL queries
//   api_requests_total{verb,code}                     counter; api_request_duration_seconds{verb}
//   histogram api_errors_total{verb}                            counter
//
// Thread-safety: all methods may be called from any thread (prometheus-cpp metrics are atomic;
// the per-autoscaler bookkeeping is guarded by a mutex).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policies/decision.h"

namespace slo::controller {

class ControllerMetrics {
 public:
  ControllerMetrics();

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  void RecordDecision(const std::string& ns, const std::string& name,
                      const policies::Decision& decision);
  // Drops every per-autoscaler series of an autoscaler that no longer exists.
  void ForgetAutoscaler(const std::string& ns, const std::string& name);
  // Names ("ns/name") of autoscalers with series.
  std::vector<std::string> KnownAutoscalers() const;

  void RecordPass(double duration_s, int autoscalers, int prometheus_queries,
                  bool prometheus_failed);
  void RecordApiRequest(const std::string& verb, int http_status, double duration_s);
  // One PromQL query; error_type "" when it succeeded (else Prometheus' errorType, "http", ...).
  void RecordPrometheusQuery(double duration_s, const std::string& error_type);

 private:
  struct Series {
    prometheus::Gauge* current = nullptr;
    prometheus::Gauge* desired = nullptr;
    prometheus::Gauge* shed = nullptr;
    prometheus::Gauge* nodes = nullptr;
    std::map<std::string, prometheus::Gauge*> models;
    std::map<std::string, prometheus::Counter*> reasons;
  };

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Family<prometheus::Gauge>& current_;
  prometheus::Family<prometheus::Gauge>& desired_;
  prometheus::Family<prometheus::Gauge>& recommended_;
  prometheus::Family<prometheus::Gauge>& shed_;
  prometheus::Family<prometheus::Gauge>& nodes_;
  prometheus::Gauge& autoscalers_;
  prometheus::Histogram& reconcile_duration_;
  prometheus::Counter& prometheus_queries_;
  prometheus::Gauge& prometheus_queries_per_pass_;
  prometheus::Counter& prometheus_errors_;
  prometheus::Histogram& prometheus_query_duration_;
  prometheus::Family<prometheus::Counter>& prometheus_query_errors_;
  prometheus::Family<prometheus::Counter>& api_requests_;
  prometheus::Family<prometheus::Histogram>& api_duration_;
  prometheus::Family<prometheus::Counter>& api_errors_;

  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Series> series_;
};

}  // namespace slo::controller
