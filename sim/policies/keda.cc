// The KEDA baseline: a Prometheus trigger whose query is the fleet's queue depth + requests
// running (sum(vllm:num_requests_waiting) + sum(vllm:num_requests_running)), metricType
// AverageValue with `threshold`. KEDA hands it to an HPA as an External metric: desired =
// ceil(metric / threshold), held within the HPA tolerance of metric / (threshold × current),
// through HPA default behavior (15 s sync). KEDA's own loop polls every pollingInterval (30 s)
// for activation (metric > activationThreshold 0) and scales to zero only when minReplicaCount
// is 0 and the trigger was inactive for cooldownPeriod (300 s). The HPA KEDA creates has
// minReplicas = max(1, minReplicaCount).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "policies/stabilizer.h"
#include "sim/policies/baselines.h"

namespace slo::sim {

int32_t KedaRecommend(int32_t current, double metric, double threshold, double tolerance) {
  if (current > 0) {
    const double ratio = metric / (threshold * current);
    if (std::fabs(1.0 - ratio) <= tolerance) return current;
  }
  return static_cast<int32_t>(std::ceil(metric / threshold));
}

namespace {

class KedaPolicy : public SimPolicy {
 public:
  KedaPolicy(const policies::ScalingConfig& config, double threshold, double interval_s,
             double polling_s, double cooldown_s)
      : config_(config),
        threshold_(threshold),
        interval_s_(interval_s),
        polling_s_(polling_s),
        cooldown_s_(cooldown_s) {}
  std::string name() const override { return "keda"; }
  double interval_s() const override { return interval_s_; }
  void Warm(int32_t replicas, double t_s) override {
    state_.recommendations.push_back({t_s, replicas});
  }

  policies::Decision Decide(const PolicyInputs& in) override {
    policies::Decision d;
    d.inputs = in.obs;
    d.current_replicas = in.obs.current_replicas;
    policies::ModelResult m;
    m.name = "keda";
    if (!policies::IsUsable(in.obs.in_flight) || !policies::IsUsable(in.obs.queue_depth)) {
      m.missing_inputs = {"queueDepth", "inFlight"};
      d.models.push_back(m);
      d.desired_replicas = d.current_replicas;
      d.reason = policies::Reason::kMetricsMissing;
      d.limits.push_back(policies::Limit::kMissingDataHold);
      d.message = "keda: trigger metric missing; hold";
      return d;
    }
    const double metric = *in.obs.in_flight + *in.obs.queue_depth;
    const int32_t current = d.current_replicas;
    // KEDA's polling loop: activity check every pollingInterval.
    if (in.now_s + 1e-9 >= next_poll_s_) {
      next_poll_s_ = in.now_s + polling_s_;
      if (metric > 0) last_active_s_ = in.now_s;
    }
    int32_t raw = 0;
    int32_t desired = 0;
    char buf[200];
    if (current == 0) {
      raw = metric > 0 ? 1 : 0;  // activation 0 -> 1; the HPA is inactive at zero
      desired = raw;
      std::snprintf(buf, sizeof(buf), "keda: scaled to zero, trigger %.1f: %s", metric,
                    raw > 0 ? "activate" : "stay at zero");
    } else if (config_.min_replicas == 0 && metric <= 0 &&
               in.now_s - last_active_s_ >= cooldown_s_) {
      raw = 0;
      desired = 0;
      std::snprintf(buf, sizeof(buf), "keda: trigger inactive for %.0f s >= cooldown %.0f s",
                    in.now_s - last_active_s_, cooldown_s_);
    } else {
      raw = KedaRecommend(current, metric, threshold_, config_.behavior.tolerance);
      const auto st = policies::Stabilize(config_.behavior, std::max(1, config_.min_replicas),
                                          config_.max_replicas, current, raw, state_, in.now_s);
      desired = st.desired;
      std::snprintf(buf, sizeof(buf), "keda: queue+running %.1f / threshold %.2f = %.2f per replica",
                    metric, threshold_, metric / threshold_);
    }
    policies::RecordScaleEvent(config_.behavior, state_, current, desired, in.now_s);
    m.replicas = raw;
    m.detail = {{"metric", metric}, {"threshold", threshold_}};
    m.note = buf;
    d.models.push_back(m);
    d.binding_model = "keda";
    FinishBaselineDecision(d, raw, desired, config_, buf);
    return d;
  }

 private:
  policies::ScalingConfig config_;
  double threshold_;
  double interval_s_;
  double polling_s_;
  double cooldown_s_;
  double next_poll_s_ = 0;
  double last_active_s_ = 0;
  policies::StabilizerState state_;
};

}  // namespace

std::unique_ptr<SimPolicy> MakeKedaPolicy(const policies::ScalingConfig& config, double threshold,
                                          double interval_s, double polling_s, double cooldown_s) {
  return std::make_unique<KedaPolicy>(config, threshold, interval_s, polling_s, cooldown_s);
}

}  // namespace slo::sim
