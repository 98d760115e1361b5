// Tests for policies/littles_law.h: Little's-law sizing, the backlog drain term and the
// consistency check.
#include "policies/littles_law.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace slo::policies {
namespace {

double Detail(const ModelResult& r, const std::string& key) {
  for (const auto& [k, v] : r.detail) {
    if (k == key) return v;
  }
  return std::nan("");
}

TEST(LittlesLawTest, SizesFromBusySlots) {
  struct Case {
    const char* name;
    double lambda;
    double w;
    int32_t concurrency;
    double u;
    int32_t want;
    double want_busy;
  };
  const Case cases[] = {
      // 12.4 × 1.1 = 13.64 busy slots; 16 × 0.7 = 11.2 per replica -> 1.22 -> 2.
      {"ChatExample", 12.4, 1.1, 16, 0.7, 2, 13.64},
      // Exactly full replicas do not round up: 10 × 1.12 = 11.2 = one replica at 70%.
      {"ExactMultipleDoesNotRoundUp", 10.0, 1.12, 16, 0.7, 1, 11.2},
      {"FullUtilization", 32.0, 1.0, 16, 1.0, 2, 32.0},
      {"NoArrivalsNoReplicas", 0.0, 1.1, 16, 0.7, 0, 0.0},
      {"ZeroServiceTimeNoReplicas", 100.0, 0.0, 16, 0.7, 0, 0.0},
      {"HugeRateSaturates", 1e15, 10.0, 1, 1.0, 1'000'000'000, 1e16},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ModelResult r = LittlesLaw({c.lambda, c.w, c.concurrency, c.u});
    EXPECT_EQ(r.name, "littlesLaw");
    ASSERT_TRUE(r.replicas.has_value());
    EXPECT_EQ(*r.replicas, c.want);
    EXPECT_NEAR(Detail(r, "busySlots"), c.want_busy, 1e-9 * std::max(1.0, c.want_busy));
  }
}

TEST(LittlesLawTest, IdentityBusySlotsEqualRateTimesTime) {
  // L = lambda W for any lambda, W; the replicas cover L at the target utilisation.
  for (double lambda : {0.5, 3.0, 47.0}) {
    for (double w : {0.2, 1.0, 7.5}) {
      const ModelResult r = LittlesLaw({lambda, w, 8, 0.5});
      ASSERT_TRUE(r.replicas.has_value());
      EXPECT_DOUBLE_EQ(Detail(r, "busySlots"), lambda * w);
      EXPECT_GE(*r.replicas * 8 * 0.5, lambda * w - 1e-9);
      EXPECT_LT((*r.replicas - 1) * 8 * 0.5, lambda * w);
    }
  }
}

TEST(LittlesLawTest, MissingInputsAreNamedNeverZero) {
  const ModelResult r = LittlesLaw({std::nullopt, std::nullopt, 0, 1.5});
  EXPECT_FALSE(r.replicas.has_value());
  EXPECT_EQ(r.missing_inputs,
            (std::vector<std::string>{"arrivalRateRps", "serviceTimeSeconds",
                                      "concurrencyPerReplica", "targetUtilization"}));
}

TEST(BacklogTest, DrainsTheQueueWithinTheBudget) {
  struct Case {
    const char* name;
    double lambda;
    double w;
    double queue;
    double budget;
    int32_t want;
  };
  const Case cases[] = {
      // 10 × 1 = 10 busy; 40 queued × 1 s / 2 s = 20 more slots; 30 / 16 -> 2.
      {"QueueAddsDrainSlots", 10.0, 1.0, 40.0, 2.0, 2},
      {"EmptyQueueIsSteadyLoad", 10.0, 1.0, 0.0, 2.0, 1},
      // 320 queued must drain in 1 s at 1 s each: 320 + 10 slots -> 21 replicas.
      {"BigBacklog", 10.0, 1.0, 320.0, 1.0, 21},
      {"NoBudgetWithQueueAsksForMax", 10.0, 1.0, 5.0, 0.0, 50},
      {"NoBudgetNoQueueIsFine", 10.0, 1.0, 0.0, -1.0, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ModelResult r = Backlog({c.lambda, c.w, c.queue, c.budget, 16, 50});
    ASSERT_TRUE(r.replicas.has_value());
    EXPECT_EQ(*r.replicas, c.want);
  }
  EXPECT_EQ(Backlog({10.0, 1.0, std::nullopt, 1.0, 16, 50}).missing_inputs,
            std::vector<std::string>{"queueDepth"});
}

TEST(ConsistencyTest, FlagsDisagreementBeyondTolerance) {
  struct Case {
    const char* name;
    ConsistencyInput in;
    bool checked;
    bool consistent;
  };
  const Case cases[] = {
      {"AgreesExactly", {10.0, 2.0, 20.0, 4, 16, 0.5}, true, true},
      {"WithinTolerance", {10.0, 2.0, 14.0, 4, 16, 0.5}, true, true},
      // 60 in service while lambda W = 20 (fleet of 64 slots): 67% off.
      {"TooManyInService", {10.0, 2.0, 60.0, 4, 16, 0.5}, true, false},
      // lambda W = 200 but only 64 slots: a saturated fleet holds 64, consistent.
      {"SaturatedFleetIsConsistent", {100.0, 2.0, 64.0, 4, 16, 0.5}, true, true},
      // Tiny values never trip: |3 - 0.5| / 16 slots.
      {"SmallValuesGuarded", {0.5, 1.0, 3.0, 1, 16, 0.5}, true, true},
      {"MissingInFlightNotChecked", {10.0, 2.0, std::nullopt, 4, 16, 0.5}, false, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ConsistencyCheck r = CheckLittlesLaw(c.in);
    EXPECT_EQ(r.checked, c.checked);
    EXPECT_EQ(r.consistent, c.consistent);
  }
}

}  // namespace
}  // namespace slo::policies
