#include "controller/audit/integrity.h"

#include <algorithm>
#include <unordered_map>

#include "controller/audit/audit_time.h"

namespace slo::controller::audit {

std::string_view IntegrityKindName(IntegrityEvent::Kind k) {
  switch (k) {
    case IntegrityEvent::Kind::kGap: return "gap";
    case IntegrityEvent::Kind::kUnexplained: return "unexplainedChange";
    case IntegrityEvent::Kind::kVersionChange: return "versionChange";
    case IntegrityEvent::Kind::kLeaderChange: return "leaderChange";
  }
  return "unknown";
}

namespace {

std::string VersionLabel(const LogData& data, const AuditRecord& r) {
  const std::string& v = data.strings.Get(r.version);
  const std::string& c = data.strings.Get(r.commit);
  std::string out = v.empty() ? "(no version)" : v;
  if (!c.empty()) out += " (" + c + ")";
  return out;
}

}  // namespace

std::vector<IntegrityEvent> CheckIntegrity(const LogData& data) {
  std::vector<IntegrityEvent> events;
  const auto& recs = data.records;
  std::unordered_map<uint32_t, size_t> last_of_target;
  const AuditRecord* last_versioned = nullptr;
  const AuditRecord* last_instanced = nullptr;
  for (size_t i = 0; i < recs.size(); ++i) {
    const AuditRecord& cur = recs[i];
    auto [it, first] = last_of_target.try_emplace(cur.target, i);
    if (!first) {
      const AuditRecord& prev = recs[it->second];
      it->second = i;
      const std::string& name = data.strings.Get(cur.target);
      if (cur.current_replicas >= 0) {
        if (prev.actuated && prev.desired_replicas >= 0 &&
            cur.current_replicas != prev.desired_replicas) {
          IntegrityEvent e{IntegrityEvent::Kind::kGap, cur.ts_ms, prev.ts_ms, cur.target, i,
                           prev.desired_replicas, cur.current_replicas, ""};
          e.message = name + ": expected " + std::to_string(prev.desired_replicas) +
                      " replicas after the applied decision at " + FormatClock(prev.ts_ms, true) +
                      " (" + std::to_string(prev.current_replicas) + " -> " +
                      std::to_string(prev.desired_replicas) + "), found " +
                      std::to_string(cur.current_replicas) + " at " +
                      FormatClock(cur.ts_ms, true) +
                      ": the patch did not take or something else scaled it";
          events.push_back(std::move(e));
        } else if (!prev.actuated && prev.current_replicas >= 0 &&
                   cur.current_replicas != prev.current_replicas) {
          IntegrityEvent e{IntegrityEvent::Kind::kUnexplained, cur.ts_ms, prev.ts_ms, cur.target,
                           i, prev.current_replicas, cur.current_replicas, ""};
          e.message = name + ": replicas changed " + std::to_string(prev.current_replicas) +
                      " -> " + std::to_string(cur.current_replicas) + " between " +
                      FormatClock(prev.ts_ms, true) + " and " + FormatClock(cur.ts_ms, true) +
                      " with no applied decision: someone else scaled it";
          events.push_back(std::move(e));
        }
      }
    }
    if (cur.version != 0 || cur.commit != 0) {
      if (last_versioned != nullptr &&
          (last_versioned->version != cur.version || last_versioned->commit != cur.commit)) {
        IntegrityEvent e{IntegrityEvent::Kind::kVersionChange, cur.ts_ms, last_versioned->ts_ms,
                         0, i, -1, -1, ""};
        e.message = "controller version changed from " + VersionLabel(data, *last_versioned) +
                    " to " + VersionLabel(data, cur) + " at " + FormatClock(cur.ts_ms, true);
        events.push_back(std::move(e));
      }
      last_versioned = &cur;
    }
    if (cur.instance != 0) {
      if (last_instanced != nullptr && last_instanced->instance != cur.instance) {
        IntegrityEvent e{IntegrityEvent::Kind::kLeaderChange, cur.ts_ms, last_instanced->ts_ms,
                         0, i, -1, -1, ""};
        e.message = "controller instance changed from " +
                    data.strings.Get(last_instanced->instance) + " to " +
                    data.strings.Get(cur.instance) + " at " + FormatClock(cur.ts_ms, true) +
                    " (leader change)";
        events.push_back(std::move(e));
      }
      last_instanced = &cur;
    }
  }
  return events;
}

}  // namespace slo::controller::audit
