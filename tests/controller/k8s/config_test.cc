#include "controller/k8s/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "tests/support/subprocess.h"

namespace slo::controller::k8s {
namespace {

using slo::testing::SourceDir;
using slo::testing::TempDir;
using slo::testing::WriteFile;

std::string Fixture(const std::string& name) { return SourceDir() + "/tests/testdata/k8s/" + name; }

EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) {
    auto it = vars.find(k);
    return it == vars.end() ? std::string() : it->second;
  };
}

TEST(K8sKubeconfigTest, CurrentContextSelectsClusterUserAndNamespace) {
  ConfigResult r = LoadKubeconfig(Fixture("kubeconfig-inline.yaml"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.context, "prod");
  EXPECT_EQ(r.config.server, "https://prod.example.com:6443");  // trailing slash dropped
  EXPECT_EQ(r.config.namespace_name, "serving");
  EXPECT_NE(r.config.ca_pem.find("INLINE-CA"), std::string::npos);
  EXPECT_NE(r.config.client_cert_pem.find("INLINE-CLIENT"), std::string::npos);
  EXPECT_NE(r.config.client_key_pem.find("INLINE-KEY"), std::string::npos);
  EXPECT_FALSE(r.config.insecure_skip_tls_verify);
  EXPECT_TRUE(r.config.token.empty());
}

TEST(K8sKubeconfigTest, ExplicitContextOverridesCurrentContext) {
  ConfigResult r = LoadKubeconfig(Fixture("kubeconfig-inline.yaml"), "dev");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.server, "https://dev.example.com");
  EXPECT_TRUE(r.config.insecure_skip_tls_verify);
  EXPECT_EQ(r.config.token, "dev-static-token");
  EXPECT_EQ(r.config.namespace_name, "default");  // the context names none
  EXPECT_TRUE(r.config.ca_pem.empty());
}

TEST(K8sKubeconfigTest, FilesAreResolvedRelativeToTheKubeconfig) {
  ConfigResult r = LoadKubeconfig(Fixture("kubeconfig-files.yaml"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_NE(r.config.ca_pem.find("FILE-CA"), std::string::npos);
  EXPECT_NE(r.config.client_cert_pem.find("FILE-CLIENT"), std::string::npos);
  EXPECT_NE(r.config.client_key_pem.find("FILE-KEY"), std::string::npos);
  EXPECT_EQ(r.config.token_file, Fixture("certs/token"));
  TokenSource tokens(r.config.token, r.config.token_file);
  EXPECT_EQ(tokens.Token(), "file-token-123");
}

TEST(K8sKubeconfigTest, ErrorsNameTheFileAndField) {
  struct Case {
    std::string name;
    std::string file;
    std::string context;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"unknown context", "kubeconfig-inline.yaml", "staging", "no context named \"staging\""},
      {"missing cluster", "kubeconfig-broken.yaml", "", "no cluster named \"missing\""},
      {"bad base64", "kubeconfig-badbase64.yaml", "",
       "certificate-authority-data: not valid base64"},
      {"missing file", "does-not-exist.yaml", "", "cannot read the file"},
  };
  for (const auto& c : cases) {
    ConfigResult r = LoadKubeconfig(Fixture(c.file), c.context);
    EXPECT_FALSE(r.ok()) << c.name;
    EXPECT_NE(r.error.find(c.want), std::string::npos) << c.name << ": " << r.error;
    EXPECT_NE(r.error.find(c.file), std::string::npos) << c.name << ": " << r.error;
  }
}

TEST(K8sKubeconfigTest, RejectsInvalidYamlAndMissingPieces) {
  struct Case {
    std::string name;
    std::string text;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"syntax", "a: [1, 2\n", "invalid YAML"},
      {"not a map", "- 1\n", "expected a mapping"},
      {"no current context", "clusters: []\n", "current-context is not set"},
      {"no server",
       "current-context: x\nclusters: [{name: c, cluster: {}}]\n"
       "contexts: [{name: x, context: {cluster: c}}]\n",
       "server is empty"},
      {"unreadable CA file",
       "current-context: x\nclusters: [{name: c, cluster: {server: https://a, "
       "certificate-authority: nope.crt}}]\ncontexts: [{name: x, context: {cluster: c}}]\n",
       "certificate-authority: cannot read /nowhere/nope.crt"},
      {"cert without key",
       "current-context: x\nclusters: [{name: c, cluster: {server: https://a}}]\n"
       "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
       "users: [{name: u, user: {client-certificate-data: QQ==}}]\n",
       "must be given together"},
  };
  for (const auto& c : cases) {
    ConfigResult r = ParseKubeconfig(c.text, "/nowhere", "", "test.yaml");
    EXPECT_FALSE(r.ok()) << c.name;
    EXPECT_NE(r.error.find(c.want), std::string::npos) << c.name << ": " << r.error;
  }
}

TEST(K8sInClusterTest, ReadsServiceAccountFilesAndServiceEnv) {
  TempDir root;
  WriteFile(root.File("token"), "sa-token-1\n");
  WriteFile(root.File("ca.crt"), "CA-PEM");
  WriteFile(root.File("namespace"), "autoscaling\n");
  auto env = MapEnv({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  ConfigResult r = LoadInCluster(env, root.path());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.server, "https://10.96.0.1:443");
  EXPECT_EQ(r.config.ca_pem, "CA-PEM");
  EXPECT_EQ(r.config.namespace_name, "autoscaling");
  EXPECT_EQ(r.config.token_file, root.File("token"));
  EXPECT_TRUE(r.config.token.empty());  // read through TokenSource, never cached here
}

TEST(K8sInClusterTest, BracketsIpv6Hosts) {
  TempDir root;
  WriteFile(root.File("token"), "t");
  WriteFile(root.File("ca.crt"), "CA");
  ConfigResult r = LoadInCluster(
      MapEnv({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
      root.path());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.server, "https://[fd00::1]:443");
}

TEST(K8sInClusterTest, ExplainsWhatIsMissing) {
  TempDir root;
  EXPECT_NE(LoadInCluster(MapEnv({}), root.path()).error.find("KUBERNETES_SERVICE_HOST"),
            std::string::npos);
  auto env = MapEnv({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}});
  EXPECT_NE(LoadInCluster(env, root.path()).error.find("token"), std::string::npos);
  WriteFile(root.File("token"), "t");
  EXPECT_NE(LoadInCluster(env, root.path()).error.find("ca.crt"), std::string::npos);
}

TEST(K8sTokenSourceTest, RereadsTheFileWhenItChanges) {
  TempDir dir;
  WriteFile(dir.File("token"), "first\n");
  auto now = std::chrono::steady_clock::time_point{};
  TokenSource tokens("", dir.File("token"), std::chrono::seconds(60), [&] { return now; });
  EXPECT_EQ(tokens.Token(), "first");
  // Rotation: a new file (the kubelet swaps a symlink; here a rewrite with a new mtime).
  WriteFile(dir.File("token"), "second\n");
  std::filesystem::last_write_time(
      dir.File("token"),
      std::filesystem::last_write_time(dir.File("token")) + std::chrono::seconds(5));
  EXPECT_EQ(tokens.Token(), "second");
}

TEST(K8sTokenSourceTest, RereadsEveryIntervalEvenWithoutMtimeChange) {
  TempDir dir;
  WriteFile(dir.File("token"), "first");
  auto mtime = std::filesystem::last_write_time(dir.File("token"));
  auto now = std::chrono::steady_clock::time_point{};
  TokenSource tokens("", dir.File("token"), std::chrono::seconds(60), [&] { return now; });
  EXPECT_EQ(tokens.Token(), "first");
  WriteFile(dir.File("token"), "secnd");  // same size, mtime forced back
  std::filesystem::last_write_time(dir.File("token"), mtime);
  now += std::chrono::seconds(30);
  EXPECT_EQ(tokens.Token(), "first");  // not due yet, file looks unchanged
  now += std::chrono::seconds(31);
  EXPECT_EQ(tokens.Token(), "secnd");
}

TEST(K8sTokenSourceTest, KeepsTheLastTokenWhenTheFileVanishes) {
  TempDir dir;
  WriteFile(dir.File("token"), "kept");
  TokenSource tokens("", dir.File("token"), std::chrono::seconds(0));
  EXPECT_EQ(tokens.Token(), "kept");
  std::filesystem::remove(dir.File("token"));
  EXPECT_EQ(tokens.Token(), "kept");
  TokenSource fixed(" static \n", "");
  EXPECT_EQ(fixed.Token(), "static");
}

TEST(K8sLoadConfigTest, FollowsThePrecedence) {
  TempDir home;
  std::filesystem::create_directories(home.path() + "/.kube");
  std::filesystem::copy_file(Fixture("kubeconfig-inline.yaml"), home.path() + "/.kube/config");
  TempDir sa;
  WriteFile(sa.File("token"), "t");
  WriteFile(sa.File("ca.crt"), "CA");
  struct Case {
    std::string name;
    std::string flag;
    std::map<std::string, std::string> env;
    std::string want_source;
  };
  const std::string dev = Fixture("kubeconfig-files.yaml");
  const std::vector<Case> cases = {
      {"flag wins",
       dev,
       {{"KUBECONFIG", Fixture("kubeconfig-inline.yaml")}, {"KUBERNETES_SERVICE_HOST", "h"}},
       "kubeconfig " + dev},
      {"KUBECONFIG first file",
       "",
       {{"KUBECONFIG", dev + ":" + Fixture("kubeconfig-inline.yaml")},
        {"KUBERNETES_SERVICE_HOST", "h"},
        {"KUBERNETES_SERVICE_PORT", "443"}},
       "kubeconfig " + dev},
      {"in-cluster before home",
       "",
       {{"KUBERNETES_SERVICE_HOST", "h"},
        {"KUBERNETES_SERVICE_PORT", "443"},
        {"HOME", home.path()}},
       "in-cluster"},
      {"home last", "", {{"HOME", home.path()}}, "kubeconfig " + home.path() + "/.kube/config"},
  };
  for (const auto& c : cases) {
    ConfigSource src;
    src.kubeconfig_path = c.flag;
    src.env = MapEnv(c.env);
    src.service_account_root = sa.path();
    ConfigResult r = LoadConfig(src);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.error;
    EXPECT_EQ(r.config.source, c.want_source) << c.name;
  }
  ConfigSource none;
  none.env = MapEnv({});
  EXPECT_NE(LoadConfig(none).error.find("--kubeconfig"), std::string::npos);
}

}  // namespace
}  // namespace slo::controller::k8s
