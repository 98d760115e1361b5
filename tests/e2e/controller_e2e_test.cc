// The controller end to end: the real `slo-autoscaler run` binary against the test Kubernetes API
// server and a real Prometheus that scrapes a simulated vLLM fleet (tests/e2e/fake_vllm.py) whose
// size follows the Deployment the controller scales, so the loop is closed.
//
// Phases: (A) a load the starting fleet cannot carry -> the replicas converge to what the models
// predict (computed independently in expected_replicas.h, tolerance +-1 replica); (B) Prometheus
// stopped -> replicas held, MetricsAvailable=False, decision lines MetricsMissing/MetricsStale
// with null inputs; (C) Prometheus restarted on the same port and data dir with a lower load ->
// MetricsAvailable=True and the fleet scales down to the new prediction; (D) /metrics, /readyz,
// SIGTERM -> exit 0 with the log complete. Then every actuated change is checked against the
// decision log and the API server's request log, and the chart's RBAC against that request log.
// Artifacts (decision log, request log, controller output) go to <build>/tests/e2e/artifacts/.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "controller/spec/yaml_json.h"
#include "tests/e2e/expected_replicas.h"
#include "tests/support/apiserver_fixture.h"
#include "tests/support/subprocess.h"

namespace slo::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using slo::testing::HttpRequest;
using slo::testing::PollUntil;
using slo::testing::Subprocess;
using slo::testing::TempDir;
using slo::testing::TestApiServer;

constexpr char kNs[] = "serving";
constexpr char kSystemNs[] = "slo-autoscaler-system";
constexpr double kServiceTimeS = 1.0;
constexpr int kSlots = 4;
constexpr double kThresholdS = 2.0;
constexpr double kPercentile = 95;
const std::string kDeployPath = "/apis/apps/v1/namespaces/serving/deployments/vllm-chat";
const std::string kIaPath =
    "/apis/slo-autoscaler.io/v1alpha1/namespaces/serving/inferenceautoscalers/chat";

SteadyLoad Load(double rps) { return {rps, kServiceTimeS, kSlots, 0.7, kThresholdS, kPercentile}; }

json Autoscaler() {
  return json::parse(R"({
    "apiVersion": "slo-autoscaler.io/v1alpha1", "kind": "InferenceAutoscaler",
    "metadata": {"name": "chat", "namespace": "serving"},
    "spec": {
      "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "vllm-chat"},
      "minReplicas": 1, "maxReplicas": 10,
      "slo": {"latencyThresholdSeconds": 2.0, "latencyPercentile": 95, "targetUtilization": 0.7,
              "latencyMetric": "queueWait"},
      "capacity": {"concurrencyPerReplica": 4, "serviceTimeSeconds": 1.0, "startupSeconds": 2},
      "metrics": {"preset": "vllm", "labelSelector": {"model_name": "chat"},
                  "maxSampleAgeSeconds": 10},
      "behavior": {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                    "policies": [{"type": "Pods", "value": 4, "periodSeconds": 2}]},
        "scaleDown": {"stabilizationWindowSeconds": 10, "selectPolicy": "Max",
                      "policies": [{"type": "Percent", "value": 100, "periodSeconds": 2}]},
        "tolerance": 0.1}
    }})");
}

json Deployment() {
  return json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "vllm-chat", "namespace": "serving"},
    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "vllm-chat"}},
             "template": {"metadata": {"labels": {"app": "vllm-chat"}},
                          "spec": {"containers": [{"name": "vllm", "image": "vllm/vllm-openai"}]}}}})");
}

// Every non-empty YAML document of a file, as JSON.
std::vector<json> YamlFile(const std::string& path) {
  std::vector<json> out;
  for (auto& d : controller::ParseYamlDocuments(slo::testing::ReadFile(path)).documents) {
    if (!d.value.is_null()) out.push_back(d.value);
  }
  return out;
}

// A real Prometheus that can be stopped and started again on the same port and data dir.
class Prometheus {
 public:
  Prometheus(const TempDir& dir, int target_port)
      : config_(dir.File("prometheus.yml")), data_(dir.File("tsdb")) {
    slo::testing::WriteFile(config_,
                            "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                            "scrape_configs:\n- job_name: vllm\n  static_configs:\n"
                            "  - targets: ['127.0.0.1:" +
                                std::to_string(target_port) + "']\n");
  }
  bool Start(std::string* err) {
    if (port_ == 0) port_ = slo::testing::PickFreePort();
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    process_ = Subprocess::Start(
        {"prometheus", "--config.file=" + config_, "--storage.tsdb.path=" + data_,
         "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
        err);
    if (!process_) return false;
    bool ready =
        PollUntil([&] { return HttpRequest("GET", url_ + "/-/ready", "", {}, 2s).status == 200; },
                  60s, 250ms);
    if (!ready) *err = "prometheus not ready: " + process_->Output();
    return ready;
  }
  void Stop() {
    if (process_) process_->Stop(10s);
    process_.reset();
  }
  const std::string& url() const { return url_; }

 private:
  std::string config_, data_, url_;
  int port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

class ControllerE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    out_dir_ = SLO_E2E_OUT_DIR;
    ::mkdir(out_dir_.c_str(), 0755);
    decision_log_ = out_dir_ + "/decisions.jsonl";
    std::remove(decision_log_.c_str());
  }
  void TearDown() override {
    if (controller_) slo::testing::WriteFile(out_dir_ + "/controller.log", controller_->Output());
  }

  int Replicas() {
    auto r = api_->Api("GET", kDeployPath);
    if (r.status != 200) return -1;
    return json::parse(r.body, nullptr, false).value("spec", json::object()).value("replicas", -1);
  }
  // "True"/"False" of a condition of the autoscaler's status ("" when absent).
  std::string Condition(const std::string& type) {
    auto r = api_->Api("GET", kIaPath);
    json ia = json::parse(r.body, nullptr, false);
    if (!ia.is_object()) return "";
    for (const auto& c : ia.value("status", json::object()).value("conditions", json::array())) {
      if (c.value("type", "") == type) return c.value("status", "");
    }
    return "";
  }
  // The complete lines of the decision log.
  std::vector<json> Lines() {
    std::string text = slo::testing::ReadFile(decision_log_);
    std::vector<json> out;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      out.push_back(json::parse(text.substr(start, nl - start), nullptr, false));
    }
    return out;
  }
  bool SetRate(double rps) {
    return HttpRequest("POST", fleet_url_ + "/control", json{{"rate", rps}}.dump()).status == 200;
  }
  // Polls until pred has held continuously for `hold`, within timeout.
  bool PollUntilStable(const std::function<bool()>& pred, std::chrono::seconds hold,
                       std::chrono::seconds timeout) {
    auto since = std::chrono::steady_clock::time_point::max();
    return PollUntil(
        [&] {
          auto now = std::chrono::steady_clock::now();
          if (!pred()) {
            since = std::chrono::steady_clock::time_point::max();
            return false;
          }
          if (since == std::chrono::steady_clock::time_point::max()) since = now;
          return now - since >= hold;
        },
        timeout, 500ms);
  }

  std::string out_dir_, decision_log_, fleet_url_;
  std::unique_ptr<TestApiServer> api_;
  std::unique_ptr<Subprocess> controller_;
};

TEST_F(ControllerE2eTest, ConvergesHoldsWithoutPrometheusResumesAndExitsCleanly) {
  std::string err;
  TempDir tmp;
  TestApiServer::Options ao;
  ao.namespaces = {kNs, kSystemNs};
  ao.extra_args = {"--ready-delay", "1"};
  api_ = TestApiServer::Start(ao, &err);
  ASSERT_TRUE(api_) << err;
  auto crd = YamlFile(slo::testing::SourceDir() +
                      "/manifests/crd/slo-autoscaler.io_inferenceautoscalers.yaml");
  ASSERT_FALSE(crd.empty());
  ASSERT_TRUE(api_->InstallCrd(crd[0].dump(), &err)) << err;
  ASSERT_EQ(
      api_->Api("POST", "/apis/apps/v1/namespaces/serving/deployments", Deployment().dump()).status,
      201);
  auto created =
      api_->Api("POST", "/apis/slo-autoscaler.io/v1alpha1/namespaces/serving/inferenceautoscalers",
                Autoscaler().dump());
  ASSERT_EQ(created.status, 201) << created.body;

  // The simulated fleet, at a load one replica cannot carry.
  const double rate_a = 10, rate_b = 4;
  auto fleet =
      Subprocess::Start({"python3",        slo::testing::SourceDir() + "/tests/e2e/fake_vllm.py",
                         "--port",         "0",
                         "--apiserver",    api_->url(),
                         "--namespace",    kNs,
                         "--deployment",   "vllm-chat",
                         "--model-name",   "chat",
                         "--rate",         std::to_string(rate_a),
                         "--service-time", "1.0",
                         "--service-dist", "exp",
                         "--concurrency",  std::to_string(kSlots),
                         "--seed",         "7"},
                        &err);
  ASSERT_TRUE(fleet) << err;
  auto listening = fleet->WaitForLine(
      [](const std::string& l) { return l.rfind("listening on ", 0) == 0; }, 20s);
  ASSERT_TRUE(listening) << fleet->Output();
  const int fleet_port = std::stoi(listening->substr(13));
  fleet_url_ = "http://127.0.0.1:" + std::to_string(fleet_port);

  Prometheus prom(tmp, fleet_port);
  ASSERT_TRUE(prom.Start(&err)) << err;

  const std::string kubeconfig = api_->WriteKubeconfig(tmp.File("kubeconfig"));
  controller_ = Subprocess::Start({SLO_E2E_CLI,
                                   "run",
                                   "--kubeconfig",
                                   kubeconfig,
                                   "--prometheus-url",
                                   prom.url(),
                                   "--interval",
                                   "2s",
                                   "--prometheus-rate-window",
                                   "10s",
                                   "--decision-log",
                                   decision_log_,
                                   "--metrics-addr",
                                   "127.0.0.1:0",
                                   "--health-addr",
                                   "127.0.0.1:0",
                                   "--leader-elect",
                                   "--leader-election-namespace",
                                   kSystemNs,
                                   "--instance",
                                   "e2e-controller"},
                                  &err);
  ASSERT_TRUE(controller_) << err;
  auto port_of = [&](const std::string& what) {
    auto line = controller_->WaitForLine(
        [&](const std::string& l) {
          return l.find("serving " + what + " on port ") != std::string::npos;
        },
        30s);
    return line ? std::stoi(line->substr(line->rfind(' ') + 1)) : 0;
  };
  const int metrics_port = port_of("/metrics");
  const int health_port = port_of("/healthz and /readyz");
  ASSERT_GT(metrics_port, 0) << controller_->Output();
  ASSERT_GT(health_port, 0) << controller_->Output();

  // (A) Convergence to the models' answer for rate_a.
  const int expected_a = ExpectedReplicas(Load(rate_a));
  std::cout << "phase A: " << rate_a << " req/s, expected " << expected_a
            << " replicas (littlesLaw " << LittlesLawReplicas(Load(rate_a)) << ", erlangC "
            << ErlangCReplicas(Load(rate_a)) << ")\n";
  ASSERT_TRUE(PollUntilStable([&] { return std::abs(Replicas() - expected_a) <= 1; }, 8s, 150s))
      << "replicas " << Replicas() << ", want " << expected_a << " +-1\n"
      << controller_->Output();
  EXPECT_TRUE(PollUntil([&] { return Condition("MetricsAvailable") == "True"; }, 30s, 500ms));

  // (B) Prometheus stops: hold, MetricsAvailable=False, decision lines without inputs.
  prom.Stop();
  ASSERT_TRUE(SetRate(rate_b));
  ASSERT_TRUE(PollUntil([&] { return Condition("MetricsAvailable") == "False"; }, 60s, 500ms))
      << controller_->Output();
  const int held = Replicas();
  const size_t down_from = Lines().size();
  ASSERT_TRUE(PollUntil([&] { return Lines().size() >= down_from + 3; }, 60s, 500ms));
  {
    auto lines = Lines();
    for (size_t i = down_from; i < lines.size(); ++i) {
      const json& l = lines[i];
      SCOPED_TRACE(l.dump());
      EXPECT_TRUE(l["reason"] == "MetricsMissing" || l["reason"] == "MetricsStale");
      EXPECT_TRUE(l["inputs"]["arrivalRateRps"].is_null());
      EXPECT_FALSE(l["actuated"].get<bool>());
      EXPECT_EQ(l["desiredReplicas"], held);
    }
  }
  EXPECT_EQ(Replicas(), held);

  // (C) Prometheus returns (same port, same data): metrics available again, scaling resumes.
  const size_t up_from = Lines().size();
  ASSERT_TRUE(prom.Start(&err)) << err;
  ASSERT_TRUE(PollUntil([&] { return Condition("MetricsAvailable") == "True"; }, 90s, 500ms))
      << controller_->Output();
  const int expected_b = ExpectedReplicas(Load(rate_b));
  std::cout << "phase C: " << rate_b << " req/s, expected " << expected_b << " replicas\n";
  ASSERT_TRUE(PollUntil(
      [&] {
        auto lines = Lines();
        for (size_t i = up_from; i < lines.size(); ++i) {
          if (lines[i].value("actuated", false)) return true;
        }
        return false;
      },
      90s, 500ms))
      << "no scaling after Prometheus returned\n"
      << controller_->Output();
  ASSERT_TRUE(PollUntilStable([&] { return std::abs(Replicas() - expected_b) <= 1; }, 8s, 120s))
      << "replicas " << Replicas() << ", want " << expected_b << " +-1";

  // (D) Its own endpoints, then SIGTERM: exit 0 with the decision log complete.
  auto metrics =
      HttpRequest("GET", "http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("slo_autoscaler_decisions_total"), std::string::npos);
  EXPECT_NE(metrics.body.find("slo_autoscaler_reconcile_duration_seconds"), std::string::npos);
  EXPECT_EQ(
      HttpRequest("GET", "http://127.0.0.1:" + std::to_string(health_port) + "/readyz").status,
      200);
  EXPECT_EQ(
      HttpRequest("GET", "http://127.0.0.1:" + std::to_string(health_port) + "/healthz").status,
      200);
  controller_->Signal(SIGTERM);
  auto code = controller_->Wait(30s);
  ASSERT_TRUE(code.has_value()) << "the controller did not exit after SIGTERM";
  EXPECT_EQ(*code, 0) << controller_->Output();
  const std::string text = slo::testing::ReadFile(decision_log_);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');

  // Every line is JSON; every change the controller made is explained by one line.
  const std::regex scale_reason("^Scale(Up|Down)[A-Za-z]*$");
  int actuated = 0;
  std::string sample;
  for (const json& l : Lines()) {
    ASSERT_TRUE(l.is_object());
    EXPECT_EQ(l["type"], "ScalingDecision");
    if (!l.value("actuated", false)) continue;
    ++actuated;
    SCOPED_TRACE(l.dump());
    EXPECT_TRUE(std::regex_match(l["reason"].get<std::string>(), scale_reason));
    EXPECT_NE(l["currentReplicas"], l["desiredReplicas"]);
    EXPECT_TRUE(std::regex_search(l["message"].get<std::string>(), std::regex("[0-9]")));
    if (sample.empty()) sample = l.dump();
  }
  std::cout << "an actuated decision line: " << sample << "\n";
  json requests = json::parse(api_->Requests(), nullptr, false);
  json ours = json::array();
  int patches = 0;
  for (const auto& r : requests.value("requests", json::array())) {
    if (r.value("userAgent", "").rfind("slo-autoscaler", 0) != 0) continue;
    ours.push_back(r);
    const std::string path = r.value("path", "");
    if (r.value("method", "") == "PATCH" && path.size() > 6 &&
        path.substr(path.size() - 6) == "/scale" && r.value("status", 0) == 200) {
      ++patches;
    }
  }
  EXPECT_GT(actuated, 1);
  EXPECT_EQ(patches, actuated) << "each PATCH /scale must have an actuated decision line";

  // The chart's RBAC allows exactly what the controller did (features not exercised here ignored).
  slo::testing::WriteFile(out_dir_ + "/apiserver_requests.json", json{{"requests", ours}}.dump(1));
  json rbac = json::array();
  for (const char* f : {"/manifests/rbac/serviceaccount.yaml", "/manifests/rbac/rbac.yaml"}) {
    for (auto& o : YamlFile(slo::testing::SourceDir() + f)) rbac.push_back(o);
  }
  slo::testing::WriteFile(out_dir_ + "/rbac.json", rbac.dump(1));
  std::vector<std::string> check = {"python3",
                                    slo::testing::SourceDir() + "/tests/chart/check_rbac.py",
                                    "--rbac",
                                    out_dir_ + "/rbac.json",
                                    "--requests",
                                    out_dir_ + "/apiserver_requests.json",
                                    "--service-account",
                                    std::string(kSystemNs) + "/slo-autoscaler"};
  for (const char* unused :
       {"core/nodes", "core/pods", "karpenter.sh/nodepools",
        "cluster.x-k8s.io/machinedeployments", "cluster.x-k8s.io/machinepools",
        "cluster.x-k8s.io/machinedeployments/scale", "cluster.x-k8s.io/machinepools/scale"}) {
    check.push_back("--ignore-unused");
    check.push_back(unused);
  }
  auto checker = Subprocess::Start(check, &err);
  ASSERT_TRUE(checker) << err;
  auto rc = checker->Wait(60s);
  EXPECT_EQ(rc.value_or(-1), 0) << checker->Output();
  std::cout << checker->Output();
  fleet->Stop();
  prom.Stop();
}

}  // namespace
}  // namespace slo::e2e
