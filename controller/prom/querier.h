// controller/prom/querier.h: the one-method port to Prometheus. The metrics observer, the reconcile
// loop and the simulator depend on this interface only; HttpQuerier (http_querier.h) is the real
// implementation and tests use a fake.
//
// Example:
//   QueryResult r = querier.Query("http://prometheus:9090", "sum(up)", now_s);
//   if (r.ok()) for (const Sample& s : r.samples) ...
//
// Thread-safety: implementations document their own; the observer calls Query() from one thread.
#pragma once

#include <string>

#include "controller/prom/response.h"

namespace slo::controller::prom {

class PrometheusQuerier {
 public:
  virtual ~PrometheusQuerier() = default;
  // An instant query of promql at eval_time_s (Unix seconds) against the Prometheus at base_url
  // (scheme://host:port[/prefix], without /api/v1/query). Never throws: errors are in the result.
  virtual QueryResult Query(const std::string& base_url, const std::string& promql,
                            double eval_time_s) = 0;
};

}  // namespace slo::controller::prom
