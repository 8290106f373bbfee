#include "search/regularized_evolution.hpp"

#include <gtest/gtest.h>

#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

TEST(RegularizedEvolution, OldestLeavesAndResultsMayArriveLate) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"population", 5}, {"tournament", 2}};
  RegularizedEvolution s(context);
  Rng rng(6);
  // Ask the 5 random points and 3 more before any result: steady state must not
  // wait for the population, yet children need at least one parent.
  std::vector<Config> asked = s.ask(rng, 8);
  EXPECT_EQ(asked.size(), 5u);
  std::uint64_t id = 0;
  auto tell = [&](const Config& c) {
    Scored r;
    r.config = c;
    r.ok = true;
    r.fitness = toy.fitness(c);
    r.id = id++;
    s.tell(std::span<const Scored>(&r, 1));
  };
  tell(asked[3]);
  EXPECT_EQ(s.ask(rng, 2).size(), 2u);
  for (const Config& c : asked) tell(c);
  tell(asked[0]);
  ASSERT_EQ(s.population().size(), 5u);
  EXPECT_EQ(s.population().front().id, 2u);  // ids 0 and 1 aged out
  EXPECT_EQ(s.population().back().id, 6u);
}

TEST(RegularizedEvolution, MigrantsJoinOnce) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"population", 4}};
  RegularizedEvolution s(context);
  Scored m;
  m.config = Config{{7, 2, 5, 9}};
  m.ok = true;
  m.fitness = 1.0;
  s.immigrate(std::span<const Scored>(&m, 1));
  s.immigrate(std::span<const Scored>(&m, 1));
  EXPECT_EQ(s.population().size(), 1u);
}

}  // namespace
}  // namespace evojit
