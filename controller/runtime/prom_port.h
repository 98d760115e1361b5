// controller/runtime/prom_port.h: the reconcile loop's MetricsPort backed by the Prometheus
// observer (controller/prom): one batched pass of PromQL per reconcile pass.
//
// Thread-safety: used from the reconcile thread only.
#pragma once

#include <memory>

#include "controller/reconcile/controller_metrics.h"
#include "controller/reconcile/ports.h"
#include "controller/runtime/run_controller.h"

namespace slo::controller {

// Builds the port from the run options (default Prometheus URL, auth, CA, timeout, namespace
// isolation). Each query's latency and error type go to metrics (may be null). Returns nullptr
// and sets *error when an option is unusable (unreadable file).
std::unique_ptr<MetricsPort> MakePrometheusPort(const RunOptions& options,
                                                ControllerMetrics* metrics, std::string* error);

}  // namespace slo::controller
