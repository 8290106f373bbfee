#include "runs/space_check.hpp"

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

ParameterSpace space_of(std::vector<std::string> constraints) {
  return ParameterSpace(
      {Parameter::list("X", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}, std::int64_t{8}}),
       Parameter::list("Y", {std::int64_t{1}, std::int64_t{2}})},
      std::move(constraints));
}

TEST(SpaceCheckTest, AConditionThatFailsSomewhereIsAnErrorNamingThePoint) {
  try {
    require_searchable_space(space_of({"8 / (X - 4) > 1"}), "task t", "relax");
    ADD_FAILURE() << "a condition dividing by zero at X=4 was accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("ZeroDivisionError"), std::string::npos) << what;
    EXPECT_NE(what.find("X=4"), std::string::npos) << what;
  }
  EXPECT_NO_THROW(require_searchable_space(space_of({"X != 4 and 8 / (X - 4) > 1"}), "t", ""));
}

TEST(SpaceCheckTest, NoValidPointIsAnError) {
  EXPECT_THROW(require_searchable_space(space_of({"X > 100"}), "t", ""), InputError);
  EXPECT_NO_THROW(require_searchable_space(space_of({"X * Y <= 8"}), "t", ""));
}

}  // namespace
}  // namespace evojit
