// controller/k8s/discovery.h: maps apiVersion + kind to the resource's plural name (and whether
// it has a /scale subresource) through the API server's discovery documents.
//
// GET /apis/<group>/<version> (or /api/v1 for the core group) lists the resources of a group
// version: {"resources": [{"name": "deployments", "kind": "Deployment", "namespaced": true},
// {"name": "deployments/scale", "kind": "Scale", ...}, ...]}. A kind is scalable when the list
// has "<plural>/scale". Lists are cached per group version; a lookup that misses refetches once
// (a CRD installed after start-up).
//
// Example:
//   Discovery d([&](const std::string& path) { return client.Get(path); });
//   auto r = d.FindScalable("apps/v1", "Deployment");   // r.value().name == "deployments"
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/k8s/api_error.h"

namespace slo::controller::k8s {

struct ApiResource {
  std::string group;    // "" for core
  std::string version;  // "v1"
  std::string name;     // plural, e.g. "deployments"
  std::string kind;     // "Deployment"
  bool namespaced = true;
  bool has_scale = false;
  bool has_status = false;

  // "/apis/apps/v1/namespaces/NS/deployments/NAME" (namespace ignored when cluster-scoped).
  std::string ObjectPath(const std::string& namespace_name, const std::string& name) const;
};

// "/api/v1" for "v1", "/apis/apps/v1" for "apps/v1".
std::string GroupVersionPath(const std::string& api_version);
// Splits "apps/v1" into {"apps", "v1"} and "v1" into {"", "v1"}.
std::pair<std::string, std::string> SplitApiVersion(const std::string& api_version);
// The top-level resources (no "/" in their names) of an APIResourceList, with has_scale and
// has_status filled from the subresource entries.
std::vector<ApiResource> ParseResourceList(const nlohmann::json& list,
                                           const std::string& api_version);

class Discovery {
 public:
  using Getter = std::function<Result<nlohmann::json>(const std::string& path)>;
  explicit Discovery(Getter get) : get_(std::move(get)) {}

  // The resource of kind in api_version (any, scalable or not).
  Result<ApiResource> Find(const std::string& api_version, const std::string& kind);
  // Like Find, but fails (reason "NotScalable") when the resource has no /scale subresource.
  Result<ApiResource> FindScalable(const std::string& api_version, const std::string& kind);
  void Invalidate();
  // Discovery GETs made so far (for tests of the cache).
  int fetches() const;

 private:
  Result<std::vector<ApiResource>> Fetch(const std::string& api_version);

  Getter get_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<ApiResource>> cache_;
  int fetches_ = 0;
};

}  // namespace slo::controller::k8s
