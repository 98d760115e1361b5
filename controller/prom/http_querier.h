// controller/prom/http_querier.h: PrometheusQuerier over the Prometheus HTTP API
// (/api/v1/query) with cpprestsdk. cpprest stays inside http_querier.cc.
//
// GET with query=&time= parameters; a form-encoded POST when the encoded query is longer than
// post_threshold_bytes (long batched queries; Prometheus accepts both). Auth: a bearer token
// (inline or re-read from a file on every query, so rotated service-account tokens work) or HTTP
// basic auth. TLS: the system trust store, or a CA bundle file; certificate checks can be turned
// off for testing only. cpprest's own timeout applies per socket read, so each query also has an
// overall deadline (timeout_s) after which it is cancelled and reported as a "timeout" error.
// Responses larger than max_body_bytes are refused.
//
// Example:
//   HttpQuerierOptions o;
//   o.bearer_token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
//   o.ca_file = "/etc/prometheus-ca/ca.crt";
//   HttpQuerier q(o);
//   QueryResult r = q.Query("https://prometheus.monitoring:9090", "up", now_s);
//
// Thread-safety: Query() may be called from several threads; each call uses its own client.
#pragma once

#include <cstddef>
#include <string>

#include "controller/prom/querier.h"

namespace slo::controller::prom {

struct HttpQuerierOptions {
  std::string bearer_token;       // Authorization: Bearer <token>
  std::string bearer_token_file;  // read on every query; wins over bearer_token
  std::string basic_user;         // HTTP basic auth when non-empty
  std::string basic_password;
  std::string ca_file;                 // PEM CA bundle for https; empty = system trust store
  bool insecure_skip_verify = false;   // testing only
  double timeout_s = 10.0;             // overall deadline per query (connect + send + read)
  size_t post_threshold_bytes = 2048;  // longer encoded queries are POSTed form-encoded
  size_t max_body_bytes = 64u << 20;   // larger responses are refused
};

class HttpQuerier : public PrometheusQuerier {
 public:
  explicit HttpQuerier(HttpQuerierOptions options) : options_(std::move(options)) {}
  QueryResult Query(const std::string& base_url, const std::string& promql,
                    double eval_time_s) override;

 private:
  HttpQuerierOptions options_;
};

// application/x-www-form-urlencoded encoding of one value (RFC 3986 unreserved kept).
std::string FormEncode(const std::string& value);

}  // namespace slo::controller::prom
