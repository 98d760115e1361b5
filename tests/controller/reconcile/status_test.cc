#include "controller/reconcile/status.h"

#include <gtest/gtest.h>

namespace slo::controller {
namespace {

using nlohmann::json;

TEST(SetConditionTest, AddsAConditionWithItsTransitionTime) {
  json conds = json::array();
  EXPECT_TRUE(SetCondition(conds, {"Ready", "True", "Valid", "ok"}, "T1", 3));
  ASSERT_EQ(conds.size(), 1u);
  EXPECT_EQ(conds[0]["lastTransitionTime"], "T1");
  EXPECT_EQ(conds[0]["observedGeneration"], 3);
}

TEST(SetConditionTest, KeepsTheTransitionTimeWhenTheStatusIsUnchanged) {
  json conds = json::array();
  SetCondition(conds, {"Ready", "True", "Valid", "ok"}, "T1", 1);
  EXPECT_FALSE(SetCondition(conds, {"Ready", "True", "Valid", "still ok"}, "T2", 1));
  EXPECT_EQ(conds[0]["lastTransitionTime"], "T1");
  EXPECT_EQ(conds[0]["message"], "still ok");
  EXPECT_TRUE(SetCondition(conds, {"Ready", "False", "InvalidSpec", "bad"}, "T3", 2));
  EXPECT_EQ(conds[0]["lastTransitionTime"], "T3");
  EXPECT_EQ(conds.size(), 1u);
}

TEST(SetConditionTest, RepairsAConditionsFieldThatIsNotAnArray) {
  json conds = "garbage";
  SetCondition(conds, {"Ready", "True", "Valid", "ok"}, "T1", 1);
  ASSERT_TRUE(conds.is_array());
  EXPECT_NE(FindCondition(conds, "Ready"), nullptr);
  EXPECT_EQ(FindCondition(conds, "Overloaded"), nullptr);
}

TEST(StabilizerJsonTest, RoundTrips) {
  policies::StabilizerState s;
  s.recommendations = {{100.5, 3}, {115.5, 4}};
  s.scale_up_events = {{100.5, 2}};
  s.scale_down_events = {{50.0, 1}};
  policies::StabilizerState back = StabilizerFromJson(StabilizerToJson(s));
  ASSERT_EQ(back.recommendations.size(), 2u);
  EXPECT_DOUBLE_EQ(back.recommendations[1].t_s, 115.5);
  EXPECT_EQ(back.recommendations[1].replicas, 4);
  ASSERT_EQ(back.scale_up_events.size(), 1u);
  EXPECT_EQ(back.scale_up_events[0].delta, 2);
  ASSERT_EQ(back.scale_down_events.size(), 1u);
}

TEST(StabilizerJsonTest, IgnoresMalformedEntriesInsteadOfFailing) {
  json j = json::parse(R"({"recommendations": [{"t": "x", "replicas": 2}, {"t": 5, "replicas": 3}, 7],
                           "scaleUpEvents": "nope"})");
  policies::StabilizerState s = StabilizerFromJson(j);
  ASSERT_EQ(s.recommendations.size(), 1u);
  EXPECT_EQ(s.recommendations[0].replicas, 3);
  EXPECT_TRUE(s.scale_up_events.empty());
  EXPECT_TRUE(StabilizerFromJson(json(42)).recommendations.empty());
}

}  // namespace
}  // namespace slo::controller
