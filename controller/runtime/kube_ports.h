// controller/runtime/kube_ports.h: the reconcile loop's ports backed by the Kubernetes client.
//
//   KubeScalePort     GET/PATCH the /scale subresource of any kind (discovery resolves it)
//   KubeStatusPort    merge-patch InferenceAutoscaler /status (with observedGeneration)
//   KubeEventPort     core/v1 Events on the InferenceAutoscaler (deduplicated by the client)
//   KubeConflictPort  HPAs (autoscaling/v2) and KEDA ScaledObjects (keda.sh/v1alpha1) that
//                     target the same object; listed once per namespace per pass. A kind that is
//                     not installed (404) counts as no conflict.
//
// Thread-safety: as the reconcile loop uses them, from one thread; KubeClient itself is
// thread-safe.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/k8s/client.h"
#include "controller/reconcile/ports.h"

namespace slo::controller {

class KubeScalePort : public ScalePort {
 public:
  explicit KubeScalePort(k8s::KubeClient* client) : client_(client) {}
  std::optional<ScaleState> GetScale(const ObjectRef& ref, const std::string& ns,
                                     PortError* error) override;
  bool SetReplicas(const ObjectRef& ref, const std::string& ns, int32_t replicas,
                   PortError* error) override;

 private:
  k8s::KubeClient* client_;
};

class KubeStatusPort : public StatusPort {
 public:
  explicit KubeStatusPort(k8s::KubeClient* client) : client_(client) {}
  bool PatchStatus(const std::string& ns, const std::string& name, const nlohmann::json& status,
                   PortError* error) override;

 private:
  k8s::KubeClient* client_;
};

class KubeEventPort : public EventPort {
 public:
  explicit KubeEventPort(k8s::KubeClient* client) : client_(client) {}
  bool Emit(const EventRecord& event, PortError* error) override;

 private:
  k8s::KubeClient* client_;
};

class KubeConflictPort : public ConflictPort {
 public:
  explicit KubeConflictPort(k8s::KubeClient* client) : client_(client) {}
  void BeginPass() override { cache_.clear(); }
  std::optional<std::string> FindConflict(const std::string& ns, const ObjectRef& ref) override;

 private:
  // Items of a list, cached for this pass; an empty array when the list failed.
  const nlohmann::json& ListOnce(const std::string& path);

  k8s::KubeClient* client_;
  std::map<std::string, nlohmann::json> cache_;
};

// A PortError from a client error.
PortError ToPortError(const k8s::ApiError& e);

}  // namespace slo::controller
