#include "controller/reconcile/status.h"

namespace slo::controller {

const nlohmann::json* FindCondition(const nlohmann::json& conditions, const std::string& type) {
  if (!conditions.is_array()) return nullptr;
  for (const auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == type) return &c;
  }
  return nullptr;
}

bool SetCondition(nlohmann::json& conditions, const ConditionUpdate& update,
                  const std::string& now_ts, int64_t generation) {
  if (!conditions.is_array()) conditions = nlohmann::json::array();
  nlohmann::json* existing = nullptr;
  for (auto& c : conditions) {
    if (c.is_object() && c.value("type", "") == update.type) existing = &c;
  }
  bool transition = existing == nullptr || existing->value("status", "") != update.status;
  nlohmann::json cond = {{"type", update.type},
                         {"status", update.status},
                         {"reason", update.reason},
                         {"message", update.message},
                         {"observedGeneration", generation}};
  if (transition || !existing->contains("lastTransitionTime")) {
    cond["lastTransitionTime"] = now_ts;
  } else {
    cond["lastTransitionTime"] = (*existing)["lastTransitionTime"];
  }
  if (existing) {
    *existing = std::move(cond);
  } else {
    conditions.push_back(std::move(cond));
  }
  return transition;
}

namespace {

nlohmann::json EventsToJson(const std::vector<policies::ScaleEvent>& events) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& e : events) a.push_back({{"t", e.t_s}, {"delta", e.delta}});
  return a;
}

std::vector<policies::ScaleEvent> EventsFromJson(const nlohmann::json& j) {
  std::vector<policies::ScaleEvent> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (!e.is_object() || !e.contains("t") || !e.contains("delta")) continue;
    if (!e["t"].is_number() || !e["delta"].is_number_integer()) continue;
    out.push_back({e["t"].get<double>(), e["delta"].get<int32_t>()});
  }
  return out;
}

}  // namespace

nlohmann::json StabilizerToJson(const policies::StabilizerState& state) {
  nlohmann::json recs = nlohmann::json::array();
  for (const auto& r : state.recommendations) recs.push_back({{"t", r.t_s}, {"replicas", r.replicas}});
  return {{"recommendations", recs},
          {"scaleUpEvents", EventsToJson(state.scale_up_events)},
          {"scaleDownEvents", EventsToJson(state.scale_down_events)}};
}

policies::StabilizerState StabilizerFromJson(const nlohmann::json& j) {
  policies::StabilizerState state;
  if (!j.is_object()) return state;
  if (auto it = j.find("recommendations"); it != j.end() && it->is_array()) {
    for (const auto& r : *it) {
      if (!r.is_object() || !r.contains("t") || !r.contains("replicas")) continue;
      if (!r["t"].is_number() || !r["replicas"].is_number_integer()) continue;
      state.recommendations.push_back({r["t"].get<double>(), r["replicas"].get<int32_t>()});
    }
  }
  if (auto it = j.find("scaleUpEvents"); it != j.end()) state.scale_up_events = EventsFromJson(*it);
  if (auto it = j.find("scaleDownEvents"); it != j.end()) {
    state.scale_down_events = EventsFromJson(*it);
  }
  return state;
}

}  // namespace slo::controller
