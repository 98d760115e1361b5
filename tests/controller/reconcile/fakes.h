// tests/controller/reconcile/fakes.h: in-memory fakes of the reconcile loop's ports.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "controller/reconcile/ports.h"

namespace slo::controller {

class FakeScalePort : public ScalePort {
 public:
  std::map<std::string, ScaleState> targets;  // "ns/name" -> scale
  std::vector<std::pair<std::string, int32_t>> patches;
  int fail_patches = 0;  // the next N SetReplicas fail
  bool fail_gets = false;

  std::optional<ScaleState> GetScale(const ObjectRef& ref, const std::string& ns,
                                     PortError* error) override {
    if (fail_gets) {
      error->message = "connection refused";
      return std::nullopt;
    }
    auto it = targets.find(ns + "/" + ref.name);
    if (it == targets.end()) {
      error->not_found = true;
      error->http_status = 404;
      error->message = "deployments.apps \"" + ref.name + "\" not found";
      return std::nullopt;
    }
    return it->second;
  }
  bool SetReplicas(const ObjectRef& ref, const std::string& ns, int32_t replicas,
                   PortError* error) override {
    if (fail_patches > 0) {
      --fail_patches;
      error->http_status = 500;
      error->message = "internal error";
      return false;
    }
    patches.push_back({ns + "/" + ref.name, replicas});
    targets[ns + "/" + ref.name].spec_replicas = replicas;
    return true;
  }
};

class FakeStatusPort : public StatusPort {
 public:
  std::map<std::string, nlohmann::json> statuses;
  int writes = 0;
  bool fail = false;
  bool PatchStatus(const std::string& ns, const std::string& name, const nlohmann::json& status,
                   PortError* error) override {
    if (fail) {
      error->message = "the server is currently unable to handle the request";
      return false;
    }
    ++writes;
    statuses[ns + "/" + name] = status;
    return true;
  }
};

class FakeEventPort : public EventPort {
 public:
  std::vector<EventRecord> events;
  bool Emit(const EventRecord& e, PortError*) override {
    events.push_back(e);
    return true;
  }
};

class FakeConflictPort : public ConflictPort {
 public:
  std::map<std::string, std::string> conflicts;  // "ns/target" -> description
  int passes = 0;
  void BeginPass() override { ++passes; }
  std::optional<std::string> FindConflict(const std::string& ns, const ObjectRef& ref) override {
    auto it = conflicts.find(ns + "/" + ref.name);
    if (it == conflicts.end()) return std::nullopt;
    return it->second;
  }
};

class FakeMetricsPort : public MetricsPort {
 public:
  std::map<std::string, ObservedMetrics> by_key;  // "ns/name" -> what Prometheus shows
  std::string prometheus_error;                   // when set, every item reports it
  int calls = 0;
  size_t last_items = 0;
  std::map<std::string, ObservedMetrics> Observe(const std::vector<ObserveItem>& items,
                                                 double) override {
    ++calls;
    last_items = items.size();
    std::map<std::string, ObservedMetrics> out;
    for (const auto& item : items) {
      ObservedMetrics m;
      if (prometheus_error.empty()) {
        auto it = by_key.find(item.key);
        if (it != by_key.end()) m = it->second;
      } else {
        m.prometheus_error = prometheus_error;
      }
      out[item.key] = m;
    }
    return out;
  }
  int QueriesLastPass() const override { return prometheus_error.empty() ? 5 : 0; }
};

class FakeDecisionSink : public DecisionSink {
 public:
  std::vector<std::string> lines;
  void Write(const std::string& line) override { lines.push_back(line); }
};

}  // namespace slo::controller
