// The `slo` policy: this project's controller logic, policies::Decide(), called exactly as the
// controller's reconcile loop calls it (same function, same state type), on the Observation the
// simulated Prometheus view produced.
#include "policies/recommend.h"
#include "sim/policies/baselines.h"

namespace slo::sim {
namespace {

class SloPolicy : public SimPolicy {
 public:
  SloPolicy(const policies::ScalingConfig& config, double interval_s)
      : config_(config), interval_s_(interval_s) {}
  std::string name() const override { return "slo"; }
  double interval_s() const override { return interval_s_; }
  void Warm(int32_t replicas, double t_s) override {
    state_.recommendations.push_back({t_s, replicas});
  }
  policies::Decision Decide(const PolicyInputs& in) override {
    return policies::Decide(config_, in.obs, state_, in.now_s);
  }

 private:
  policies::ScalingConfig config_;
  double interval_s_;
  policies::StabilizerState state_;
};

}  // namespace

std::unique_ptr<SimPolicy> MakeSloPolicy(const policies::ScalingConfig& config, double interval_s) {
  return std::make_unique<SloPolicy>(config, interval_s);
}

}  // namespace slo::sim
