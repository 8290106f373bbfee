#include "search/evopress.hpp"

#include <gtest/gtest.h>

#include "search/evolve.hpp"
#include "support/error.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

TEST(EvoPress, CheapStageFiltersAndFullStageDecides) {
  test::ToyEvaluator toy;
  toy.set_fidelity_levels(2);
  StrategyContext context{&toy.space()};
  context.params = {{"lambda", 6}, {"survivors", 2}};
  EvoPress strategy(context);
  EvolveLoop loop(strategy, toy, Budget{160});
  Rng rng(5);
  const EvolveResult result = loop.run(rng);
  std::size_t cheap = 0;
  std::size_t full = 0;
  for (const auto& call : toy.log()) (call.fidelity == 1 ? cheap : full) += 1;
  // Per generation: 6 cheap, at most 2 full (fewer when a survivor was seen before).
  EXPECT_GT(cheap, 2 * full);
  ASSERT_TRUE(strategy.parent());
  EXPECT_EQ(strategy.parent()->fidelity, 0u);
  EXPECT_EQ(strategy.parent()->fitness, toy.fitness(strategy.parent()->config));
  EXPECT_EQ(result.best->fitness, strategy.parent()->fitness);
  EXPECT_GT(strategy.generation(), 10u);
}

TEST(EvoPress, WithoutCheapLevelsTheFullStageIsFree) {
  test::ToyEvaluator toy;  // one fidelity level
  StrategyContext context{&toy.space()};
  context.params = {{"lambda", 6}, {"survivors", 2}};
  EvoPress strategy(context);
  EvolveLoop loop(strategy, toy, Budget{121});
  Rng rng(5);
  const EvolveResult result = loop.run(rng);
  for (const auto& call : toy.log()) EXPECT_EQ(call.fidelity, 0u);
  // 1 seed + 20 generations of 6 children; every survivor is a cache hit.
  EXPECT_GE(result.duplicates, 2 * 19u);
}

TEST(EvoPress, SumParametersKeepTheBudget) {
  std::vector<Parameter> ps;
  for (int i = 0; i < 4; ++i) ps.push_back(Parameter::integer_range("l" + std::to_string(i), 0, 6));
  const ParameterSpace space(std::move(ps), {"l0 + l1 + l2 + l3 == 12"});
  StrategyContext context{&space};
  context.seed = Config{{3, 3, 3, 3}};
  context.params = {{"sum_parameters", {"l0", "l1", "l2", "l3"}}, {"cheap_fidelity", 0}};
  EvoPress strategy(context);
  Rng rng(9);
  for (int step = 0; step < 200; ++step) {
    for (const Proposal& p : strategy.propose(rng, 4)) {
      double sum = 0;
      for (std::uint32_t i : p.config.index) sum += i;
      ASSERT_EQ(sum, 12.0);
      Scored s;
      s.config = p.config;
      s.ok = true;
      s.fitness = 1.0 / (1.0 + p.config.index[0]);  // prefers l0 = 0
      strategy.tell(std::span<const Scored>(&s, 1));
    }
  }
  EXPECT_EQ(strategy.parent()->config.index[0], 0u);
}

TEST(EvoPress, BadSumParametersAreInputErrors) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"sum_parameters", {"x0", "nope"}}};
  EXPECT_THROW(EvoPress{context}, InputError);
  context.params = {{"sum_parameters", "x0"}};
  EXPECT_THROW(EvoPress{context}, InputError);
}

}  // namespace
}  // namespace evojit
