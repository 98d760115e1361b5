#include "controller/k8s/retry.h"

#include <algorithm>
#include <cmath>

namespace slo::controller::k8s {

std::optional<std::chrono::milliseconds> Backoff::Next(int failed_attempts, int retry_after_s,
                                                       std::chrono::milliseconds elapsed) const {
  using std::chrono::milliseconds;
  if (failed_attempts < 1) failed_attempts = 1;
  if (failed_attempts >= policy_.max_attempts) return std::nullopt;
  double exp_ms = static_cast<double>(policy_.base_delay.count()) *
                  std::pow(2.0, std::min(failed_attempts - 1, 30));
  exp_ms = std::min(exp_ms, static_cast<double>(policy_.max_delay.count()));
  double u = uniform01_ ? uniform01_() : 0.0;
  u = std::clamp(u, 0.0, 1.0);
  double jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  milliseconds delay(static_cast<int64_t>(exp_ms * (1.0 - jitter * u)));
  if (retry_after_s >= 0) {
    milliseconds server(static_cast<int64_t>(retry_after_s) * 1000);
    server = std::min(server, policy_.max_retry_after);
    delay = std::max(delay, server);
  }
  if (elapsed + delay > policy_.max_total) return std::nullopt;
  return delay;
}

int ParseRetryAfterSeconds(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  if (header.empty() || header.size() > 9) return -1;
  int value = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace slo::controller::k8s
