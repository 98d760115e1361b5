// The Kubernetes HPA v2 baseline: a Pods metric (requests running per pod) with a utilisation
// target, 15 s sync, HPA default behavior through policies::Stabilize (same rules as the HPA's
// normalizeDesiredReplicasWithBehaviors). See README.md ("slo-autoscaler simulate") for the sources.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "policies/stabilizer.h"
#include "sim/policies/baselines.h"

namespace slo::sim {

int32_t HpaRecommend(const HpaInput& in) {
  if (in.ready <= 0 || !(in.capacity_per_pod > 0) || !(in.target > 0)) return in.current;
  const double per_pod_target = in.capacity_per_pod * in.target;
  const double usage_ratio = in.metric_total / in.ready / per_pod_target;
  if (in.starting <= 0) {
    if (std::fabs(1.0 - usage_ratio) <= in.tolerance) return in.current;
    return static_cast<int32_t>(std::ceil(usage_ratio * in.ready));
  }
  // Missing pods: on scale up they count as using 0, on scale down as using the target; if the
  // rebalanced ratio is within tolerance or changes direction, hold.
  const int32_t pods = in.ready + in.starting;
  double total = in.metric_total;
  if (usage_ratio < 1.0) total += in.starting * per_pod_target;
  const double new_ratio = total / pods / per_pod_target;
  if (std::fabs(1.0 - new_ratio) <= in.tolerance || (usage_ratio > 1.0 && new_ratio < 1.0) ||
      (usage_ratio < 1.0 && new_ratio > 1.0)) {
    return in.current;
  }
  return static_cast<int32_t>(std::ceil(new_ratio * pods));
}

namespace {

class HpaPolicy : public SimPolicy {
 public:
  HpaPolicy(const policies::ScalingConfig& config, double target, double interval_s)
      : config_(config), target_(target), interval_s_(interval_s) {}
  std::string name() const override { return "hpa"; }
  double interval_s() const override { return interval_s_; }
  void Warm(int32_t replicas, double t_s) override {
    state_.recommendations.push_back({t_s, replicas});
  }

  policies::Decision Decide(const PolicyInputs& in) override {
    policies::Decision d;
    d.inputs = in.obs;
    d.current_replicas = in.obs.current_replicas;
    policies::ModelResult m;
    m.name = "hpa";
    if (!policies::IsUsable(in.obs.in_flight)) {
      m.missing_inputs.push_back("inFlight");
      d.models.push_back(m);
      d.recommended_replicas = std::nullopt;
      d.desired_replicas = d.current_replicas;
      d.reason = policies::Reason::kMetricsMissing;
      d.limits.push_back(policies::Limit::kMissingDataHold);
      d.message = "hpa: in-flight metric missing; hold";
      return d;
    }
    HpaInput h;
    h.current = d.current_replicas;
    h.ready = in.fleet->ready();
    h.starting = in.fleet->starting();
    h.metric_total = *in.obs.in_flight;
    h.capacity_per_pod = config_.capacity.concurrency_per_replica;
    h.target = target_;
    h.tolerance = config_.behavior.tolerance;
    const int32_t raw = HpaRecommend(h);
    const double util = h.ready > 0 ? h.metric_total / (h.ready * h.capacity_per_pod) : 0;
    m.replicas = raw;
    m.detail = {{"utilization", util},
                {"targetUtilization", target_},
                {"readyPods", h.ready},
                {"missingPods", h.starting}};
    char buf[160];
    std::snprintf(buf, sizeof(buf), "in-flight %.1f over %d ready pods x %d slots = %.3f of target %.2f",
                  h.metric_total, h.ready, config_.capacity.concurrency_per_replica, util, target_);
    m.note = buf;
    d.models.push_back(m);
    d.binding_model = "hpa";
    const auto st = policies::Stabilize(config_.behavior, config_.min_replicas,
                                        config_.max_replicas, h.current, raw, state_, in.now_s);
    policies::RecordScaleEvent(config_.behavior, state_, h.current, st.desired, in.now_s);
    FinishBaselineDecision(d, raw, st.desired, config_, std::string("hpa: ") + buf);
    if (raw == h.current && util > 0 && std::fabs(util / target_ - 1.0) <= h.tolerance) {
      if (st.desired == h.current) d.reason = policies::Reason::kWithinTolerance;
    }
    return d;
  }

 private:
  policies::ScalingConfig config_;
  double target_;
  double interval_s_;
  policies::StabilizerState state_;
};

}  // namespace

std::unique_ptr<SimPolicy> MakeHpaPolicy(const policies::ScalingConfig& config, double target_util,
                                         double interval_s) {
  return std::make_unique<HpaPolicy>(config, target_util, interval_s);
}

}  // namespace slo::sim
