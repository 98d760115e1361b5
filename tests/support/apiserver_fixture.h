// tests/support/apiserver_fixture.h: the project's test Kubernetes API server
// (tests/apiserver/apiserver.py, see README.md ("The test Kubernetes API server")) for integration and
// end-to-end tests, with helpers for its test-control API (faults, request log, compaction,
// auth rules) and for seeding objects.
//
// TestApiServer::Start() runs `python3 tests/apiserver/apiserver.py --port 0 ...` from the
// source tree, reads the URL from its first line ("listening on http://127.0.0.1:PORT") and
// returns once it answers /healthz. The destructor stops it (SIGTERM, then SIGKILL), also when
// the test fails.
//
// Example (the controller's end-to-end tests reuse this):
//   std::string err;
//   TestApiServer::Options o;
//   o.token = "t0ken";
//   o.namespaces = {"serving"};
//   auto api = TestApiServer::Start(o, &err);
//   ASSERT_TRUE(api) << err;
//   // The CRD: the server takes JSON only; convert the YAML with slo_spec's ParseYamlDocuments.
//   auto docs = slo::controller::ParseYamlDocuments(ReadFile(SourceDir() +
//       "/manifests/crd/slo-autoscaler.io_inferenceautoscalers.yaml"));
//   ASSERT_TRUE(api->InstallCrd(docs.documents[0].value.dump(), &err)) << err;
//   auto made = api->Api("POST", "/apis/apps/v1/namespaces/serving/deployments", deploy_json);
//   ASSERT_EQ(made.status, 201) << made.body;
//   api->AddFault({.method = "PATCH", .path = "/scale$", .action = "409", .count = 2});
//   // For `slo-autoscaler run --kubeconfig`:
//   std::string kubeconfig = api->WriteKubeconfig(tmp.File("kubeconfig"));
//   ... run the code under test ...
//   auto log = api->Requests();   // JSON text of GET /_test/requests
//
// Thread-safety: use from the test thread (the control calls are plain blocking HTTP).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace slo::testing {

// A fault rule for POST /_test/faults.
struct ApiFault {
  std::string method;     // "" = any method
  std::string path;       // Python regex searched in the URL path; "" = any path
  std::string action;     // "409" | "429" | "500" | "503" | "reset" | "hang"
  int count = 1;          // how many matching requests fail
  int retry_after_s = 1;  // Retry-After for 429/503
  int hang_s = 30;        // for "hang"
};

class TestApiServer {
 public:
  struct Options {
    std::string token;                    // "" = no authentication
    std::vector<std::string> forbid;      // "VERB:RESOURCE" rules answered 403
    std::vector<std::string> namespaces;  // extra namespaces to create at start
    std::vector<std::string> extra_args;  // more apiserver.py flags (e.g. "--history", "5")
    std::chrono::milliseconds ready_timeout{15000};
  };

  // nullptr and *error (with the server's output) when it cannot start in time.
  static std::unique_ptr<TestApiServer> Start(const Options& options, std::string* error);
  ~TestApiServer();

  // "http://127.0.0.1:PORT" (https:// when started with --tls-cert/--tls-key in extra_args;
  // Api(), InstallCrd() and the control helpers speak plain HTTP only, so with TLS only url()
  // and the process are usable).
  const std::string& url() const { return url_; }
  const std::string& token() const { return token_; }
  std::string Output() const { return process_ ? process_->Output() : ""; }
  Subprocess* process() { return process_.get(); }

  // An API request carrying the bearer token (when set). content_type defaults to JSON.
  HttpResponse Api(const std::string& method, const std::string& path, const std::string& body = "",
                   const std::string& content_type = "") const;
  // POSTs a CustomResourceDefinition (JSON text; 409 AlreadyExists counts as done) and polls
  // until its API group is served. false and *error otherwise.
  bool InstallCrd(const std::string& crd_json, std::string* error) const;

  // Test-control API. Each returns false when the server did not accept the request.
  bool AddFault(const ApiFault& fault) const;
  bool ClearFaults() const;
  bool Compact() const;                                         // every older watch gets 410
  bool SetForbid(const std::vector<std::string>& rules) const;  // replaces the rules
  bool SetToken(const std::string& token) const;                // "" turns auth off
  std::string Requests() const;                                 // JSON text of the request log
  std::string Faults() const;  // JSON text of GET /_test/faults (the rules not yet used up)
  bool ClearRequests() const;

  // Writes a kubeconfig (context "test", namespace "default", the token when set) pointing at
  // url() and returns its path.
  std::string WriteKubeconfig(const std::string& path) const;

 private:
  TestApiServer() = default;
  bool Control(const std::string& method, const std::string& path,
               const std::string& body = "") const;

  std::unique_ptr<Subprocess> process_;
  std::string url_;
  std::string token_;
};

}  // namespace slo::testing
