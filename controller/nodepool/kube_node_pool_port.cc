#include "controller/nodepool/kube_node_pool_port.h"

#include <sstream>
#include <vector>

namespace slo::controller {
namespace {

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream s(path);
  std::string part;
  while (std::getline(s, part, '.')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

void Fill(PortError* error, const k8s::ApiError& e) {
  if (!error) return;
  error->message = e.Describe();
  error->http_status = e.http_status;
  error->not_found = e.IsNotFound();
}

k8s::ScaleTarget Target(const PoolRef& pool) {
  return {pool.ref.api_version, pool.ref.kind, pool.ref.namespace_, pool.ref.name};
}

bool NodeReady(const nlohmann::json& node) {
  auto status = node.find("status");
  if (status == node.end() || !status->is_object()) return false;
  auto conditions = status->find("conditions");
  if (conditions == status->end() || !conditions->is_array()) return false;
  for (const auto& c : *conditions) {
    if (c.is_object() && c.value("type", "") == "Ready") return c.value("status", "") == "True";
  }
  return false;
}

}  // namespace

std::string PoolRef::Key() const {
  std::string k = ref.kind + " " + (ref.namespace_.empty() ? "" : ref.namespace_ + "/") + ref.name;
  if (!replicas_path.empty()) k += "#" + replicas_path;
  return k;
}

nlohmann::json MergePatchForPath(const std::string& dotted_path, int32_t value) {
  const auto parts = SplitPath(dotted_path);
  if (parts.empty()) return nlohmann::json::object();
  nlohmann::json patch = value;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) patch = nlohmann::json{{*it, patch}};
  return patch;
}

std::optional<int64_t> IntAtPath(const nlohmann::json& obj, const std::string& dotted_path) {
  const nlohmann::json* cur = &obj;
  for (const auto& part : SplitPath(dotted_path)) {
    if (!cur->is_object()) return std::nullopt;
    auto it = cur->find(part);
    if (it == cur->end()) return std::nullopt;
    cur = &*it;
  }
  if (cur->is_number_integer()) return cur->get<int64_t>();
  if (cur->is_number_float()) return static_cast<int64_t>(cur->get<double>());
  return std::nullopt;
}

std::optional<int32_t> KubeNodePoolPort::CountReadyNodes(const std::string& selector) {
  auto list = client_->List("/api/v1/nodes", "labelSelector=" + k8s::UrlEncode(selector));
  if (!list.ok()) return std::nullopt;
  int32_t ready = 0;
  const nlohmann::json& body = list.value();
  auto items = body.find("items");
  if (items == body.end() || !items->is_array()) return ready;
  for (const auto& n : *items) {
    if (NodeReady(n)) ++ready;
  }
  return ready;
}

std::optional<PoolState> KubeNodePoolPort::GetPool(const PoolRef& pool, PortError* error) {
  auto res = client_->discovery().Find(pool.ref.api_version, pool.ref.kind);
  if (!res.ok()) {
    Fill(error, res.error());  // 404 NotFound when the kind is not served (CRD missing)
    return std::nullopt;
  }
  auto obj = client_->Get(res.value().ObjectPath(pool.ref.namespace_, pool.ref.name));
  if (!obj.ok()) {
    Fill(error, obj.error());
    return std::nullopt;
  }
  const nlohmann::json& o = obj.value();
  PoolState st;
  if (auto meta = o.find("metadata"); meta != o.end() && meta->is_object()) {
    if (auto ann = meta->find("annotations"); ann != meta->end() && ann->is_object()) {
      for (auto it = ann->begin(); it != ann->end(); ++it) {
        if (it->is_string()) st.annotations[it.key()] = it->get<std::string>();
      }
    }
  }
  if (pool.replicas_path.empty()) {
    auto scale = client_->GetScale(Target(pool));
    if (!scale.ok()) {
      Fill(error, scale.error());
      return std::nullopt;
    }
    st.nodes = scale.value().spec_replicas;
  } else {
    st.nodes = static_cast<int32_t>(IntAtPath(o, pool.replicas_path).value_or(0));
  }
  const std::string group = k8s::SplitApiVersion(pool.ref.api_version).first;
  if (auto it = st.annotations.find(kNodeSelectorAnnotation); it != st.annotations.end()) {
    st.ready_nodes = CountReadyNodes(it->second);
  } else if (group == "cluster.x-k8s.io" &&
             (pool.ref.kind == "MachineDeployment" || pool.ref.kind == "MachinePool")) {
    if (o.contains("status") && o["status"].is_object()) {
      st.ready_nodes = static_cast<int32_t>(IntAtPath(o, "status.readyReplicas").value_or(0));
    }
  } else if (group == "karpenter.sh" && pool.ref.kind == "NodePool") {
    st.ready_nodes = CountReadyNodes("karpenter.sh/nodepool=" + pool.ref.name);
  }
  return st;
}

bool KubeNodePoolPort::SetPoolNodes(const PoolRef& pool, int32_t nodes, PortError* error) {
  if (pool.replicas_path.empty()) {
    auto r = client_->PatchScale(Target(pool), nodes);
    if (!r.ok()) Fill(error, r.error());
    return r.ok();
  }
  auto res = client_->discovery().Find(pool.ref.api_version, pool.ref.kind);
  if (!res.ok()) {
    Fill(error, res.error());
    return false;
  }
  auto r = client_->MergePatch(res.value().ObjectPath(pool.ref.namespace_, pool.ref.name),
                               MergePatchForPath(pool.replicas_path, nodes));
  if (!r.ok()) Fill(error, r.error());
  return r.ok();
}

std::optional<PodCounts> KubeNodePoolPort::CountPods(const std::string& ns,
                                                     const std::string& selector,
                                                     PortError* error) {
  if (selector.empty()) return std::nullopt;
  auto list = client_->List("/api/v1/namespaces/" + ns + "/pods",
                            "labelSelector=" + k8s::UrlEncode(selector));
  if (!list.ok()) {
    Fill(error, list.error());
    return std::nullopt;
  }
  PodCounts counts;
  const nlohmann::json& body = list.value();
  auto items = body.find("items");
  if (items == body.end() || !items->is_array()) return counts;
  for (const auto& pod : *items) {
    std::string phase;
    if (auto st = pod.find("status"); st != pod.end() && st->is_object()) {
      phase = st->value("phase", "");
    }
    if (phase == "Succeeded" || phase == "Failed") continue;
    ++counts.existing;
    if (phase == "Pending") ++counts.pending;
  }
  return counts;
}

}  // namespace slo::controller
