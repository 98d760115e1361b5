// controller/k8s/retry.h: when to retry a failed API call and how long to wait first.
//
// Pure: the random source and the elapsed time are arguments, so a table test pins every
// delay. Exponential backoff with jitter, Retry-After honoured, bounded attempts and total time.
//
//   delay(n) = min(max_delay, base_delay * 2^(n-1)) * (1 - jitter * u),  u in [0, 1)
//
// where n is the number of failed attempts so far (1 after the first failure). When the server
// sent Retry-After: S (seconds) the delay is max(S, delay(n)) capped at max_retry_after. No retry
// when attempts >= max_attempts or when elapsed + delay would exceed max_total.
//
// Example:
//   RetryPolicy policy;                     // defaults below
//   std::mt19937_64 rng(42);
//   Backoff backoff(policy, [&] { return std::uniform_real_distribution<>(0, 1)(rng); });
//   auto wait = backoff.Next(/*failed_attempts=*/1, /*retry_after_s=*/-1, /*elapsed=*/0ms);
//   if (wait) sleep(*wait); else give up;
//
// Units: std::chrono::milliseconds throughout; Retry-After in whole seconds.
// Thread-safety: Backoff is immutable after construction except for the random source, which
// must itself be safe if one Backoff is shared across threads (KubeClient locks around it).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

namespace slo::controller::k8s {

struct RetryPolicy {
  int max_attempts = 5;  // total attempts including the first
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{5000};
  std::chrono::milliseconds max_retry_after{30000};  // cap on a server's Retry-After
  std::chrono::milliseconds max_total{30000};        // no retry would start after this
  double jitter = 0.5;                               // fraction of the delay that is random
};

class Backoff {
 public:
  // uniform01 returns values in [0, 1).
  Backoff(RetryPolicy policy, std::function<double()> uniform01)
      : policy_(policy), uniform01_(std::move(uniform01)) {}

  // The delay before attempt failed_attempts+1, or nullopt to give up.
  std::optional<std::chrono::milliseconds> Next(int failed_attempts, int retry_after_s,
                                                std::chrono::milliseconds elapsed) const;

  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  std::function<double()> uniform01_;
};

// Parses a Retry-After header given in delta-seconds ("3"); -1 for anything else (HTTP dates
// are not used by the Kubernetes API server).
int ParseRetryAfterSeconds(std::string_view header);

}  // namespace slo::controller::k8s
