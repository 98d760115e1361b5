// controller/audit/format.h: number formatting shared by the audit views.
//
// Example: FormatNumber(13.64) == "13.6"; FormatNumber(0.0123) == "0.0123";
//          FormatNumber(NAN) == "n/a"; FormatNumber(1200) == "1200".
// Thread-safety: pure.
#pragma once

#include <cstdint>
#include <string>

namespace slo::controller::audit {

// Up to 3 significant digits after the point for small values, no trailing zeros; "n/a" for NaN.
std::string FormatNumber(double v);

// FormatNumber for JSON-less contexts where an integer count reads better ("-" for < 0).
std::string FormatCount(int64_t v);

}  // namespace slo::controller::audit
