// Tests for policies/decision.h: the closed reason set round-trips through its names.
#include "policies/decision.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace slo::policies {
namespace {

TEST(DecisionTest, EveryReasonHasAUniquePascalCaseNameThatParsesBack) {
  std::set<std::string> names;
  for (Reason r : AllReasons()) {
    const std::string name(ReasonName(r));
    ASSERT_FALSE(name.empty());
    EXPECT_TRUE(name[0] >= 'A' && name[0] <= 'Z') << name;
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(ParseReason(name), r);
  }
  EXPECT_EQ(names.size(), 21u);
  EXPECT_FALSE(ParseReason("NoSuchReason").has_value());
  EXPECT_EQ(LimitName(Limit::kScaleUpRate), "scaleUpRate");
}

}  // namespace
}  // namespace slo::policies
