// sim/policies/policy.h: the autoscaling policies the simulator compares.
//
// A SimPolicy is asked for a Decision every interval_s() seconds of simulated time. It sees what
// the controller would see (a policies::Observation built by sim::Observer from scraped
// counters), plus, for the baselines whose real implementations measure differently, what they
// measure: Knative's KPA reads per-second concurrency from its queue-proxies (concurrency
// integrals); the oracle reads the future of the trace (that is what makes it an oracle).
//
//   slo         policies::Decide(), the controller's own code path
//   hpa         Kubernetes HPA v2 on in-flight/capacity utilisation   (sim/policies/hpa.cc)
//   keda        KEDA Prometheus trigger on queue + in-flight, AverageValue (sim/policies/keda.cc)
//   kpa         Knative Pod Autoscaler, stable/panic windows           (sim/policies/kpa.cc)
//   oracle      clairvoyant Erlang-C/M/G/c sizing ahead of startup      (sim/policies/oracle.cc)
//   fixed:N     N replicas, never changes (validation runs)
//
// Example:
//   auto p = MakePolicy(spec, env);  if (!p.policy) error(p.error);
//   Decision d = p.policy->Decide(inputs);
//
// Thread-safety: a policy holds per-run state; one per simulation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "policies/decision.h"
#include "policies/types.h"
#include "sim/fleet.h"
#include "sim/trace.h"

namespace slo::sim {

struct PolicyInputs {
  double now_s = 0;
  policies::Observation obs;                            // the Prometheus view
  const Fleet* fleet = nullptr;                         // KPA's direct view (ready pods)
  const std::vector<double>* concurrency_integral = nullptr;  // [s] = integral of queue+running
};

class SimPolicy {
 public:
  virtual ~SimPolicy() = default;
  virtual std::string name() const = 0;
  virtual double interval_s() const = 0;
  virtual policies::Decision Decide(const PolicyInputs& in) = 0;
  // The fleet starts with `replicas` ready at t_s as if the policy had been running and asking
  // for them: policies with HPA behavior record that recommendation so their scale-down window
  // does not collapse the warm fleet on the first decision.
  virtual void Warm(int32_t /*replicas*/, double /*t_s*/) {}
  // Whether the first decision waits for a full rate window of scraped data.
  virtual bool NeedsWarmWindow() const { return true; }
};

// Knobs of the baselines (flags of `simulate`).
struct PolicyOptions {
  std::string name = "slo";             // slo | hpa | keda | kpa | oracle | fixed:N
  double decision_interval_s = 15;      // slo and hpa (HPA sync period)
  std::optional<double> target_utilization;  // hpa / kpa; default: spec.slo.targetUtilization
  std::optional<double> keda_threshold;      // keda AverageValue; default concurrency * util
  double keda_polling_s = 30;
  double keda_cooldown_s = 300;
  double kpa_stable_window_s = 60;
  double kpa_panic_window_pct = 10;
  double kpa_panic_threshold_pct = 200;
  double kpa_max_scale_up_rate = 1000;
  double kpa_max_scale_down_rate = 2;
  double kpa_tick_s = 2;
  double oracle_bucket_s = 10;
};

// What the oracle needs to know of the world.
struct OracleWorld {
  const Trace* trace = nullptr;
  ServiceModel service;
  double lead_s = 0;  // startup (+ node provisioning) + interval
};

struct MakePolicyResult {
  std::unique_ptr<SimPolicy> policy;
  std::optional<int32_t> fixed_replicas;  // set for fixed:N
  std::string error;
};

MakePolicyResult MakePolicy(const PolicyOptions& options, const policies::ScalingConfig& config,
                            const OracleWorld& world);

// Fills reason, limits, desired and message of a baseline's decision from its raw answer and
// the stabiliser's result.
void FinishBaselineDecision(policies::Decision& d, int32_t raw, int32_t desired,
                            const policies::ScalingConfig& config, const std::string& why);

// Oracle sizing for a planned rate: the smallest replica count meeting the SLO.
int32_t OracleNeed(const policies::ScalingConfig& config, double arrival_rate_rps,
                   double service_time_s, double service_time_scv, double prefill_time_s);

}  // namespace slo::sim
