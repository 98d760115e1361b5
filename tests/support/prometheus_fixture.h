// tests/support/prometheus_fixture.h: a real Prometheus (/usr/bin/prometheus, Debian package
// `prometheus`) for integration and end-to-end tests, plus the static vLLM-format exporter
// (tests/support/static_exporter.py) to scrape.
//
// PrometheusFixture::Start() writes a config (scrape_interval 1s by default, one static job with
// the given targets and their extra target labels), starts prometheus with
// --storage.tsdb.path in a TempDir and --web.listen-address=127.0.0.1:<PickFreePort()>, and polls
// /-/ready until a deadline. The destructor stops it (SIGTERM, then SIGKILL) and removes the
// data dir, also when the test fails. A new series takes a few seconds to appear: use
// WaitForSamples() (polling with a deadline), never sleep.
//
// Example (the e2e test reuses this):
//   std::string err;
//   int exporter_port = 0;
//   auto exporter = StartStaticExporter({"--model-name", "llama", "--rate", "5"}, &exporter_port,
//   &err); ASSERT_TRUE(exporter) << err; PrometheusFixture::Options o; o.targets = {{"127.0.0.1:" +
//   std::to_string(exporter_port), {{"namespace", "serving"}}}}; auto prom =
//   PrometheusFixture::Start(o, &err); ASSERT_TRUE(prom) << err;
//   ASSERT_TRUE(prom->WaitForSamples("vllm:num_requests_waiting", 1, std::chrono::seconds(20)))
//       << prom->Output();
//   // ... point the controller at prom->url() ...
//
// Thread-safety: use from the test thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace slo::testing {

struct ScrapeTarget {
  std::string address;                        // host:port serving /metrics
  std::map<std::string, std::string> labels;  // extra target labels (e.g. namespace, pod)
};

class PrometheusFixture {
 public:
  struct Options {
    std::vector<ScrapeTarget> targets;
    std::string scrape_interval = "1s";
    std::chrono::milliseconds ready_timeout{30000};
    std::vector<std::string> extra_args;  // more prometheus flags
    // Contents of a --web.config.file (TLS, basic auth users), empty = none. With tls = true the
    // URL is https:// and readiness is read from the log ("Server is ready to receive web
    // requests"), since HttpRequest() speaks plain HTTP only.
    std::string web_config_yaml;
    bool tls = false;
  };

  // nullptr and *error (with prometheus' output) when it cannot start or get ready in time.
  static std::unique_ptr<PrometheusFixture> Start(const Options& options, std::string* error);
  ~PrometheusFixture();

  // http://127.0.0.1:<port>
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  std::string Output() const { return process_ ? process_->Output() : ""; }
  const std::string& config_path() const { return config_path_; }

  // GET /api/v1/query?query=<promql>; the raw response (status 0 when unreachable).
  HttpResponse Query(const std::string& promql) const;
  // Polls promql until its result holds at least min_series series or timeout passes.
  bool WaitForSamples(const std::string& promql, int min_series,
                      std::chrono::milliseconds timeout) const;

 private:
  PrometheusFixture() = default;

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Subprocess> process_;
  std::string url_;
  std::string config_path_;
  int port_ = 0;
};

// Starts tests/support/static_exporter.py --port 0 <args>; waits for "listening on <port>".
std::unique_ptr<Subprocess> StartStaticExporter(const std::vector<std::string>& args, int* port,
                                                std::string* error);

// Percent-encodes a query parameter value.
std::string UrlEncode(const std::string& value);

}  // namespace slo::testing
