#include "controller/k8s/config.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace slo::controller::k8s {
namespace {

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Standard base64 (the *-data fields); false on a character outside the alphabet.
bool DecodeBase64(const std::string& in, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else if (c == '=' || c == '\n' || c == '\r' || c == ' ')
      continue;
    else
      return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || dir.empty()) return path;
  return dir + "/" + path;
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The entry of a named list (clusters, users, contexts) whose name matches; a null node if none.
YAML::Node FindNamed(const YAML::Node& list, const std::string& name, const char* field) {
  if (!list || !list.IsSequence()) return YAML::Node();
  for (const auto& item : list) {
    if (item.IsMap() && item["name"] && item["name"].as<std::string>("") == name) {
      return item[field];
    }
  }
  return YAML::Node();
}

std::string Str(const YAML::Node& map, const char* key) {
  if (!map || !map.IsMap() || !map[key] || !map[key].IsScalar()) return "";
  return map[key].as<std::string>("");
}

// Fills *pem from key-data (base64) or key (a file). false + *error on failure.
bool LoadPem(const YAML::Node& map, const char* data_key, const char* file_key,
             const std::string& dir, const std::string& where, std::string* pem,
             std::string* error) {
  std::string data = Str(map, data_key);
  if (!data.empty()) {
    if (!DecodeBase64(data, pem)) {
      *error = where + "." + data_key + ": not valid base64";
      return false;
    }
    return true;
  }
  std::string file = Str(map, file_key);
  if (!file.empty()) {
    std::string path = Resolve(dir, file);
    if (!ReadWholeFile(path, pem)) {
      *error = where + "." + file_key + ": cannot read " + path;
      return false;
    }
  }
  return true;
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v ? std::string(v) : std::string();
  };
}

ConfigResult ParseKubeconfig(const std::string& yaml_text, const std::string& dir,
                             const std::string& context_override, const std::string& source) {
  ConfigResult r;
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    r.error = source + ": invalid YAML: " + e.what();
    return r;
  }
  if (!root.IsMap()) {
    r.error = source + ": not a kubeconfig (expected a mapping)";
    return r;
  }
  std::string context_name =
      context_override.empty() ? Str(root, "current-context") : context_override;
  if (context_name.empty()) {
    r.error = source + ": current-context is not set (pass a context explicitly)";
    return r;
  }
  YAML::Node context = FindNamed(root["contexts"], context_name, "context");
  if (!context || !context.IsMap()) {
    r.error = source + ": contexts: no context named \"" + context_name + "\"";
    return r;
  }
  std::string cluster_name = Str(context, "cluster");
  std::string user_name = Str(context, "user");
  YAML::Node cluster = FindNamed(root["clusters"], cluster_name, "cluster");
  if (!cluster || !cluster.IsMap()) {
    r.error = source + ": clusters: no cluster named \"" + cluster_name + "\" (used by context \"" +
              context_name + "\")";
    return r;
  }
  KubeConfig& c = r.config;
  c.context = context_name;
  c.source = "kubeconfig " + source;
  c.server = Str(cluster, "server");
  while (!c.server.empty() && c.server.back() == '/') c.server.pop_back();
  if (c.server.empty()) {
    r.error = source + ": clusters[" + cluster_name + "].cluster.server is empty";
    return r;
  }
  c.insecure_skip_tls_verify =
      cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>(false);
  std::string where = "clusters[" + cluster_name + "].cluster";
  if (!LoadPem(cluster, "certificate-authority-data", "certificate-authority", dir,
               source + ": " + where, &c.ca_pem, &r.error)) {
    return r;
  }
  if (!user_name.empty()) {
    YAML::Node user = FindNamed(root["users"], user_name, "user");
    if (!user || !user.IsMap()) {
      if (!(user && user.IsNull())) {
        r.error = source + ": users: no user named \"" + user_name + "\" (used by context \"" +
                  context_name + "\")";
        return r;
      }
    } else {
      std::string uw = source + ": users[" + user_name + "].user";
      if (!LoadPem(user, "client-certificate-data", "client-certificate", dir, uw,
                   &c.client_cert_pem, &r.error) ||
          !LoadPem(user, "client-key-data", "client-key", dir, uw, &c.client_key_pem, &r.error)) {
        return r;
      }
      if (c.client_cert_pem.empty() != c.client_key_pem.empty()) {
        r.error = uw + ": client-certificate and client-key must be given together";
        return r;
      }
      c.token = Str(user, "token");
      std::string token_file = Str(user, "tokenFile");
      if (!token_file.empty()) c.token_file = Resolve(dir, token_file);
    }
  }
  std::string ns = Str(context, "namespace");
  if (!ns.empty()) c.namespace_name = ns;
  return r;
}

ConfigResult LoadKubeconfig(const std::string& path, const std::string& context_override) {
  std::string text;
  if (!ReadWholeFile(path, &text)) {
    ConfigResult r;
    r.error = "kubeconfig " + path + ": cannot read the file";
    return r;
  }
  return ParseKubeconfig(text, DirOf(path), context_override, path);
}

ConfigResult LoadInCluster(const EnvLookup& env, const std::string& root) {
  ConfigResult r;
  std::string host = env ? env("KUBERNETES_SERVICE_HOST") : "";
  std::string port = env ? env("KUBERNETES_SERVICE_PORT") : "";
  if (host.empty() || port.empty()) {
    r.error =
        "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set "
        "(not running in a pod? pass --kubeconfig)";
    return r;
  }
  KubeConfig& c = r.config;
  c.source = "in-cluster";
  c.server =
      "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  c.token_file = root + "/token";
  std::string token;
  if (!ReadWholeFile(c.token_file, &token)) {
    r.error = "in-cluster config: cannot read the service-account token " + c.token_file;
    return r;
  }
  if (!ReadWholeFile(root + "/ca.crt", &c.ca_pem)) {
    r.error = "in-cluster config: cannot read the service-account CA " + root + "/ca.crt";
    return r;
  }
  std::string ns;
  if (ReadWholeFile(root + "/namespace", &ns) && !Trim(ns).empty()) c.namespace_name = Trim(ns);
  return r;
}

ConfigResult LoadConfig(const ConfigSource& source) {
  EnvLookup env = source.env ? source.env : ProcessEnv();
  if (!source.kubeconfig_path.empty()) {
    return LoadKubeconfig(source.kubeconfig_path, source.context);
  }
  std::string list = env("KUBECONFIG");
  if (!list.empty()) {
    std::string first = list.substr(0, list.find(':'));
    if (!first.empty()) return LoadKubeconfig(first, source.context);
  }
  if (!env("KUBERNETES_SERVICE_HOST").empty()) {
    return LoadInCluster(env, source.service_account_root);
  }
  std::string home = env("HOME");
  if (home.empty()) {
    ConfigResult r;
    r.error = "no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, or run in a pod";
    return r;
  }
  return LoadKubeconfig(home + "/.kube/config", source.context);
}

TokenSource::TokenSource(std::string static_token, std::string token_file,
                         std::chrono::seconds refresh_interval, Clock clock)
    : token_(Trim(std::move(static_token))),
      file_(std::move(token_file)),
      refresh_(refresh_interval),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

std::string TokenSource::Token() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_.empty()) return token_;
  auto now = clock_();
  struct stat st {};
  int64_t mtime_ns = -1;
  if (::stat(file_.c_str(), &st) == 0) {
    mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
  bool due = !read_once_ || mtime_ns != last_mtime_ns_ || now - last_read_ >= refresh_;
  if (due) {
    std::string text;
    if (ReadWholeFile(file_, &text) && !Trim(text).empty()) {
      token_ = Trim(text);
      read_once_ = true;
      last_mtime_ns_ = mtime_ns;
      last_read_ = now;
    }
  }
  return token_;
}

}  // namespace slo::controller::k8s
