// The client over HTTPS against the test API server with a throw-away certificate: CA
// verification, insecure-skip-tls-verify, client certificates, bad TLS material.
#include <gtest/gtest.h>

#include "controller/k8s/client.h"
#include "tests/support/apiserver_fixture.h"

namespace slo::controller::k8s {
namespace {

using slo::testing::Subprocess;
using slo::testing::TempDir;
using slo::testing::TestApiServer;

constexpr char kToken[] = "tls-token-93ac";

// openssl req -x509 ...: a self-signed EC certificate for 127.0.0.1. Empty string on success.
std::string MakeCert(const std::string& cert, const std::string& key) {
  std::string err;
  auto p = Subprocess::Start(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2",
       "-keyout", key, "-out", cert},
      &err);
  if (!p) return err;
  auto status = p->Wait(std::chrono::seconds(20));
  if (!status || *status != 0) return "openssl failed: " + p->Output();
  return "";
}

class K8sTlsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(MakeCert(dir_.File("server.crt"), dir_.File("server.key")), "");
    TestApiServer::Options o;
    o.token = kToken;
    o.extra_args = {"--tls-cert", dir_.File("server.crt"), "--tls-key", dir_.File("server.key")};
    std::string err;
    api_ = TestApiServer::Start(o, &err);
    ASSERT_TRUE(api_) << err;
    ASSERT_EQ(api_->url().rfind("https://", 0), 0u) << api_->url();
    options_.call_timeout = std::chrono::milliseconds(2000);
    options_.retry.max_attempts = 1;
  }

  std::string Kubeconfig(const std::string& cluster_extra, const std::string& user_extra) {
    std::string text =
        "apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters:\n- name: c\n"
        "  cluster:\n    server: " +
        api_->url() + "\n" + cluster_extra +
        "contexts:\n- name: t\n  context: {cluster: c, user: u}\nusers:\n- name: u\n"
        "  user:\n    token: " +
        kToken + "\n" + user_extra;
    slo::testing::WriteFile(dir_.File("kubeconfig"), text);
    return dir_.File("kubeconfig");
  }

  Result<nlohmann::json> ListNamespaces(const std::string& kubeconfig) {
    ConfigResult cfg = LoadKubeconfig(kubeconfig);
    EXPECT_TRUE(cfg.ok()) << cfg.error;
    KubeClient client(cfg.config, options_);
    return client.List("/api/v1/namespaces");
  }

  TempDir dir_;
  std::unique_ptr<TestApiServer> api_;
  ClientOptions options_;
};

TEST_F(K8sTlsIntegrationTest, VerifiesTheServerWithTheConfiguredCa) {
  auto r = ListNamespaces(Kubeconfig("    certificate-authority: server.crt\n", ""));
  EXPECT_TRUE(r.ok()) << r.error().Describe();
}

TEST_F(K8sTlsIntegrationTest, RejectsAnUnknownServerCertificate) {
  auto r = ListNamespaces(Kubeconfig("", ""));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "ConnectionFailed");
  EXPECT_EQ(r.error().Describe().find(kToken), std::string::npos);
}

TEST_F(K8sTlsIntegrationTest, InsecureSkipTlsVerifyConnectsAnyway) {
  auto r = ListNamespaces(Kubeconfig("    insecure-skip-tls-verify: true\n", ""));
  EXPECT_TRUE(r.ok()) << r.error().Describe();
}

TEST_F(K8sTlsIntegrationTest, PresentsAClientCertificate) {
  ASSERT_EQ(MakeCert(dir_.File("client.crt"), dir_.File("client.key")), "");
  auto r = ListNamespaces(Kubeconfig("    certificate-authority: server.crt\n",
                                     "    client-certificate: client.crt\n"
                                     "    client-key: client.key\n"));
  EXPECT_TRUE(r.ok()) << r.error().Describe();
}

TEST_F(K8sTlsIntegrationTest, BadTlsMaterialIsAClearError) {
  slo::testing::WriteFile(dir_.File("bad.crt"), "-----BEGIN CERTIFICATE-----\nnope\n");
  auto r = ListNamespaces(Kubeconfig("    certificate-authority: bad.crt\n", ""));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("invalid TLS material"), std::string::npos)
      << r.error().Describe();
}

}  // namespace
}  // namespace slo::controller::k8s
