// controller/k8s/api_error.h: the error value every Kubernetes API call returns, and Result<T>.
//
// An ApiError says what failed in terms an operator can act on: the HTTP status (0 when no
// response arrived), the API server's Status reason and message, and the Kubernetes verb and
// resource the call used. 401/403 get a message naming the missing permission:
//
//   forbidden: the controller's service account cannot patch deployments/scale in namespace
//   serving (apps); grant it in the ClusterRole
//
// Example:
//   Result<nlohmann::json> r = client.Get(path);
//   if (!r.ok()) spdlog::warn("{}", r.error().Describe());
//   else Use(r.value());
//
// Messages are built from the request path and the server's answer, never from request
// headers, so the bearer token cannot reach them (RedactSecret is applied as a second guard).
//
// Thread-safety: plain values; the functions are pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace slo::controller::k8s {

// What a request path addresses: /api/v1/namespaces/NS/RESOURCE/NAME/SUB or
// /apis/GROUP/VERSION/... (namespace, name and subresource optional).
struct ResourcePath {
  std::string group;  // "" for the core group
  std::string version;
  std::string namespace_name;  // "" for cluster-scoped or all-namespace calls
  std::string resource;        // plural, e.g. "deployments"; "" for discovery paths
  std::string name;
  std::string subresource;  // e.g. "scale", "status"
  // "deployments/scale" or "deployments".
  std::string FullResource() const;
};
ResourcePath ParseResourcePath(std::string_view path);

// The Kubernetes verb an HTTP request maps to: GET on a collection is list (watch when the
// query has watch=true or watch=1), GET on a name is get, POST create, PUT update, PATCH patch,
// DELETE delete.
std::string KubeVerb(std::string_view method, std::string_view path_and_query);

struct ApiError {
  int http_status = 0;         // 0: no response (transport failure, timeout, cancelled)
  std::string reason;          // Status.reason ("Conflict", "Forbidden") or "Timeout", ...
  std::string message;         // human-readable, self-contained
  std::string verb;            // Kubernetes verb: get, list, watch, create, update, patch
  std::string resource;        // "deployments/scale"
  std::string group;           // API group ("" = core)
  std::string namespace_name;  // "" when cluster-scoped / all namespaces
  bool retryable = false;      // a retry might succeed (429, 5xx, reset on idempotent verbs)
  int retry_after_s = -1;      // the Retry-After header when present

  bool IsNotFound() const { return http_status == 404; }
  bool IsConflict() const { return http_status == 409; }
  bool IsGone() const { return http_status == 410; }
  bool IsForbidden() const { return http_status == 401 || http_status == 403; }
  // "<verb> <resource> (<group>) in namespace <ns>: HTTP <status> <reason>: <message>"
  std::string Describe() const;
};

// Builds the error for an HTTP response (status >= 400). body is the response body (a
// meta/v1 Status when the server sent one).
ApiError ErrorFromResponse(std::string_view method, std::string_view path_and_query, int status,
                           std::string_view body, int retry_after_s = -1);
// Builds the error for a request that got no response (reason "ConnectionFailed", "Timeout" or
// "Cancelled"); detail is the transport's own text.
ApiError ErrorFromTransport(std::string_view method, std::string_view path_and_query,
                            std::string_view reason, std::string_view detail);

// Replaces every occurrence of secret in text with "[REDACTED]" (no-op for an empty secret).
std::string RedactSecret(std::string text, std::string_view secret);

// Result<T>: a value or an ApiError.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(ApiError error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  const T& value() const { return std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

// For calls with nothing to return.
struct Ok {};

}  // namespace slo::controller::k8s
