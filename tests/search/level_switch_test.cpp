#include "search/level_switch.hpp"

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

ParameterSpace layers() {
  // Five "layers" with compression levels 0..4 and a budget: levels sum to 10.
  std::vector<Parameter> ps;
  for (int i = 0; i < 5; ++i) ps.push_back(Parameter::integer_range("l" + std::to_string(i), 0, 4));
  ps.push_back(Parameter::list("mode", {Value{std::string("a")}, Value{std::string("b")}}));
  return ParameterSpace(std::move(ps), {"l0 + l1 + l2 + l3 + l4 == 10"});
}

TEST(LevelSwitch, KeepsTheSum) {
  const ParameterSpace space = layers();
  const LevelSwitch sw(space, {"l0", "l1", "l2", "l3", "l4"}, "test");
  Config c = space.from_bindings({{"l0", Value{std::int64_t{2}}},
                                  {"l1", Value{std::int64_t{2}}},
                                  {"l2", Value{std::int64_t{2}}},
                                  {"l3", Value{std::int64_t{2}}},
                                  {"l4", Value{std::int64_t{2}}}});
  ASSERT_TRUE(space.is_valid(c));
  Rng rng(7);
  std::size_t changed = 0;
  for (int i = 0; i < 500; ++i) {
    const Config next = sw.mutate(rng, c, 1 + i % 3);
    EXPECT_EQ(sw.sum(next), 10.0);
    EXPECT_TRUE(space.is_valid(next));
    EXPECT_EQ(next.index[5], c.index[5]) << "other parameters are untouched";
    changed += next != c;
    c = next;
  }
  EXPECT_GT(changed, 400u);
}

TEST(LevelSwitch, RejectsBadGroups) {
  const ParameterSpace space = layers();
  EXPECT_THROW(LevelSwitch(space, {"l0"}, "x"), InputError);
  EXPECT_THROW(LevelSwitch(space, {"l0", "nope"}, "x"), InputError);
  EXPECT_THROW(LevelSwitch(space, {"l0", "mode"}, "x"), InputError);
}

}  // namespace
}  // namespace evojit
