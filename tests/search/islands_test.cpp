#include "search/islands.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "search/regularized_evolution.hpp"
#include "support/error.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

void tell(Strategy& s, const test::ToyEvaluator& toy, const Config& c) {
  Scored r;
  r.config = c;
  r.ok = true;
  r.fitness = toy.fitness(c);
  s.tell(std::span<const Scored>(&r, 1));
}

TEST(Islands, AsksRoundRobinAndMigratesTheBestAlongTheRing) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"islands", 3},
                    {"strategy", "regularized-evolution"},
                    {"params", {{"population", 10}}},
                    {"migration_interval", 30},
                    {"migrants", 2}};
  Islands islands(context);
  ASSERT_EQ(islands.size(), 3u);
  Rng rng(1);
  // 29 results: no migration yet.
  for (int i = 0; i < 29; ++i) tell(islands, toy, islands.ask(rng, 1).at(0));
  EXPECT_EQ(islands.immigrations(), 0u);
  const std::vector<Scored> best0 = islands.best(0);
  ASSERT_EQ(best0.size(), 2u);
  // The 30th result goes to island 2 (round-robin: 29 % 3), then migration runs.
  const Config last = islands.ask(rng, 1).at(0);
  tell(islands, toy, last);
  EXPECT_EQ(islands.immigrations(), 6u);  // 3 islands x 2 migrants
  const auto& population1 = dynamic_cast<RegularizedEvolution&>(islands.island(1)).population();
  for (const Scored& b : best0) {
    EXPECT_TRUE(std::any_of(population1.begin(), population1.end(), [&](const Scored& s) {
      return s.config == b.config;
    })) << "island 1 did not receive island 0's best";
  }
}

TEST(Islands, WorksOverAnyStrategy) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"islands", 2}, {"strategy", "mu-plus-lambda"}, {"migration_interval", 10}};
  StrategyRegistry registry;
  register_builtin_strategies(registry);
  auto islands = registry.create("islands", context);
  Rng rng(3);
  for (int i = 0; i < 100; ++i) {
    for (const Config& c : islands->ask(rng, 3)) tell(*islands, toy, c);
  }
  EXPECT_GT(dynamic_cast<Islands&>(*islands).immigrations(), 0u);
}

TEST(Islands, UnknownInnerStrategyIsAnInputError) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"strategy", "no-such-strategy"}};
  EXPECT_THROW(Islands{context}, InputError);
}

}  // namespace
}  // namespace evojit
