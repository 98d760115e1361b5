#include "controller/k8s/discovery.h"

namespace slo::controller::k8s {

std::string ApiResource::ObjectPath(const std::string& namespace_name,
                                    const std::string& object_name) const {
  std::string path = GroupVersionPath(group.empty() ? version : group + "/" + version);
  if (namespaced && !namespace_name.empty()) path += "/namespaces/" + namespace_name;
  path += "/" + name;
  if (!object_name.empty()) path += "/" + object_name;
  return path;
}

std::pair<std::string, std::string> SplitApiVersion(const std::string& api_version) {
  size_t slash = api_version.find('/');
  if (slash == std::string::npos) return {"", api_version};
  return {api_version.substr(0, slash), api_version.substr(slash + 1)};
}

std::string GroupVersionPath(const std::string& api_version) {
  auto [group, version] = SplitApiVersion(api_version);
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::vector<ApiResource> ParseResourceList(const nlohmann::json& list,
                                           const std::string& api_version) {
  std::vector<ApiResource> out;
  if (!list.is_object() || !list.contains("resources") || !list["resources"].is_array()) {
    return out;
  }
  auto [group, version] = SplitApiVersion(api_version);
  std::map<std::string, std::vector<std::string>> subresources;
  for (const auto& r : list["resources"]) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) continue;
    std::string name = r["name"].get<std::string>();
    size_t slash = name.find('/');
    if (slash != std::string::npos) {
      subresources[name.substr(0, slash)].push_back(name.substr(slash + 1));
      continue;
    }
    ApiResource res;
    res.group = group;
    res.version = version;
    res.name = name;
    res.kind = r.value("kind", "");
    res.namespaced = r.value("namespaced", true);
    out.push_back(res);
  }
  for (auto& res : out) {
    for (const auto& sub : subresources[res.name]) {
      if (sub == "scale") res.has_scale = true;
      if (sub == "status") res.has_status = true;
    }
  }
  return out;
}

Result<std::vector<ApiResource>> Discovery::Fetch(const std::string& api_version) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++fetches_;
  }
  Result<nlohmann::json> list = get_(GroupVersionPath(api_version));
  if (!list.ok()) return list.error();
  std::vector<ApiResource> resources = ParseResourceList(list.value(), api_version);
  std::lock_guard<std::mutex> lock(mu_);
  cache_[api_version] = resources;
  return resources;
}

Result<ApiResource> Discovery::Find(const std::string& api_version, const std::string& kind) {
  auto lookup = [&](const std::vector<ApiResource>& list) -> const ApiResource* {
    for (const auto& r : list) {
      if (r.kind == kind) return &r;
    }
    return nullptr;
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(api_version);
    if (it != cache_.end()) {
      if (const ApiResource* r = lookup(it->second)) return *r;
    }
  }
  Result<std::vector<ApiResource>> fresh = Fetch(api_version);
  if (!fresh.ok()) {
    ApiError e = fresh.error();
    if (e.IsNotFound()) {
      e.message =
          "API group version " + api_version + " is not served by this cluster (" + e.message + ")";
    }
    return e;
  }
  if (const ApiResource* r = lookup(fresh.value())) return *r;
  ApiError e;
  e.http_status = 404;
  e.reason = "NotFound";
  e.verb = "get";
  e.message = "no resource of kind " + kind + " in " + api_version + " (discovery)";
  e.group = SplitApiVersion(api_version).first;
  return e;
}

Result<ApiResource> Discovery::FindScalable(const std::string& api_version,
                                            const std::string& kind) {
  Result<ApiResource> r = Find(api_version, kind);
  if (!r.ok() || r.value().has_scale) return r;
  ApiError e;
  e.reason = "NotScalable";
  e.verb = "get";
  e.resource = r.value().name + "/scale";
  e.group = r.value().group;
  e.message = kind + " (" + api_version + ") has no /scale subresource";
  return e;
}

void Discovery::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
}

int Discovery::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace slo::controller::k8s
