// The Knative Pod Autoscaler baseline (knative/serving pkg/autoscaler/scaling/autoscaler.go,
// Scale()): concurrency target per pod = containerConcurrency (concurrencyPerReplica) ×
// target utilisation (70 %); observed total concurrency averaged over the 60 s stable window and
// the 6 s panic window (10 % of stable), read every 2 s tick from the queue-proxies (here: the
// fleet's per-second concurrency integral, queued + running, as the queue-proxy counts requests
// it holds); dspc = ceil(stable / target), dppc = ceil(panic / target), both clamped to
// [floor(ready / maxScaleDownRate 2), ceil(ready × maxScaleUpRate 1000)]; panic when
// dppc / ready >= 200 %, extended while over, left after a stable window below; in panic the
// count never decreases.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/policies/baselines.h"

namespace slo::sim {

KpaStep KpaScale(const KpaSpec& spec, KpaState& state, int32_t ready_pods_in, double stable_total,
                 double panic_total, double now_s) {
  const double ready = std::max(1.0, static_cast<double>(ready_pods_in));
  const double max_up = std::ceil(spec.max_scale_up_rate * ready);
  const double max_down = std::floor(ready / spec.max_scale_down_rate);
  const double dspc = std::ceil(stable_total / spec.target_value);
  const double dppc = std::ceil(panic_total / spec.target_value);
  KpaStep step;
  step.stable_pods = static_cast<int32_t>(std::min(std::max(dspc, max_down), max_up));
  step.panic_pods = static_cast<int32_t>(std::min(std::max(dppc, max_down), max_up));
  const bool over = dppc / ready >= spec.panic_threshold;
  if (!state.panic_time_s && over) {
    state.panic_time_s = now_s;
  } else if (over) {
    state.panic_time_s = now_s;
  } else if (state.panic_time_s && *state.panic_time_s + spec.stable_window_s < now_s) {
    state.panic_time_s.reset();
    state.max_panic_pods = 0;
  }
  int32_t desired = step.stable_pods;
  if (state.panic_time_s) {
    desired = std::max(desired, step.panic_pods);
    if (desired > state.max_panic_pods) state.max_panic_pods = desired;
    desired = state.max_panic_pods;
    step.panicking = true;
  }
  step.desired = desired;
  return step;
}

namespace {

class KpaPolicy : public SimPolicy {
 public:
  KpaPolicy(const policies::ScalingConfig& config, double target_util, const PolicyOptions& o)
      : config_(config), tick_s_(o.kpa_tick_s) {
    spec_.target_value = config.capacity.concurrency_per_replica * target_util;
    spec_.panic_threshold = o.kpa_panic_threshold_pct / 100.0;
    spec_.max_scale_up_rate = o.kpa_max_scale_up_rate;
    spec_.max_scale_down_rate = o.kpa_max_scale_down_rate;
    spec_.stable_window_s = o.kpa_stable_window_s;
    panic_window_s_ = o.kpa_stable_window_s * o.kpa_panic_window_pct / 100.0;
  }
  std::string name() const override { return "kpa"; }
  double interval_s() const override { return tick_s_; }

  policies::Decision Decide(const PolicyInputs& in) override {
    policies::Decision d;
    d.inputs = in.obs;
    d.current_replicas = in.obs.current_replicas;
    policies::ModelResult m;
    m.name = "kpa";
    const auto& integral = *in.concurrency_integral;
    const auto now = static_cast<int64_t>(std::floor(in.now_s + 1e-9));
    if (integral.empty() || now <= 0) {
      m.missing_inputs.push_back("concurrency");
      d.models.push_back(m);
      d.desired_replicas = d.current_replicas;
      d.reason = policies::Reason::kMetricsMissing;
      d.limits.push_back(policies::Limit::kMissingDataHold);
      d.message = "kpa: no concurrency data yet; hold";
      return d;
    }
    const int64_t last = std::min<int64_t>(now, static_cast<int64_t>(integral.size()) - 1);
    auto average = [&](double window_s) {
      const int64_t from = std::max<int64_t>(0, last - static_cast<int64_t>(std::lround(window_s)));
      if (last <= from) return 0.0;
      return (integral[static_cast<size_t>(last)] - integral[static_cast<size_t>(from)]) /
             static_cast<double>(last - from);
    };
    const double stable = average(spec_.stable_window_s);
    const double panic = average(panic_window_s_);
    const KpaStep step = KpaScale(spec_, state_, in.fleet->ready(), stable, panic, in.now_s);
    const int32_t desired =
        std::clamp(step.desired, config_.min_replicas, std::max(config_.min_replicas,
                                                                config_.max_replicas));
    m.replicas = step.desired;
    m.detail = {{"stableConcurrency", stable}, {"panicConcurrency", panic},
                {"targetPerPod", spec_.target_value}, {"stablePods", step.stable_pods},
                {"panicPods", step.panic_pods}, {"panicking", step.panicking ? 1.0 : 0.0}};
    char buf[200];
    std::snprintf(buf, sizeof(buf),
                  "kpa: concurrency stable %.1f / panic %.1f, target %.1f per pod, %s mode",
                  stable, panic, spec_.target_value, step.panicking ? "panic" : "stable");
    m.note = buf;
    d.models.push_back(m);
    d.binding_model = "kpa";
    FinishBaselineDecision(d, step.desired, desired, config_, buf);
    return d;
  }

 private:
  policies::ScalingConfig config_;
  KpaSpec spec_;
  KpaState state_;
  double tick_s_;
  double panic_window_s_ = 6;
};

}  // namespace

std::unique_ptr<SimPolicy> MakeKpaPolicy(const policies::ScalingConfig& config, double target_util,
                                         const PolicyOptions& options) {
  return std::make_unique<KpaPolicy>(config, target_util, options);
}

}  // namespace slo::sim
