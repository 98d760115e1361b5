// controller/runtime/instrumented_transport.h: wraps the Kubernetes HTTP transport to count
// requests and time them in the controller's metrics (api_requests_total{verb,code},
// api_request_duration_seconds{verb}). Watches are counted when they end.
//
// Thread-safety: as the wrapped transport (concurrent calls allowed).
#pragma once

#include <chrono>
#include <memory>

#include "controller/k8s/api_error.h"
#include "controller/k8s/http_transport.h"
#include "controller/reconcile/controller_metrics.h"

namespace slo::controller {

class InstrumentedTransport : public k8s::HttpTransport {
 public:
  InstrumentedTransport(std::shared_ptr<k8s::HttpTransport> inner, ControllerMetrics* metrics)
      : inner_(std::move(inner)), metrics_(metrics) {}

  k8s::HttpReply Send(const k8s::HttpCall& call) override {
    auto start = std::chrono::steady_clock::now();
    k8s::HttpReply reply = inner_->Send(call);
    Record(call, reply.status, start);
    return reply;
  }

  k8s::HttpReply Stream(const k8s::HttpCall& call, std::chrono::milliseconds idle_timeout,
                        const std::function<bool(const std::string&)>& on_line,
                        k8s::Cancellation* cancel) override {
    auto start = std::chrono::steady_clock::now();
    k8s::HttpReply reply = inner_->Stream(call, idle_timeout, on_line, cancel);
    Record(call, reply.status, start);
    return reply;
  }

 private:
  void Record(const k8s::HttpCall& call, int status, std::chrono::steady_clock::time_point start) {
    if (metrics_ == nullptr) return;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics_->RecordApiRequest(k8s::KubeVerb(call.method, call.path), status, s);
  }

  std::shared_ptr<k8s::HttpTransport> inner_;
  ControllerMetrics* metrics_;
};

}  // namespace slo::controller
