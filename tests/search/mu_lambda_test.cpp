#include "search/mu_lambda.hpp"

#include <gtest/gtest.h>

#include "support/error.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

void run(Strategy& s, const test::ToyEvaluator& toy, Rng& rng, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    for (const Config& c : s.ask(rng, 5)) {
      Scored r;
      r.config = c;
      r.ok = true;
      r.fitness = toy.fitness(c);
      s.tell(std::span<const Scored>(&r, 1));
    }
  }
}

TEST(MuLambda, GenerationsKeepTheBestMuAndStrengthsStayInRange) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"mu", 3}, {"lambda", 9}};
  MuLambda plus(context, true);
  Rng rng(4);
  run(plus, toy, rng, 40);
  EXPECT_GT(plus.generation(), 5u);
  ASSERT_EQ(plus.parents().size(), 3u);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_GE(plus.parents()[i - 1].scored.fitness, plus.parents()[i].scored.fitness);
  }
  for (const auto& p : plus.parents()) {
    EXPECT_GE(p.strength, 1.0);
    EXPECT_LE(p.strength, 4.0);
  }
}

TEST(MuLambda, PlusNeverLosesItsBest) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  MuLambda plus(context, true);
  Rng rng(8);
  double best = 0.0;
  for (int round = 0; round < 30; ++round) {
    run(plus, toy, rng, 1);
    if (plus.generation() == 0) continue;
    EXPECT_GE(plus.parents().front().scored.fitness, best);
    best = plus.parents().front().scored.fitness;
  }
}

TEST(MuLambda, CommaNeedsLambdaAtLeastMu) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"mu", 8}, {"lambda", 4}};
  EXPECT_THROW(MuLambda(context, false), InputError);
  EXPECT_NO_THROW(MuLambda(context, true));
}

}  // namespace
}  // namespace evojit
