// The clairvoyant oracle: knows the trace. For every bucket (default 10 s) of the future it knows
// the arrival rate and the mean service and prefill times the service model will give, and sizes
// each bucket with the policies' M/G/c tail model (policies::MinReplicasForSlo, the trace-wide
// service-time SCV). At time t it asks for the largest need over [t, t + lead], lead = startup
// (+ node provisioning) + its interval, so replicas are ready when the load arrives; it scales
// down at once (drained replicas stop costing). A lower bound on cost for a reactive policy.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/policies/baselines.h"

namespace slo::sim {
namespace {

class OraclePolicy : public SimPolicy {
 public:
  OraclePolicy(const policies::ScalingConfig& config, const OracleWorld& world, double bucket_s)
      : config_(config), bucket_s_(bucket_s), lead_s_(world.lead_s) {
    const auto& reqs = world.trace->requests;
    const double end_s = reqs.empty() ? 0 : reqs.back().arrival_s;
    const auto n = static_cast<size_t>(std::floor(end_s / bucket_s)) + 1;
    std::vector<double> count(n, 0), service(n, 0), prefill(n, 0);
    double sum = 0, sq = 0;
    const int c = config.capacity.concurrency_per_replica;
    for (const auto& r : reqs) {
      const auto b = std::min(n - 1, static_cast<size_t>(std::floor(r.arrival_s / bucket_s)));
      const auto parts =
          world.service.Compute(r.input_tokens, r.output_tokens, r.service_s, c, c, 0.5);
      count[b] += 1;
      service[b] += parts.service_s;
      prefill[b] += parts.prefill_s;
      sum += parts.service_s;
      sq += parts.service_s * parts.service_s;
    }
    const double total = static_cast<double>(reqs.size());
    scv_ = 1.0;
    if (total >= 2 && sum > 0) {
      const double mean = sum / total;
      scv_ = std::max(0.0, sq / total - mean * mean) / (mean * mean);
    }
    need_.resize(n, 0);
    for (size_t b = 0; b < n; ++b) {
      if (count[b] == 0) continue;
      need_[b] = OracleNeed(config, count[b] / bucket_s, service[b] / count[b], scv_,
                            prefill[b] / count[b]);
    }
  }
  std::string name() const override { return "oracle"; }
  double interval_s() const override { return bucket_s_; }
  bool NeedsWarmWindow() const override { return false; }

  // The need over [t, t + lead].
  int32_t NeedAt(double t_s) const {
    if (need_.empty()) return 0;
    const auto from = static_cast<size_t>(std::max(0.0, std::floor(t_s / bucket_s_)));
    const auto to = static_cast<size_t>(std::max(0.0, std::floor((t_s + lead_s_) / bucket_s_)));
    int32_t need = 0;
    for (size_t b = from; b <= to && b < need_.size(); ++b) need = std::max(need, need_[b]);
    return need;
  }

  policies::Decision Decide(const PolicyInputs& in) override {
    policies::Decision d;
    d.inputs = in.obs;
    d.current_replicas = in.obs.current_replicas;
    const int32_t raw = NeedAt(in.now_s);
    const int32_t desired = std::clamp(raw, config_.min_replicas,
                                       std::max(config_.min_replicas, config_.max_replicas));
    policies::ModelResult m;
    m.name = "oracle";
    m.replicas = raw;
    m.detail = {{"lookaheadSeconds", lead_s_}, {"bucketSeconds", bucket_s_}, {"serviceTimeScv", scv_}};
    char buf[160];
    std::snprintf(buf, sizeof(buf), "oracle: peak need over the next %.0f s of the trace is %d",
                  lead_s_, raw);
    m.note = buf;
    d.models.push_back(m);
    d.binding_model = "oracle";
    FinishBaselineDecision(d, raw, desired, config_, buf);
    return d;
  }

 private:
  policies::ScalingConfig config_;
  double bucket_s_;
  double lead_s_;
  double scv_ = 1;
  std::vector<int32_t> need_;
};

}  // namespace

std::unique_ptr<SimPolicy> MakeOraclePolicy(const policies::ScalingConfig& config,
                                            const OracleWorld& world, double bucket_s) {
  return std::make_unique<OraclePolicy>(config, world, bucket_s);
}

}  // namespace slo::sim
