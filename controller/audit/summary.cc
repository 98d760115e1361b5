#include "controller/audit/summary.h"

#include <algorithm>
#include <unordered_map>

namespace slo::controller::audit {

std::vector<TargetSummary> Summarize(const LogData& data,
                                     const std::vector<IntegrityEvent>& events,
                                     int64_t flap_window_ms) {
  struct State {
    TargetSummary s;
    const AuditRecord* prev = nullptr;
    int last_direction = 0;
    int64_t last_event_ms = 0;
    std::vector<uint64_t> reason_counts;  // by interned id
  };
  std::vector<State> states;
  std::unordered_map<uint32_t, size_t> index;
  const auto& recs = data.records;
  if (recs.empty()) return {};
  std::vector<bool> missing_reason(data.strings.size(), false);
  for (uint32_t id = 0; id < data.strings.size(); ++id) {
    const std::string& s = data.strings.Get(id);
    missing_reason[id] = s == "MetricsMissing" || s == "MetricsStale";
  }
  auto close_interval = [&](State& st, int64_t until_ms) {
    const AuditRecord& p = *st.prev;
    const int64_t d = std::max<int64_t>(0, until_ms - p.ts_ms);
    st.s.in_force_ms += d;
    if (p.at_max) st.s.at_max_ms += d;
    if (missing_reason[p.reason]) st.s.metrics_missing_ms += d;
  };
  for (const AuditRecord& r : recs) {
    auto [it, inserted] = index.try_emplace(r.target, states.size());
    if (inserted) {
      states.emplace_back();
      states.back().s.target = r.target;
      states.back().s.first_ms = r.ts_ms;
      states.back().reason_counts.assign(data.strings.size(), 0);
    }
    State& st = states[it->second];
    if (st.prev != nullptr) close_interval(st, r.ts_ms);
    st.prev = &r;
    TargetSummary& s = st.s;
    ++s.decisions;
    s.last_ms = r.ts_ms;
    ++st.reason_counts[r.reason];
    for (int32_t n : {r.current_replicas, r.desired_replicas}) {
      if (n < 0) continue;
      s.min_replicas = s.min_replicas < 0 ? n : std::min(s.min_replicas, n);
      s.max_replicas = std::max(s.max_replicas, n);
    }
    if (r.current_replicas < 0 || r.desired_replicas < 0 ||
        r.desired_replicas == r.current_replicas) {
      continue;
    }
    if (!r.actuated) {
      ++s.unapplied;
      continue;
    }
    const int direction = r.desired_replicas > r.current_replicas ? 1 : -1;
    (direction > 0 ? s.scale_ups : s.scale_downs) += 1;
    if (st.last_direction != 0 && direction != st.last_direction &&
        r.ts_ms - st.last_event_ms <= flap_window_ms) {
      ++s.flaps;
    }
    st.last_direction = direction;
    st.last_event_ms = r.ts_ms;
  }
  const int64_t end_ms = recs.back().ts_ms;
  std::vector<TargetSummary> out;
  for (State& st : states) {
    close_interval(st, end_ms);
    for (uint32_t id = 0; id < st.reason_counts.size(); ++id) {
      if (st.reason_counts[id] > 0) st.s.reasons[data.strings.Get(id)] = st.reason_counts[id];
    }
    out.push_back(std::move(st.s));
  }
  for (const IntegrityEvent& e : events) {
    if (e.kind != IntegrityEvent::Kind::kGap && e.kind != IntegrityEvent::Kind::kUnexplained) {
      continue;
    }
    auto it = index.find(e.target);
    if (it != index.end()) ++out[it->second].gaps;
  }
  std::sort(out.begin(), out.end(), [&](const TargetSummary& a, const TargetSummary& b) {
    return data.strings.Get(a.target) < data.strings.Get(b.target);
  });
  return out;
}

}  // namespace slo::controller::audit
