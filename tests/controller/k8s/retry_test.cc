#include "controller/k8s/retry.h"

#include <gtest/gtest.h>

#include <random>

namespace slo::controller::k8s {
namespace {

using std::chrono::milliseconds;

RetryPolicy Policy() {
  RetryPolicy p;
  p.max_attempts = 5;
  p.base_delay = milliseconds(100);
  p.max_delay = milliseconds(1000);
  p.max_retry_after = milliseconds(10000);
  p.max_total = milliseconds(20000);
  p.jitter = 0.5;
  return p;
}

TEST(K8sBackoffTest, DelaysFollowTheTable) {
  struct Case {
    std::string name;
    int failed;
    int retry_after_s;
    milliseconds elapsed;
    double u;
    std::optional<milliseconds> want;
  };
  const std::vector<Case> cases = {
      {"first retry, no jitter", 1, -1, milliseconds(0), 0.0, milliseconds(100)},
      {"second doubles", 2, -1, milliseconds(0), 0.0, milliseconds(200)},
      {"full jitter halves", 2, -1, milliseconds(0), 1.0, milliseconds(100)},
      {"capped at max_delay", 4, -1, milliseconds(0), 0.0, milliseconds(800)},
      {"retry-after wins when longer", 1, 3, milliseconds(0), 0.0, milliseconds(3000)},
      {"backoff wins when longer", 3, 0, milliseconds(0), 0.0, milliseconds(400)},
      {"retry-after capped", 1, 60, milliseconds(0), 0.0, milliseconds(10000)},
      {"attempts cap", 5, -1, milliseconds(0), 0.0, std::nullopt},
      {"total time cap", 1, -1, milliseconds(19950), 0.0, std::nullopt},
      {"retry-after past the total budget", 1, 9, milliseconds(12000), 0.0, std::nullopt},
  };
  for (const auto& c : cases) {
    Backoff b(Policy(), [&] { return c.u; });
    EXPECT_EQ(b.Next(c.failed, c.retry_after_s, c.elapsed), c.want) << c.name;
  }
}

TEST(K8sBackoffTest, JitterStaysWithinBoundsAndIsSeedable) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Backoff b(Policy(), [&] { return u(rng); });
  std::vector<milliseconds> first;
  for (int i = 0; i < 200; ++i) {
    auto d = b.Next(3, -1, milliseconds(0));
    ASSERT_TRUE(d);
    EXPECT_GE(*d, milliseconds(200));
    EXPECT_LE(*d, milliseconds(400));
    first.push_back(*d);
  }
  EXPECT_NE(*std::min_element(first.begin(), first.end()),
            *std::max_element(first.begin(), first.end()));
  std::mt19937_64 rng2(7);
  Backoff again(Policy(), [&] { return u(rng2); });
  for (int i = 0; i < 200; ++i) EXPECT_EQ(again.Next(3, -1, milliseconds(0)), first[i]);
}

TEST(K8sParseRetryAfterTest, AcceptsDeltaSecondsOnly) {
  struct Case {
    std::string text;
    int want;
  };
  for (const auto& c : std::vector<Case>{{"3", 3},
                                         {" 12 ", 12},
                                         {"0", 0},
                                         {"", -1},
                                         {"-1", -1},
                                         {"1.5", -1},
                                         {"Wed, 21 Oct 2015 07:28:00 GMT", -1},
                                         {"99999999999", -1}}) {
    EXPECT_EQ(ParseRetryAfterSeconds(c.text), c.want) << "'" << c.text << "'";
  }
}

}  // namespace
}  // namespace slo::controller::k8s
