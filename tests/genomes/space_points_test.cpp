#include "genomes/space_points.hpp"

#include <set>

#include <gtest/gtest.h>

#include "genomes/adjacent_step.hpp"

namespace evojit {
namespace {

// x, y in 0..9; listed: the diagonal band |x - y| <= 1, minus what the constraint drops.
ParameterSpace banded() {
  ParameterSpace full({Parameter::integer_range("x", 0, 9), Parameter::integer_range("y", 0, 9)},
                      {"x + y != 18"});
  std::vector<Config> points;
  for (std::uint32_t x = 0; x < 10; ++x)
    for (std::uint32_t y = 0; y < 10; ++y)
      if (x + 1 >= y && y + 1 >= x) points.push_back({{x, y}});
  points.push_back({{0, 0}});  // a duplicate is dropped
  return full.with_points(points);
}

bool in_band(const Config& c) {
  return c.index[0] + 1 >= c.index[1] && c.index[1] + 1 >= c.index[0];
}

TEST(SpacePoints, OnlyListedPointsThatMeetTheConstraintsAreValid) {
  const ParameterSpace space = banded();
  ASSERT_NE(space.listed_points(), nullptr);
  EXPECT_EQ(space.listed_points()->size(), 27u);  // 28 in the band, (9, 9) fails x + y != 18
  EXPECT_TRUE(space.is_valid({{3, 4}}));
  EXPECT_FALSE(space.is_valid({{3, 5}}));
  EXPECT_FALSE(space.is_valid({{9, 9}}));
  EXPECT_TRUE(space.has_valid_point());
}

TEST(SpacePoints, SamplingMutationAndCrossoverStayOnTheList) {
  const ParameterSpace space = banded();
  Rng rng(7);
  std::set<std::vector<std::uint32_t>> sampled;
  for (int i = 0; i < 2000; ++i) {
    const Config c = *space.sample(rng);
    ASSERT_TRUE(space.is_valid(c));
    sampled.insert(c.index);
    const Config m = space.mutate(rng, c, 1);
    EXPECT_TRUE(space.is_valid(m));
    EXPECT_TRUE(in_band(m));
    const Config a = adjacent_step(space, rng, c, 1);
    EXPECT_TRUE(space.is_valid(a));
    const Config x = space.crossover(rng, c, *space.sample(rng));
    EXPECT_TRUE(space.is_valid(x));
  }
  EXPECT_EQ(sampled.size(), 27u);  // uniform over the list: every point turns up
}

TEST(SpacePoints, PinningAParameterKeepsTheListedPointsWithThatValue) {
  const ParameterSpace pinned = banded().with_fixed("x", Value{std::int64_t{4}});
  ASSERT_NE(pinned.listed_points(), nullptr);
  EXPECT_EQ(pinned.listed_points()->size(), 3u);  // y = 3, 4, 5
  for (const Config& c : *pinned.listed_points()) EXPECT_EQ(c.index[0], 0u);
}

TEST(SpacePoints, FindValidWalksToAnAcceptedPointOrProvesThereIsNone) {
  const ParameterSpace space = banded();
  Rng rng(2);
  std::uint64_t budget = 1000000;
  auto c = space.find_valid(
      rng, [](const Config& x) { return x.index[0] == 8 && x.index[1] == 9; }, budget);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->index, (std::vector<std::uint32_t>{8, 9}));
  budget = 1000000;
  EXPECT_FALSE(space.find_valid(
      rng, [](const Config& x) { return x.index[0] == 9 && x.index[1] == 9; }, budget));
  EXPECT_GT(budget, 0u);  // none exists, rather than none found in time
  // The same walk over a constrained (unlisted) space.
  const ParameterSpace plain({Parameter::integer_range("x", 0, 9)}, {"x != 3"});
  budget = 1000000;
  EXPECT_FALSE(plain.find_valid(
      rng, [](const Config& x) { return x.index[0] == 3; }, budget));
  EXPECT_GT(budget, 0u);
}

TEST(AdjacentStep, MovesOneParameterOnePlaceAlongItsList) {
  const ParameterSpace space(
      {Parameter::integer_range("x", 0, 9), Parameter::integer_range("y", 0, 9)}, {});
  Rng rng(5);
  for (int i = 0; i < 500; ++i) {
    const Config parent{
        {static_cast<std::uint32_t>(rng.below(10)), static_cast<std::uint32_t>(rng.below(10))}};
    const Config child = adjacent_step(space, rng, parent, 1);
    const int dx = static_cast<int>(child.index[0]) - static_cast<int>(parent.index[0]);
    const int dy = static_cast<int>(child.index[1]) - static_cast<int>(parent.index[1]);
    EXPECT_EQ(std::abs(dx) + std::abs(dy), 1) << parent.index[0] << "," << parent.index[1];
  }
}

}  // namespace
}  // namespace evojit
