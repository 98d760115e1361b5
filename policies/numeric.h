// policies/numeric.h: small numeric and formatting helpers shared by the capacity models.
//
// CeilReplicas() turns a real replica need into an integer count: it rounds up, forgives
// floating-point noise (11.2 / 11.2 may come out as 1.0000000000000002), and saturates at
// kReplicaCeiling so a huge arrival rate never overflows int32. Fmt() formats a number for a
// decision message ("12.4", "0.0031", "1.2e+06").
//
// Example:
//   int32_t r = CeilReplicas(13.6 / (16 * 0.7));  // 2
//   std::string s = Fmt(12.4);                     // "12.4"
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace slo::policies {

// The largest replica count a model reports; larger needs saturate here (int32-safe).
inline constexpr int32_t kReplicaCeiling = 1'000'000'000;

// ceil(x) tolerant of relative floating-point noise (1e-9), clamped to [0, kReplicaCeiling].
// NaN gives 0.
int32_t CeilReplicas(double x);

// A number with up to 3 significant decimals ("12.4", "1.10" is printed "1.1", "0.00312").
std::string Fmt(double x);

}  // namespace slo::policies
