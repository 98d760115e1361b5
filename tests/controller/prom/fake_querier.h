// tests/controller/prom/fake_querier.h: a PrometheusQuerier that answers from a function and
// records every query sent (url, promql, eval time).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "controller/prom/querier.h"

namespace slo::controller::prom {

class FakePrometheusQuerier : public PrometheusQuerier {
 public:
  struct Call {
    std::string url;
    std::string promql;
    double eval_time_s;
  };
  using Handler = std::function<QueryResult(const std::string& url, const std::string& promql)>;

  explicit FakePrometheusQuerier(Handler handler) : handler_(std::move(handler)) {}
  QueryResult Query(const std::string& url, const std::string& promql,
                    double eval_time_s) override {
    calls.push_back({url, promql, eval_time_s});
    return handler_(url, promql);
  }

  std::vector<Call> calls;

 private:
  Handler handler_;
};

// A successful vector result.
inline QueryResult VectorResult(std::vector<Sample> samples) {
  QueryResult r;
  r.result_type = ResultType::kVector;
  r.samples = std::move(samples);
  return r;
}

}  // namespace slo::controller::prom
