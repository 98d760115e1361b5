// controller/audit/plot.h: an SVG timeline of the decisions (`audit --plot FILE`).
//
// One panel per target, stacked: replicas over time (current as a solid step line, desired as a
// dashed one), then the inputs (arrival rate in req/s on the left axis, queue depth on the right
// axis). Missing inputs break the line. Gaps and unexplained changes are red ticks, controller
// changes grey ticks. Long logs are thinned to at most a few points per pixel column.
//
// Example:
//   std::string svg = PlotSvg(data, events);
//
// Thread-safety: pure.
#pragma once

#include <string>
#include <vector>

#include "controller/audit/integrity.h"
#include "controller/audit/reader.h"

namespace slo::controller::audit {

std::string PlotSvg(const LogData& data, const std::vector<IntegrityEvent>& events);

}  // namespace slo::controller::audit
