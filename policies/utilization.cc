#include "policies/utilization.h"

#include <cmath>
#include <string>

#include "policies/numeric.h"

namespace slo::policies {

ModelResult Utilization(const UtilizationInput& in) {
  ModelResult r;
  r.name = "utilization";
  if (!in.in_flight) r.missing_inputs.push_back("inFlight");
  if (in.current_replicas <= 0) r.missing_inputs.push_back("currentReplicas");
  if (in.concurrency_per_replica <= 0) r.missing_inputs.push_back("concurrencyPerReplica");
  if (!(in.target_utilization > 0 && in.target_utilization <= 1)) {
    r.missing_inputs.push_back("targetUtilization");
  }
  if (!r.missing_inputs.empty()) return r;
  const double slots = static_cast<double>(in.current_replicas) * in.concurrency_per_replica;
  const double observed = *in.in_flight / slots;
  const double ratio = observed / in.target_utilization;
  const double tolerance = std::isfinite(in.tolerance) && in.tolerance > 0 ? in.tolerance : 0.0;
  const bool within = std::fabs(ratio - 1.0) <= tolerance + 1e-9;
  r.replicas = within ? in.current_replicas : CeilReplicas(in.current_replicas * ratio);
  r.detail = {{"observedUtilization", observed},
              {"usageRatio", ratio},
              {"withinTolerance", within ? 1.0 : 0.0}};
  r.note = "utilization " + Fmt(*in.in_flight) + "/" + Fmt(slots) + " = " + Fmt(observed * 100) +
           "% vs target " + Fmt(in.target_utilization * 100) + "%" +
           (within ? ": within tolerance" : "") + ": " + std::to_string(*r.replicas) + " replicas";
  return r;
}

}  // namespace slo::policies
