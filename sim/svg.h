// sim/svg.h: a self-contained SVG picture of one simulation: load (arrivals/s and requests in
// the system), replicas (ready, desired, starting) and latency (p99 per minute of arrival, with
// the SLO threshold as a dashed line), over simulated time.
//
// Example:  std::string svg = RenderSvg(result, cfg.slo, "hpa on conv.csv");
//
// Deterministic (fixed formatting). Thread-safety: pure.
#pragma once

#include <string>

#include "policies/types.h"
#include "sim/simulator.h"

namespace slo::sim {

std::string RenderSvg(const SimResult& result, const policies::SloSpec& slo,
                      const std::string& title);

}  // namespace slo::sim
