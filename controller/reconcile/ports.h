// controller/reconcile/ports.h: the small interfaces the reconcile loop needs from the outside
// world. The loop owns them; the Kubernetes client and the Prometheus observer are adapted to
// them (controller/reconcile/adapters.h) and tests use fakes (tests/controller/reconcile/fakes.h).
//
// Every method returns errors as values; none may throw. Thread-safety: the loop calls a port
// from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/spec/autoscaler.h"
#include "policies/types.h"

namespace slo::controller {

// An error from a port: what failed, and whether the object was simply not there.
struct PortError {
  std::string message;
  int http_status = 0;  // 0 when not an HTTP error (timeout, connection)
  bool not_found = false;
};

// The /scale view of a target (autoscaling/v1 Scale).
struct ScaleState {
  int32_t spec_replicas = 0;
  std::optional<int32_t> status_replicas;
  std::string selector;
};

class ScalePort {
 public:
  virtual ~ScalePort() = default;
  // GET <target>/scale. ns is the object's namespace.
  virtual std::optional<ScaleState> GetScale(const ObjectRef& ref, const std::string& ns,
                                             PortError* error) = 0;
  // PATCH <target>/scale with spec.replicas.
  virtual bool SetReplicas(const ObjectRef& ref, const std::string& ns, int32_t replicas,
                           PortError* error) = 0;
};

class StatusPort {
 public:
  virtual ~StatusPort() = default;
  // Merge-patch the InferenceAutoscaler's /status with `status`.
  virtual bool PatchStatus(const std::string& ns, const std::string& name,
                           const nlohmann::json& status, PortError* error) = 0;
};

struct EventRecord {
  std::string ns;
  std::string name;  // the InferenceAutoscaler
  std::string uid;
  std::string type;  // Normal | Warning
  std::string reason;
  std::string message;
};

class EventPort {
 public:
  virtual ~EventPort() = default;
  virtual bool Emit(const EventRecord& event, PortError* error) = 0;
};

// Finds another autoscaler (an HPA, a KEDA ScaledObject) that targets the same object.
class ConflictPort {
 public:
  virtual ~ConflictPort() = default;
  // Called once at the start of each pass so implementations can cache their lists per pass.
  virtual void BeginPass() {}
  // A description like "HorizontalPodAutoscaler serving/chat-hpa" or nullopt.
  virtual std::optional<std::string> FindConflict(const std::string& ns, const ObjectRef& ref) = 0;
};

// What the metrics layer reports for one autoscaler in one pass.
struct ObservedInput {
  std::string query;  // the PromQL that produced it
  std::optional<double> value;
  std::string status;  // "ok" | "missing" | "stale" | "error"
  std::string error;
};
struct ObservedMetrics {
  policies::Observation observation;  // current_replicas is filled in by the loop
  std::map<std::string, ObservedInput> inputs;  // arrivalRate, queueDepth, ...
  std::string prometheus_error;  // non-empty when Prometheus could not be queried
};
struct ObserveItem {
  std::string key;  // "ns/name"
  const InferenceAutoscaler* autoscaler = nullptr;
};

class MetricsPort {
 public:
  virtual ~MetricsPort() = default;
  // One batched pass over every autoscaler. Returns one entry per item key.
  virtual std::map<std::string, ObservedMetrics> Observe(const std::vector<ObserveItem>& items,
                                                         double now_s) = 0;
  // Prometheus queries sent by the last Observe() (for the metrics and the benchmark).
  virtual int QueriesLastPass() const = 0;
};

// Where decision-log lines go. Must not lose a line: implementations flush each one.
class DecisionSink {
 public:
  virtual ~DecisionSink() = default;
  virtual void Write(const std::string& line) = 0;
};

}  // namespace slo::controller
