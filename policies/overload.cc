#include "policies/overload.h"

#include <algorithm>
#include <cmath>

#include "policies/erlang.h"

namespace slo::policies {

OverloadResult AssessOverload(const OverloadInput& in) {
  OverloadResult out;
  if (in.needed_replicas <= in.allowed_replicas) return out;
  Overload o;
  o.shortfall_replicas = in.needed_replicas - std::max(in.allowed_replicas, 0);
  o.shed_fraction = 1.0;  // unknown rate or no capacity: nothing can be promised
  if (in.arrival_rate_rps && *in.arrival_rate_rps > 0 && in.service_time_s &&
      in.concurrency_per_replica > 0) {
    const int64_t servers =
        static_cast<int64_t>(std::max(in.allowed_replicas, 0)) * in.concurrency_per_replica;
    double lambda_max = 0;
    if (in.wait_budget_s) {
      lambda_max = MaxArrivalRateForSlo(servers, *in.service_time_s, in.service_time_scv,
                                        {*in.wait_budget_s, in.latency_percentile});
      out.from_tail_model = true;
    } else if (*in.service_time_s > 0) {
      lambda_max = static_cast<double>(servers) * in.target_utilization / *in.service_time_s;
    } else {
      lambda_max = *in.arrival_rate_rps;
    }
    out.max_arrival_rate_rps = lambda_max;
    o.shed_fraction = std::clamp(1.0 - lambda_max / *in.arrival_rate_rps, 0.0, 1.0);
  }
  out.overload = o;
  return out;
}

}  // namespace slo::policies
