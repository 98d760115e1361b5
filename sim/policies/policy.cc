#include "sim/policies/policy.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "policies/erlang.h"
#include "sim/policies/baselines.h"

namespace slo::sim {

using policies::Reason;

void FinishBaselineDecision(policies::Decision& d, int32_t raw, int32_t desired,
                            const policies::ScalingConfig& config, const std::string& why) {
  const int32_t current = d.current_replicas;
  d.recommended_replicas = raw;
  d.desired_replicas = desired;
  const int32_t clamped = std::clamp(raw, config.min_replicas, std::max(config.min_replicas,
                                                                        config.max_replicas));
  if (raw > config.max_replicas && desired == config.max_replicas) {
    d.limits.push_back(policies::Limit::kMaxReplicas);
  }
  if (raw < config.min_replicas && desired == config.min_replicas) {
    d.limits.push_back(policies::Limit::kMinReplicas);
  }
  if (desired > current) {
    if (desired < clamped) {
      d.reason = Reason::kScaleUpLimited;
      d.limits.push_back(policies::Limit::kScaleUpRate);
    } else {
      d.reason = desired == config.max_replicas && raw > desired ? Reason::kAtMaxReplicas
                                                                 : Reason::kScaleUp;
    }
  } else if (desired < current) {
    if (desired > clamped) {
      d.reason = Reason::kScaleDownLimited;
      d.limits.push_back(policies::Limit::kScaleDownRate);
    } else {
      d.reason = desired == config.min_replicas && raw < desired ? Reason::kAtMinReplicas
                                                                 : Reason::kScaleDown;
    }
  } else if (clamped == current) {
    d.reason = raw > config.max_replicas   ? Reason::kAtMaxReplicas
               : raw < config.min_replicas ? Reason::kAtMinReplicas
                                           : Reason::kSteady;
  } else if (clamped > current) {
    d.reason = Reason::kScaleUpStabilized;
    d.limits.push_back(policies::Limit::kScaleUpStabilization);
  } else {
    d.reason = Reason::kScaleDownStabilized;
    d.limits.push_back(policies::Limit::kScaleDownStabilization);
  }
  char buf[96];
  std::snprintf(buf, sizeof(buf), "; recommends %d, desired %d (was %d)", raw, desired, current);
  d.message = why + buf;
}

int32_t OracleNeed(const policies::ScalingConfig& config, double arrival_rate_rps,
                   double service_time_s, double service_time_scv, double prefill_time_s) {
  if (!(arrival_rate_rps > 0) || !(service_time_s > 0)) return 0;
  double inside = 0;
  switch (config.slo.latency_metric) {
    case policies::LatencyMetric::kTtft:
      inside = prefill_time_s;
      break;
    case policies::LatencyMetric::kE2e:
      inside = service_time_s;
      break;
    case policies::LatencyMetric::kQueueWait:
      inside = 0;
      break;
  }
  policies::MgcQueue q{arrival_rate_rps, service_time_s, service_time_scv};
  policies::TailSlo slo{config.slo.latency_threshold_s - inside, config.slo.latency_percentile};
  const auto sizing =
      policies::MinReplicasForSlo(q, slo, config.capacity.concurrency_per_replica);
  if (sizing.unreachable) return config.max_replicas;
  return sizing.replicas;
}

namespace {

class FixedPolicy : public SimPolicy {
 public:
  FixedPolicy(int32_t n, double interval_s) : n_(n), interval_s_(interval_s) {}
  std::string name() const override { return "fixed:" + std::to_string(n_); }
  double interval_s() const override { return interval_s_; }
  policies::Decision Decide(const PolicyInputs& in) override {
    policies::Decision d;
    d.inputs = in.obs;
    d.current_replicas = in.obs.current_replicas;
    policies::ModelResult m;
    m.name = "fixed";
    m.replicas = n_;
    m.note = "fixed replica count " + std::to_string(n_);
    d.models.push_back(m);
    d.binding_model = "fixed";
    d.recommended_replicas = n_;
    d.desired_replicas = n_;
    d.reason = n_ == d.current_replicas ? Reason::kSteady
               : n_ > d.current_replicas ? Reason::kScaleUp
                                         : Reason::kScaleDown;
    d.message = "fixed: " + std::to_string(n_) + " replicas";
    return d;
  }

 private:
  int32_t n_;
  double interval_s_;
};

}  // namespace

MakePolicyResult MakePolicy(const PolicyOptions& o, const policies::ScalingConfig& config,
                            const OracleWorld& world) {
  MakePolicyResult r;
  const double util = o.target_utilization.value_or(config.slo.target_utilization);
  if (!(util > 0 && util <= 1)) {
    r.error = "--target-utilization: must be > 0 and <= 1";
    return r;
  }
  if (o.name == "slo") {
    r.policy = MakeSloPolicy(config, o.decision_interval_s);
  } else if (o.name == "hpa") {
    r.policy = MakeHpaPolicy(config, util, o.decision_interval_s);
  } else if (o.name == "keda") {
    const double threshold =
        o.keda_threshold.value_or(config.capacity.concurrency_per_replica * util);
    if (!(threshold > 0)) {
      r.error = "--keda-threshold: must be > 0";
      return r;
    }
    r.policy = MakeKedaPolicy(config, threshold, o.decision_interval_s, o.keda_polling_s,
                              o.keda_cooldown_s);
  } else if (o.name == "kpa") {
    r.policy = MakeKpaPolicy(config, util, o);
  } else if (o.name == "oracle") {
    if (world.trace == nullptr || !(o.oracle_bucket_s > 0)) {
      r.error = "--policy oracle: needs the trace and a positive --oracle-bucket";
      return r;
    }
    r.policy = MakeOraclePolicy(config, world, o.oracle_bucket_s);
  } else if (o.name.starts_with("fixed:")) {
    int32_t n = -1;
    const std::string_view num = std::string_view(o.name).substr(6);
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
    if (ec != std::errc() || ptr != num.data() + num.size() || n < 0) {
      r.error = "--policy: fixed:N needs a replica count N >= 0, got '" + o.name + "'";
      return r;
    }
    r.fixed_replicas = n;
    r.policy = std::make_unique<FixedPolicy>(n, o.decision_interval_s);
  } else {
    r.error = "--policy: unknown policy '" + o.name + "' (slo, hpa, keda, kpa, oracle, fixed:N)";
  }
  return r;
}

}  // namespace slo::sim
