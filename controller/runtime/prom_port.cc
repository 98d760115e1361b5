#include "controller/runtime/prom_port.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "controller/prom/http_querier.h"
#include "controller/prom/observer.h"

namespace slo::controller {
namespace {

// Times every query and counts the failed ones in the controller's metrics.
class InstrumentedQuerier : public prom::PrometheusQuerier {
 public:
  InstrumentedQuerier(prom::HttpQuerierOptions options, ControllerMetrics* metrics)
      : inner_(std::move(options)), metrics_(metrics) {}
  prom::QueryResult Query(const std::string& base_url, const std::string& promql,
                          double eval_time_s) override {
    auto start = std::chrono::steady_clock::now();
    prom::QueryResult r = inner_.Query(base_url, promql, eval_time_s);
    if (metrics_ != nullptr) {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      metrics_->RecordPrometheusQuery(
          s, r.ok() ? "" : (r.error_type.empty() ? "error" : r.error_type));
    }
    return r;
  }

 private:
  prom::HttpQuerier inner_;
  ControllerMetrics* metrics_;
};

class PrometheusMetricsPort : public MetricsPort {
 public:
  PrometheusMetricsPort(prom::HttpQuerierOptions querier_options,
                        prom::MetricsObserverOptions observer_options, ControllerMetrics* metrics)
      : querier_(std::move(querier_options), metrics),
        observer_(&querier_, std::move(observer_options)) {}

  std::map<std::string, ObservedMetrics> Observe(const std::vector<ObserveItem>& items,
                                                 double now_s) override {
    std::vector<prom::ObserveRequest> requests;
    requests.reserve(items.size());
    for (const auto& item : items) requests.push_back(prom::RequestFor(*item.autoscaler, item.key));
    auto results = observer_.ObservePass(requests, now_s);
    std::map<std::string, ObservedMetrics> out;
    for (auto& [key, r] : results) {
      ObservedMetrics m;
      m.observation = r.observation;
      m.prometheus_error = r.prometheus_error;
      for (const auto& [name, d] : r.inputs) {
        m.inputs[name] =
            ObservedInput{d.query, d.value, std::string(prom::InputStatusName(d.status)), d.error};
      }
      out[key] = std::move(m);
    }
    return out;
  }
  int QueriesLastPass() const override { return observer_.queries_last_pass(); }

 private:
  InstrumentedQuerier querier_;
  prom::MetricsObserver observer_;
};

bool ReadTrimmed(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  *out = s;
  return true;
}

}  // namespace

std::unique_ptr<MetricsPort> MakePrometheusPort(const RunOptions& o, ControllerMetrics* metrics,
                                                std::string* error) {
  prom::HttpQuerierOptions q;
  q.bearer_token_file = o.prometheus_bearer_token_file;
  q.ca_file = o.prometheus_ca_file;
  q.timeout_s = o.prometheus_timeout_s;
  if (!o.prometheus_bearer_token_file.empty()) {
    std::string ignored;
    if (!ReadTrimmed(o.prometheus_bearer_token_file, &ignored)) {
      *error = "--prometheus-bearer-token-file: cannot read " + o.prometheus_bearer_token_file;
      return nullptr;
    }
  }
  if (!o.prometheus_ca_file.empty() && !std::ifstream(o.prometheus_ca_file)) {
    *error = "--prometheus-ca-file: cannot read " + o.prometheus_ca_file;
    return nullptr;
  }
  if (!o.prometheus_basic_auth_file.empty()) {
    std::string creds;
    if (!ReadTrimmed(o.prometheus_basic_auth_file, &creds) ||
        creds.find(':') == std::string::npos) {
      *error = "--prometheus-basic-auth-file: want a readable file holding user:password, got " +
               o.prometheus_basic_auth_file;
      return nullptr;
    }
    q.basic_user = creds.substr(0, creds.find(':'));
    q.basic_password = creds.substr(creds.find(':') + 1);
  }
  prom::MetricsObserverOptions obs;
  obs.default_prometheus_url = o.prometheus_url;
  obs.namespace_isolation = o.namespace_isolation;
  obs.rate_window = o.prometheus_rate_window;
  return std::make_unique<PrometheusMetricsPort>(std::move(q), std::move(obs), metrics);
}

}  // namespace slo::controller
