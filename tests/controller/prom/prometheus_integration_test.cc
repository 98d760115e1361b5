// Integration: the HTTP client and the vLLM preset against a real Prometheus scraping the static
// vLLM-format exporter (tests/support/static_exporter.py).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "controller/prom/http_querier.h"
#include "controller/prom/observer.h"
#include "tests/support/prometheus_fixture.h"

namespace slo::controller::prom {
namespace {

using slo::testing::PollUntil;
using slo::testing::PrometheusFixture;
using slo::testing::StartStaticExporter;
using slo::testing::Subprocess;

HttpQuerierOptions Options(double timeout_s, size_t post_threshold_bytes = 2048) {
  HttpQuerierOptions o;
  o.timeout_s = timeout_s;
  o.post_threshold_bytes = post_threshold_bytes;
  return o;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class PrometheusIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    exporter_ = StartStaticExporter(
        {"--model-name", "llama", "--rate", "5", "--waiting", "3", "--running", "8",
         "--service-time", "1.6", "--prefill-time", "0.2", "--ttft", "0.4"},
        &exporter_port_, &err);
    ASSERT_TRUE(exporter_) << err;
    PrometheusFixture::Options o;
    o.targets = {{"127.0.0.1:" + std::to_string(exporter_port_), {{"namespace", "serving"}}}};
    prom_ = PrometheusFixture::Start(o, &err);
    ASSERT_TRUE(prom_) << err;
    // A new series takes a few seconds to appear, and rate() over a window longer than the
    // series' history underestimates (it divides by the whole window). The test uses a 5 s
    // window and waits until 8 scrapes (1 s apart) cover it.
    ASSERT_TRUE(prom_->WaitForSamples("count_over_time(vllm:request_success_total[10s]) >= 8", 1,
                                      std::chrono::seconds(40)))
        << prom_->Output();
  }

  std::unique_ptr<Subprocess> exporter_;
  int exporter_port_ = 0;
  std::unique_ptr<PrometheusFixture> prom_;
};

TEST_F(PrometheusIntegrationTest, VllmPresetObservesTheExporter) {
  HttpQuerier querier(Options(5));
  MetricsObserverOptions options;
  options.default_prometheus_url = prom_->url();
  options.namespace_isolation = true;
  options.rate_window = "5s";
  MetricsObserver observer(&querier, options);
  ObserveRequest mine;
  mine.key = "serving/chat";
  mine.namespace_ = "serving";
  mine.metrics.label_selector = {{"model_name", "llama"}};
  ObserveRequest other = mine;  // same model, another namespace: isolation hides the series
  other.key = "other/chat";
  other.namespace_ = "other";

  std::map<std::string, ObservationResult> results;
  auto complete = [&] {
    results = observer.ObservePass({mine, other}, Now());
    const auto& o = results["serving/chat"].observation;
    return o.arrival_rate_rps && o.service_time_s && o.latency_s && o.service_time_scv &&
           o.sample_age_s;
  };
  ASSERT_TRUE(PollUntil(complete, std::chrono::seconds(30), std::chrono::milliseconds(500)))
      << results["serving/chat"].prometheus_error << "\n"
      << prom_->Output();
  std::string diag;
  for (const auto& [name, d] : results["serving/chat"].inputs) {
    diag += name + ": " + d.query + " -> " + (d.value ? std::to_string(*d.value) : "none") + " (" +
            std::string(InputStatusName(d.status)) + " " + d.error + ")\n";
  }
  EXPECT_EQ(observer.queries_last_pass(), 9) << "two autoscalers, one batched group";

  const ObservationResult& r = results["serving/chat"];
  EXPECT_TRUE(r.prometheus_error.empty()) << r.prometheus_error;
  const auto& o = r.observation;
  EXPECT_NEAR(*o.arrival_rate_rps, 5.0, 1.0) << diag;  // counters step in whole requests
  EXPECT_DOUBLE_EQ(*o.queue_depth, 3.0);
  EXPECT_DOUBLE_EQ(*o.in_flight, 8.0);
  EXPECT_NEAR(*o.service_time_s, 1.6, 1e-9);
  EXPECT_NEAR(*o.prefill_time_s, 0.2, 1e-9);
  // All TTFTs in the (0.25, 0.5] bucket: histogram_quantile interpolates 0.25 + 0.25 * 0.99.
  EXPECT_NEAR(*o.latency_s, 0.4975, 1e-6);
  // All service times in (1, 2]: uniform there, SCV = (7/3) / 1.5^2 - 1.
  EXPECT_NEAR(*o.service_time_scv, (7.0 / 3.0) / 2.25 - 1.0, 1e-6);
  EXPECT_LT(*o.sample_age_s, 10.0);
  EXPECT_EQ(r.inputs.at("queueDepth").status, InputStatus::kOk);
  // Diagnostics show this autoscaler's own query, not the batched union of namespaces.
  EXPECT_EQ(
      r.inputs.at("queueDepth").query,
      R"(sum by (model_name,namespace) (vllm:num_requests_waiting{model_name="llama",namespace="serving"}))");

  const ObservationResult& hidden = results["other/chat"];
  EXPECT_FALSE(hidden.observation.queue_depth.has_value());
  EXPECT_FALSE(hidden.observation.arrival_rate_rps.has_value());
  EXPECT_EQ(hidden.inputs.at("queueDepth").status, InputStatus::kMissing);
}

TEST_F(PrometheusIntegrationTest, ClientGetPostAndErrors) {
  HttpQuerier querier(Options(5, 512));
  QueryResult scalar = querier.Query(prom_->url(), "1 + 1", Now());
  ASSERT_TRUE(scalar.ok()) << scalar.error;
  EXPECT_EQ(scalar.result_type, ResultType::kScalar);
  EXPECT_DOUBLE_EQ(scalar.samples.at(0).value, 2.0);

  // Long query: sent as a form-encoded POST.
  std::string longq = "vllm:num_requests_waiting";
  while (longq.size() < 4000) longq += " + 0";
  QueryResult post = querier.Query(prom_->url() + "/", longq, Now());
  ASSERT_TRUE(post.ok()) << post.error;
  ASSERT_EQ(post.samples.size(), 1u);
  EXPECT_DOUBLE_EQ(post.samples[0].value, 3.0);

  QueryResult bad = querier.Query(prom_->url(), "sum(", Now());
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error_type, "bad_data") << bad.error;
  EXPECT_EQ(bad.http_status, 400);

  QueryResult nan = querier.Query(prom_->url(), "0/0", Now());
  ASSERT_TRUE(nan.ok()) << nan.error;
  EXPECT_TRUE(std::isnan(nan.samples.at(0).value));

  QueryResult matrix = querier.Query(prom_->url(), "up[1m]", Now());
  EXPECT_EQ(matrix.error_type, "unsupported");
}

TEST(HttpQuerier, OverallDeadlineWhenServerNeverAnswers) {
  std::string err;
  auto silent = Subprocess::Start({"python3", "-c",
                                   "import socket,time\n"
                                   "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen()\n"
                                   "print('listening on', s.getsockname()[1], flush=True)\n"
                                   "c,_=s.accept(); time.sleep(60)\n"},
                                  &err);
  ASSERT_TRUE(silent) << err;
  auto line =
      silent->WaitForLine([](const std::string& l) { return l.rfind("listening on", 0) == 0; },
                          std::chrono::seconds(10));
  ASSERT_TRUE(line) << silent->Output();
  std::string url = "http://127.0.0.1:" + line->substr(std::string("listening on ").size());
  HttpQuerier querier(Options(1));
  auto start = std::chrono::steady_clock::now();
  QueryResult r = querier.Query(url, "up", Now());
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error_type, "timeout") << r.error;
  EXPECT_LT(took, 4.0);
}

TEST(HttpQuerier, ConnectionRefusedIsAnHttpError) {
  HttpQuerier querier(Options(2));
  int port = slo::testing::PickFreePort();
  QueryResult r = querier.Query("http://127.0.0.1:" + std::to_string(port), "up", Now());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.error_type == "http" || r.error_type == "timeout") << r.error_type;
}

}  // namespace
}  // namespace slo::controller::prom

namespace slo::controller::prom {
namespace {

using slo::testing::TempDir;

// Runs a short command to completion; its output, or nullopt when it failed.
std::optional<std::string> RunToEnd(const std::vector<std::string>& argv) {
  std::string err;
  auto p = Subprocess::Start(argv, &err);
  if (!p) return std::nullopt;
  auto status = p->Wait(std::chrono::seconds(30));
  if (!status || *status != 0) return std::nullopt;
  return p->Output();
}

TEST(HttpQuerierTls, CaFileAndBasicAuthAgainstPrometheus) {
  TempDir certs;
  ASSERT_TRUE(RunToEnd({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        certs.File("key.pem"), "-out", certs.File("cert.pem"), "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"}));
  auto hash =
      RunToEnd({"python3", "-W", "ignore", "-c",
                "import crypt; print(crypt.crypt('s3cret', crypt.mksalt(crypt.METHOD_BLOWFISH)))"});
  ASSERT_TRUE(hash);
  std::string bcrypt = hash->substr(0, hash->find('\n'));
  PrometheusFixture::Options o;
  o.tls = true;
  o.web_config_yaml = "tls_server_config:\n  cert_file: " + certs.File("cert.pem") +
                      "\n  key_file: " + certs.File("key.pem") + "\nbasic_auth_users:\n  alice: '" +
                      bcrypt + "'\n";
  std::string err;
  auto prom = PrometheusFixture::Start(o, &err);
  ASSERT_TRUE(prom) << err;
  ASSERT_EQ(prom->url().rfind("https://", 0), 0u);

  HttpQuerierOptions good = Options(5);
  good.ca_file = certs.File("cert.pem");
  good.basic_user = "alice";
  good.basic_password = "s3cret";
  QueryResult ok;
  // The TLS listener can lag the "ready" log line by a moment: poll.
  ASSERT_TRUE(PollUntil(
      [&] {
        ok = HttpQuerier(good).Query(prom->url(), "1 + 1", Now());
        return ok.ok();
      },
      std::chrono::seconds(10), std::chrono::milliseconds(200)))
      << ok.error_type << ": " << ok.error;
  EXPECT_DOUBLE_EQ(ok.samples.at(0).value, 2.0);

  HttpQuerierOptions wrong_password = good;
  wrong_password.basic_password = "nope";
  QueryResult denied = HttpQuerier(wrong_password).Query(prom->url(), "1", Now());
  EXPECT_FALSE(denied.ok());
  EXPECT_EQ(denied.http_status, 401) << denied.error;

  HttpQuerierOptions no_ca = good;
  no_ca.ca_file.clear();  // the self-signed certificate is not in the system store
  QueryResult untrusted = HttpQuerier(no_ca).Query(prom->url(), "1", Now());
  EXPECT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.error_type, "http") << untrusted.error;
}

TEST(HttpQuerierAuth, BearerTokenInlineAndFromFileOnGetAndPost) {
  // A stand-in API that answers 1 only to "Authorization: Bearer tok-123" and echoes the method.
  std::string err;
  auto server = Subprocess::Start(
      {"python3", "-c",
       "import http.server, json\n"
       "class H(http.server.BaseHTTPRequestHandler):\n"
       "  def reply(self, method):\n"
       "    ok = self.headers.get('Authorization') == 'Bearer tok-123'\n"
       "    n = int(self.headers.get('Content-Length') or 0)\n"
       "    body = self.rfile.read(n).decode() if n else ''\n"
       "    has_query = 'query=' in (body if method == 'POST' else self.path)\n"
       "    v = 1 if method == 'GET' else 2\n"
       "    out = json.dumps({'status': 'success', 'data': {'resultType': 'scalar', 'result': [1, "
       "str(v)]}})\n"
       "    self.send_response(200 if ok and has_query else 401)\n"
       "    self.end_headers(); self.wfile.write(out.encode() if ok and has_query else b'denied')\n"
       "  def do_GET(self): self.reply('GET')\n"
       "  def do_POST(self): self.reply('POST')\n"
       "  def log_message(self, *a): pass\n"
       "s = http.server.HTTPServer(('127.0.0.1', 0), H)\n"
       "print('listening on', s.server_address[1], flush=True)\n"
       "s.serve_forever()\n"},
      &err);
  ASSERT_TRUE(server) << err;
  auto line =
      server->WaitForLine([](const std::string& l) { return l.rfind("listening on", 0) == 0; },
                          std::chrono::seconds(10));
  ASSERT_TRUE(line) << server->Output();
  std::string url = "http://127.0.0.1:" + line->substr(std::string("listening on ").size());

  HttpQuerierOptions inline_token = Options(5, 64);
  inline_token.bearer_token = "tok-123";
  QueryResult get = HttpQuerier(inline_token).Query(url, "up", Now());
  ASSERT_TRUE(get.ok()) << get.error;
  EXPECT_DOUBLE_EQ(get.samples.at(0).value, 1.0);  // short query: GET
  QueryResult post = HttpQuerier(inline_token).Query(url, std::string(200, 'x'), Now());
  ASSERT_TRUE(post.ok()) << post.error;
  EXPECT_DOUBLE_EQ(post.samples.at(0).value, 2.0);  // long query: POST

  TempDir dir;
  slo::testing::WriteFile(dir.File("token"), "tok-123\n");
  HttpQuerierOptions from_file = Options(5);
  from_file.bearer_token_file = dir.File("token");
  EXPECT_TRUE(HttpQuerier(from_file).Query(url, "up", Now()).ok());

  HttpQuerierOptions wrong = Options(5);
  wrong.bearer_token = "other";
  QueryResult denied = HttpQuerier(wrong).Query(url, "up", Now());
  EXPECT_FALSE(denied.ok());
  EXPECT_EQ(denied.http_status, 401);
  EXPECT_EQ(denied.error_type, "http");

  HttpQuerierOptions missing_file = Options(5);
  missing_file.bearer_token_file = dir.File("absent");
  EXPECT_EQ(HttpQuerier(missing_file).Query(url, "up", Now()).error_type, "http");
}

}  // namespace
}  // namespace slo::controller::prom
