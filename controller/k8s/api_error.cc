#include "controller/k8s/api_error.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace slo::controller::k8s {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  std::string_view p = path.substr(0, path.find('?'));
  size_t i = 0;
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i) parts.emplace_back(p.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

bool QueryHasWatch(std::string_view path_and_query) {
  size_t q = path_and_query.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = path_and_query.substr(q + 1);
  for (std::string_view on : {"watch=true", "watch=1"}) {
    size_t at = query.find(on);
    if (at != std::string_view::npos && (at == 0 || query[at - 1] == '&')) return true;
  }
  return false;
}

std::string Scope(const std::string& ns) {
  return ns.empty() ? "at cluster scope (or across all namespaces)" : "in namespace " + ns;
}

std::string GroupLabel(const std::string& group) { return group.empty() ? "core" : group; }

}  // namespace

std::string ResourcePath::FullResource() const {
  return subresource.empty() ? resource : resource + "/" + subresource;
}

ResourcePath ParseResourcePath(std::string_view path) {
  ResourcePath r;
  std::vector<std::string> parts = SplitPath(path);
  size_t i = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    r.version = parts[1];
    i = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    r.group = parts[1];
    r.version = parts[2];
    i = 3;
  } else {
    return r;
  }
  if (i + 1 < parts.size() && parts[i] == "namespaces") {
    // /namespaces/NS is itself a get of the namespace; /namespaces/NS/<resource> is scoped.
    if (i + 2 < parts.size()) {
      r.namespace_name = parts[i + 1];
      i += 2;
    }
  }
  if (i < parts.size()) r.resource = parts[i++];
  if (i < parts.size()) r.name = parts[i++];
  if (i < parts.size()) r.subresource = parts[i++];
  return r;
}

std::string KubeVerb(std::string_view method, std::string_view path_and_query) {
  if (method == "GET") {
    if (QueryHasWatch(path_and_query)) return "watch";
    return ParseResourcePath(path_and_query).name.empty() ? "list" : "get";
  }
  if (method == "POST") return "create";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return "delete";
  std::string lower(method);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower;
}

std::string ApiError::Describe() const {
  std::string out = verb + " " + (resource.empty() ? "(unknown resource)" : resource);
  if (!group.empty()) out += " (" + group + ")";
  if (!namespace_name.empty()) out += " in namespace " + namespace_name;
  out += ": ";
  if (http_status > 0) out += "HTTP " + std::to_string(http_status) + " ";
  if (!reason.empty()) out += reason + ": ";
  out += message;
  return out;
}

ApiError ErrorFromResponse(std::string_view method, std::string_view path_and_query, int status,
                           std::string_view body, int retry_after_s) {
  ApiError e;
  ResourcePath rp = ParseResourcePath(path_and_query);
  e.http_status = status;
  e.verb = KubeVerb(method, path_and_query);
  e.resource = rp.FullResource();
  e.group = rp.group;
  e.namespace_name = rp.namespace_name;
  e.retry_after_s = retry_after_s;
  std::string server_message;
  nlohmann::json status_obj = nlohmann::json::parse(body, nullptr, false);
  if (status_obj.is_object() && status_obj.value("kind", "") == "Status") {
    if (status_obj.contains("reason") && status_obj["reason"].is_string())
      e.reason = status_obj["reason"].get<std::string>();
    if (status_obj.contains("message") && status_obj["message"].is_string())
      server_message = status_obj["message"].get<std::string>();
  } else {
    server_message = std::string(body.substr(0, 200));
  }
  if (e.reason.empty()) {
    switch (status) {
      case 401:
        e.reason = "Unauthorized";
        break;
      case 403:
        e.reason = "Forbidden";
        break;
      case 404:
        e.reason = "NotFound";
        break;
      case 409:
        e.reason = "Conflict";
        break;
      case 410:
        e.reason = "Expired";
        break;
      case 429:
        e.reason = "TooManyRequests";
        break;
      default:
        e.reason = status >= 500 ? "InternalError" : "";
    }
  }
  std::string what = e.resource.empty()
                         ? std::string(path_and_query.substr(0, path_and_query.find('?')))
                         : e.resource;
  if (status == 403) {
    e.message = "forbidden: the controller's service account cannot " + e.verb + " " + what + " " +
                Scope(e.namespace_name) + " (" + GroupLabel(e.group) +
                "); grant it in the ClusterRole";
    if (!server_message.empty()) e.message += " [server: " + server_message + "]";
  } else if (status == 401) {
    e.message =
        "unauthorized: the API server rejected the controller's credentials (token "
        "missing, expired or invalid, or client certificate not accepted) on " +
        e.verb + " " + what + " " + Scope(e.namespace_name) + " (" + GroupLabel(e.group) + ")";
  } else {
    e.message = server_message.empty() ? "HTTP " + std::to_string(status) : server_message;
  }
  e.retryable = status == 429 || status >= 500;
  return e;
}

ApiError ErrorFromTransport(std::string_view method, std::string_view path_and_query,
                            std::string_view reason, std::string_view detail) {
  ApiError e;
  ResourcePath rp = ParseResourcePath(path_and_query);
  e.verb = KubeVerb(method, path_and_query);
  e.resource = rp.FullResource();
  e.group = rp.group;
  e.namespace_name = rp.namespace_name;
  e.reason = std::string(reason);
  e.message = std::string(detail);
  return e;
}

std::string RedactSecret(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  static constexpr std::string_view kMask = "[REDACTED]";
  size_t at = 0;
  while ((at = text.find(secret, at)) != std::string::npos) {
    text.replace(at, secret.size(), kMask);
    at += kMask.size();
  }
  return text;
}

}  // namespace slo::controller::k8s
