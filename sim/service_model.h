// sim/service_model.h: how long one request occupies a batch slot.
//
// When the trace has service_s, that is the in-service time and prefill is
// prefill_fraction_of_service_s (default: the policies' CapacitySpec.prefill_fraction) of it.
// Otherwise the token model:
//   prefill_s = overhead_s + input_tokens  * prefill_s_per_token
//   decode_s  = output_tokens * decode_s_per_token * (1 + batch_slowdown * (k - 1) / (c - 1))
//   service_s = (prefill_s + decode_s) * jitter,   jitter = 1 + service_jitter * (2u - 1)
// where k is the number of requests on the replica including this one and c its batch slots.
// First token time = start + prefill_s * jitter. Defaults (README.md ("slo-autoscaler simulate")): one
// NVIDIA H100 80GB serving Llama-3.1-8B (BF16) with vLLM at batch ~16.
//
// Units: seconds, tokens. Thread-safety: pure value type.
#pragma once

#include <cstdint>
#include <optional>

namespace slo::sim {

struct ServiceModel {
  double overhead_s = 0.02;             // scheduling, tokenisation, HTTP, per request
  double prefill_s_per_token = 0.00015; // ~6,700 prompt tokens/s per request under batching
  double decode_s_per_token = 0.020;    // TPOT ~20 ms at batch ~16
  double batch_slowdown = 0.0;          // extra decode time at a full batch (0 = none)
  double service_jitter = 0.0;          // +-share of uniform noise on the service time (seeded)
  double prefill_fraction_of_service = 0.1;  // for traces with service_s

  struct Parts {
    double prefill_s = 0;
    double service_s = 0;
  };
  // k = requests on the replica including this one, c = batch slots, u in [0,1) for jitter.
  Parts Compute(int64_t input_tokens, int64_t output_tokens, std::optional<double> trace_service_s,
                int k, int c, double u) const {
    Parts p;
    if (trace_service_s) {
      p.service_s = *trace_service_s;
      p.prefill_s = *trace_service_s * prefill_fraction_of_service;
      return p;
    }
    double slow = 1.0;
    if (batch_slowdown > 0 && c > 1) slow += batch_slowdown * (k - 1) / static_cast<double>(c - 1);
    const double prefill = overhead_s + static_cast<double>(input_tokens) * prefill_s_per_token;
    const double decode = static_cast<double>(output_tokens) * decode_s_per_token * slow;
    const double jitter = 1.0 + service_jitter * (2.0 * u - 1.0);
    p.prefill_s = prefill * jitter;
    p.service_s = (prefill + decode) * jitter;
    return p;
  }
};

}  // namespace slo::sim
