#include "controller/runtime/kube_ports.h"

#include "controller/spec/autoscaler.h"

namespace slo::controller {

PortError ToPortError(const k8s::ApiError& e) {
  PortError p;
  p.http_status = e.http_status;
  p.not_found = e.IsNotFound();
  p.message = e.Describe();
  return p;
}

std::optional<ScaleState> KubeScalePort::GetScale(const ObjectRef& ref, const std::string& ns,
                                                  PortError* error) {
  auto r = client_->GetScale({ref.api_version, ref.kind, ns, ref.name});
  if (!r.ok()) {
    *error = ToPortError(r.error());
    return std::nullopt;
  }
  ScaleState s;
  s.spec_replicas = r.value().spec_replicas;
  s.status_replicas = r.value().status_replicas;
  s.selector = r.value().selector;
  return s;
}

bool KubeScalePort::SetReplicas(const ObjectRef& ref, const std::string& ns, int32_t replicas,
                                PortError* error) {
  auto r = client_->PatchScale({ref.api_version, ref.kind, ns, ref.name}, replicas);
  if (!r.ok()) {
    *error = ToPortError(r.error());
    return false;
  }
  return true;
}

bool KubeStatusPort::PatchStatus(const std::string& ns, const std::string& name,
                                 const nlohmann::json& status, PortError* error) {
  int64_t generation = status.value("observedGeneration", int64_t{0});
  auto r = client_->PatchAutoscalerStatus(ns, name, status, generation);
  if (!r.ok()) {
    *error = ToPortError(r.error());
    return false;
  }
  return true;
}

bool KubeEventPort::Emit(const EventRecord& event, PortError* error) {
  k8s::EventSpec spec;
  spec.involved_object = {{"apiVersion", std::string(kApiVersion)},
                          {"kind", std::string(kKind)},
                          {"namespace", event.ns},
                          {"name", event.name},
                          {"uid", event.uid}};
  spec.type = event.type;
  spec.reason = event.reason;
  spec.message = event.message.size() > 1024 ? event.message.substr(0, 1021) + "..." : event.message;
  auto r = client_->RecordEvent(spec);
  if (!r.ok()) {
    *error = ToPortError(r.error());
    return false;
  }
  return true;
}

const nlohmann::json& KubeConflictPort::ListOnce(const std::string& path) {
  auto it = cache_.find(path);
  if (it != cache_.end()) return it->second;
  auto r = client_->List(path);
  nlohmann::json items = nlohmann::json::array();
  if (r.ok() && r.value().contains("items") && r.value()["items"].is_array()) {
    items = r.value()["items"];
  }
  return cache_.emplace(path, std::move(items)).first->second;
}

std::optional<std::string> KubeConflictPort::FindConflict(const std::string& ns,
                                                          const ObjectRef& ref) {
  auto group_of = [](const std::string& api_version) {
    auto slash = api_version.find('/');
    return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
  };
  const std::string want_group = group_of(ref.api_version);
  for (const auto& hpa :
       ListOnce("/apis/autoscaling/v2/namespaces/" + ns + "/horizontalpodautoscalers")) {
    const auto target = hpa.value("spec", nlohmann::json::object())
                            .value("scaleTargetRef", nlohmann::json::object());
    if (target.value("kind", "") == ref.kind && target.value("name", "") == ref.name &&
        group_of(target.value("apiVersion", "")) == want_group) {
      return "HorizontalPodAutoscaler " + ns + "/" +
             hpa["metadata"].value("name", std::string("?"));
    }
  }
  for (const auto& so : ListOnce("/apis/keda.sh/v1alpha1/namespaces/" + ns + "/scaledobjects")) {
    const auto target = so.value("spec", nlohmann::json::object())
                            .value("scaleTargetRef", nlohmann::json::object());
    std::string kind = target.value("kind", std::string("Deployment"));
    if (kind == ref.kind && target.value("name", "") == ref.name) {
      return "KEDA ScaledObject " + ns + "/" + so["metadata"].value("name", std::string("?"));
    }
  }
  return std::nullopt;
}

}  // namespace slo::controller
