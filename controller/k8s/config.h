// controller/k8s/config.h: where the Kubernetes API server is and how to authenticate to it.
//
// Two sources: a kubeconfig file (kubectl's format, parsed with yaml-cpp) and the in-cluster
// service account (token, CA and namespace files under
// /var/run/secrets/kubernetes.io/serviceaccount plus KUBERNETES_SERVICE_HOST/PORT).
// LoadConfig picks one with controller-runtime's precedence:
//   1. --kubeconfig PATH   2. $KUBECONFIG (its first file)   3. in-cluster (when
//   KUBERNETES_SERVICE_HOST is set)   4. $HOME/.kube/config.
//
// Example:
//   ConfigSource src;
//   src.kubeconfig_path = flag;   // may be empty
//   src.env = ProcessEnv();
//   ConfigResult cfg = LoadConfig(src);
//   if (!cfg.ok()) return Fail(cfg.error);   // names the file and field
//   KubeClient client(cfg.config);
//
// Certificates and keys are held as PEM text (files are read at load time); the bearer token is
// read through TokenSource, which re-reads a token file when its mtime changes or a minute has
// passed (bound service-account tokens rotate hourly).
//
// Thread-safety: the Load* functions are reentrant. TokenSource is safe for concurrent use.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace slo::controller::k8s {

struct KubeConfig {
  std::string server;           // "https://10.0.0.1:443" (no trailing slash)
  std::string ca_pem;           // PEM of the CA bundle; empty: system roots
  std::string client_cert_pem;  // PEM client certificate (with client_key_pem)
  std::string client_key_pem;
  std::string token;       // static bearer token (kubeconfig user.token)
  std::string token_file;  // bearer token file, re-read on rotation
  bool insecure_skip_tls_verify = false;
  std::string namespace_name = "default";  // the context's namespace or the pod's
  std::string context;                     // kubeconfig context used ("" in-cluster)
  std::string source;                      // "kubeconfig /path" or "in-cluster", for logs
};

struct ConfigResult {
  KubeConfig config;
  std::string error;  // non-empty: what is wrong, naming the file and field
  bool ok() const { return error.empty(); }
};

// Environment lookups, injectable for tests. Returns "" when unset.
using EnvLookup = std::function<std::string(const std::string&)>;
EnvLookup ProcessEnv();

// Parses kubeconfig text. dir resolves relative file paths (certificate-authority,
// client-certificate, client-key, tokenFile); context_override selects a context other than
// current-context. source names the file in errors.
ConfigResult ParseKubeconfig(const std::string& yaml_text, const std::string& dir,
                             const std::string& context_override, const std::string& source);
// Reads and parses a kubeconfig file.
ConfigResult LoadKubeconfig(const std::string& path, const std::string& context_override = "");

// The in-cluster config. root is the service-account directory (default
// /var/run/secrets/kubernetes.io/serviceaccount; tests pass a temp dir).
ConfigResult LoadInCluster(
    const EnvLookup& env,
    const std::string& root = "/var/run/secrets/kubernetes.io/serviceaccount");

struct ConfigSource {
  std::string kubeconfig_path;  // --kubeconfig; empty = not given
  std::string context;          // --context override; empty = current-context
  EnvLookup env;                // KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT
  std::string service_account_root = "/var/run/secrets/kubernetes.io/serviceaccount";
};
// Applies the precedence above.
ConfigResult LoadConfig(const ConfigSource& source);

// The bearer token to send: a static token, or a file re-read when its modification time
// changes or refresh_interval has passed since the last read. Token() returns "" when there is
// none (or the file cannot be read and nothing was read before).
class TokenSource {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  TokenSource(std::string static_token, std::string token_file,
              std::chrono::seconds refresh_interval = std::chrono::seconds(60),
              Clock clock = nullptr);
  std::string Token();
  // The file path ("" for a static token).
  const std::string& file() const { return file_; }

 private:
  std::mutex mu_;
  std::string token_;
  std::string file_;
  std::chrono::seconds refresh_;
  Clock clock_;
  std::chrono::steady_clock::time_point last_read_{};
  int64_t last_mtime_ns_ = -1;
  bool read_once_ = false;
};

}  // namespace slo::controller::k8s
