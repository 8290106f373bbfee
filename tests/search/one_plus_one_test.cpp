#include "search/one_plus_one.hpp"

#include <gtest/gtest.h>

#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

Scored scored(Config c, double fitness, std::uint64_t id) {
  Scored s;
  s.config = std::move(c);
  s.fitness = fitness;
  s.ok = true;
  s.id = id;
  return s;
}

TEST(OnePlusOne, AcceptanceIsStrict) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.seed = Config{{0, 0, 0, 0}};
  OnePlusOne s(context);
  Rng rng;
  ASSERT_EQ(s.ask(rng, 4), std::vector<Config>{*context.seed});
  const Scored first = scored(*context.seed, 0.5, 0);
  s.tell(std::span<const Scored>(&first, 1));

  const Config equal_child = s.ask(rng, 1).at(0);
  const Scored equal = scored(equal_child, 0.5, 1);
  s.tell(std::span<const Scored>(&equal, 1));
  EXPECT_EQ(s.parent()->id, 0u) << "an equal child must not replace the parent";

  const Config better_child = s.ask(rng, 1).at(0);
  const Scored better = scored(better_child, 0.6, 2);
  s.tell(std::span<const Scored>(&better, 1));
  EXPECT_EQ(s.parent()->id, 2u);
}

TEST(OnePlusOne, OneChildInFlightAtATime) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  OnePlusOne s(context);
  Rng rng;
  EXPECT_EQ(s.ask(rng, 4).size(), 1u);
  EXPECT_TRUE(s.ask(rng, 4).empty());
}

TEST(OnePlusOne, TakesABetterMigrant) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  OnePlusOne s(context);
  Rng rng;
  const Scored first = scored(s.ask(rng, 1).at(0), 0.1, 0);
  s.tell(std::span<const Scored>(&first, 1));
  const Scored migrant = scored(Config{{7, 2, 5, 9}}, 1.0, 9);
  s.immigrate(std::span<const Scored>(&migrant, 1));
  EXPECT_EQ(s.parent()->config, migrant.config);
}

}  // namespace
}  // namespace evojit
