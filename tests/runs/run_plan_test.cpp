#include "runs/run_plan.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

ParameterSpace small_space() {
  return ParameterSpace(
      {Parameter::list("VEC", {std::int64_t{1}, std::int64_t{4}, std::int64_t{8}}),
       Parameter::list("UNROLL", {std::int64_t{1}, std::int64_t{2}})},
      {});
}

std::string error_of(const std::vector<std::string>& overrides,
                     const std::vector<std::string>& constraints = {}) {
  try {
    restrict_space(small_space(), overrides, constraints);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(RestrictSpace, PinsAndRestricts) {
  const ParameterSpace s = restrict_space(small_space(), {"VEC=4"}, {"UNROLL > 1"});
  EXPECT_EQ(s.parameters()[0].values, std::vector<Value>{Value{std::int64_t{4}}});
  EXPECT_TRUE(s.has_valid_point());
}

TEST(RestrictSpace, EachBadOverrideSaysWhatWhereAndHow) {
  EXPECT_EQ(error_of({"VEC"}),
            "--set: malformed parameter override 'VEC' (write NAME=VALUE, e.g. "
            "--set UNROLL=4)");
  EXPECT_EQ(error_of({"NOPE=1"}),
            "--set NOPE=1: unknown parameter 'NOPE' (parameters of this task: VEC, UNROLL)");
  EXPECT_EQ(error_of({"VEC=3"}),
            "--set VEC: value 3 is not one of the values of 'VEC' (allowed: 1, 4, 8)");
}

TEST(RestrictSpace, AParameterSetTwiceIsNamedAsSuch) {
  EXPECT_EQ(error_of({"VEC=4", "VEC=8"}),
            "--set VEC=8: parameter 'VEC' is set twice (give one --set per parameter)");
}

TEST(RestrictSpace, AConstraintNamingAnUnknownParameterListsTheKnownOnes) {
  const std::string message = error_of({}, {"TILE > 1"});
  EXPECT_NE(message.find("unknown name 'TILE'"), std::string::npos) << message;
  EXPECT_NE(message.find("VEC, UNROLL"), std::string::npos) << message;
}

}  // namespace
}  // namespace evojit
