#include "search/evolve.hpp"

#include <set>

#include <gtest/gtest.h>

#include "search/random_search.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

// Proposes a fixed script, cycling; remembers everything it was told.
class Scripted final : public Strategy {
 public:
  explicit Scripted(std::vector<Proposal> script) : script_(std::move(script)) {}
  std::string name() const override { return "scripted"; }
  std::vector<Config> ask(Rng&, std::size_t) override { return {}; }
  std::vector<Proposal> propose(Rng&, std::size_t n) override {
    std::vector<Proposal> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(script_[next_++ % script_.size()]);
    return out;
  }
  void tell(std::span<const Scored> results) override {
    told.insert(told.end(), results.begin(), results.end());
  }
  void immigrate(std::span<const Scored> migrants) override {
    immigrants.insert(immigrants.end(), migrants.begin(), migrants.end());
  }
  std::vector<Scored> immigrants;
  nlohmann::json save() const override { return {}; }
  void restore(const nlohmann::json&) override {}
  std::vector<Scored> told;

 private:
  std::vector<Proposal> script_;
  std::size_t next_ = 0;
};

Config point(std::uint32_t a, std::uint32_t b = 0) { return Config{{a, b, 0, 0}}; }

TEST(EvolveLoop, DuplicatesAreToldButNeitherEvaluatedNorCounted) {
  test::ToyEvaluator toy;
  // Three distinct points, each proposed again and again.
  Scripted strategy({{point(1)}, {point(2)}, {point(1)}, {point(3)}, {point(2)}});
  EvolveLoop loop(strategy, toy, Budget{3});
  Rng rng;
  const EvolveResult result = loop.run(rng);
  EXPECT_EQ(result.evaluations, 3u);
  EXPECT_EQ(toy.calls(), 3u);
  // The run stops asking once the budget is spent: the fifth proposal is never made.
  EXPECT_EQ(result.duplicates, 1u);
  ASSERT_EQ(strategy.told.size(), 4u);
  EXPECT_EQ(strategy.told[2].config, point(1));
  EXPECT_EQ(strategy.told[2].fitness, strategy.told[0].fitness);
  EXPECT_EQ(result.stop_reason, "evaluation budget");
}

TEST(EvolveLoop, AStrategyProposingOnlyDuplicatesIsSteeredToUnvisitedPoints) {
  test::ToyEvaluator toy;  // 10^4 points
  Scripted strategy({{point(1)}, {point(2)}});
  EvolveLoop loop(strategy, toy, Budget{100});
  std::set<std::vector<std::uint32_t>> evaluated;
  loop.on_evaluation([&](const EvaluationRecord& r) { evaluated.insert(r.config.index); });
  Rng rng;
  const EvolveResult result = loop.run(rng);
  // Before: the run stopped after 2 evaluations and called the space exhausted.
  EXPECT_EQ(result.evaluations, 100u);
  EXPECT_EQ(toy.calls(), 100u);
  EXPECT_EQ(evaluated.size(), 100u);
  EXPECT_EQ(result.stop_reason, "evaluation budget");
  // What the loop chose reaches the strategy as immigrants, what it asked as results.
  EXPECT_EQ(strategy.immigrants.size(), 98u);
  for (const Scored& s : strategy.told) EXPECT_TRUE(s.config == point(1) || s.config == point(2));
}

TEST(EvolveLoop, SteeringKeepsCloseToWhatTheStrategyProposed) {
  test::ToyEvaluator toy;
  Scripted strategy({{point(4, 4)}});
  EvolveLoop loop(strategy, toy, Budget{5});
  Rng rng(3);
  loop.run(rng);
  ASSERT_EQ(strategy.immigrants.size(), 4u);
  for (const Scored& s : strategy.immigrants) {
    std::size_t changed = 0;
    for (std::size_t i = 0; i < 4; ++i) changed += s.config.index[i] != point(4, 4).index[i];
    EXPECT_EQ(changed, 1u);  // a neighbour: one parameter changed
  }
}

TEST(EvolveLoop, SpaceExhaustedMeansEveryValidPointWasEvaluated) {
  test::ToyEvaluator toy({1, 1}, 5);  // 25 points
  Scripted strategy({{Config{{0, 0}}}});
  EvolveLoop loop(strategy, toy, Budget{1000});
  Rng rng;
  const EvolveResult result = loop.run(rng);
  EXPECT_EQ(result.evaluations, 25u);
  EXPECT_EQ(result.stop_reason, "space exhausted");
}

TEST(EvolveLoop, WithSteeringOffADuplicateStreakStopsWithoutClaimingExhaustion) {
  test::ToyEvaluator toy;
  Scripted strategy({{point(1)}, {point(2)}});
  Budget budget{100};
  budget.max_duplicate_streak = 50;
  budget.steer_duplicates = false;
  EvolveLoop loop(strategy, toy, budget);
  Rng rng;
  const EvolveResult result = loop.run(rng);
  EXPECT_EQ(result.evaluations, 2u);
  EXPECT_EQ(result.stop_reason, "duplicate streak");
}

TEST(EvolveLoop, RandomSearchExhaustsASmallSpaceWithoutRepeats) {
  test::ToyEvaluator toy({1, 1}, 5);  // 25 points
  StrategyContext context{&toy.space()};
  RandomSearch strategy(context);
  EvolveLoop loop(strategy, toy, Budget{100});
  Rng rng(3);
  const EvolveResult result = loop.run(rng);
  EXPECT_EQ(result.evaluations, 25u);
  EXPECT_EQ(result.duplicates, 0u);
  EXPECT_EQ(result.stop_reason, "space exhausted");
  ASSERT_TRUE(result.best);
  EXPECT_EQ(result.best->fitness, 1.0);
}

TEST(EvolveLoop, OverlapsEvaluationsWithinTheBudget) {
  test::ToyEvaluator toy;
  toy.set_concurrency(4);
  toy.require_overlap();
  StrategyContext context{&toy.space()};
  RandomSearch strategy(context);
  EvolveLoop loop(strategy, toy, Budget{57});
  std::set<std::uint64_t> ids;
  std::size_t records = 0;
  loop.on_evaluation([&](const EvaluationRecord& r) {
    ids.insert(r.id);
    ++records;
    EXPECT_EQ(r.scored.fitness, toy.fitness(r.config));
  });
  Rng rng(5);
  const EvolveResult result = loop.run(rng);
  EXPECT_TRUE(toy.overlapped());
  EXPECT_LE(toy.max_in_flight(), 4u);
  EXPECT_EQ(result.evaluations, 57u);
  EXPECT_EQ(toy.calls(), 57u);
  EXPECT_EQ(records, 57u);
  EXPECT_EQ(ids.size(), 57u);
  EXPECT_EQ(*ids.rbegin(), 56u);
}

TEST(EvolveLoop, ConcurrentDuplicatesWaitForTheRunningEvaluation) {
  test::ToyEvaluator toy;
  toy.set_concurrency(4);
  Scripted strategy({{point(1)}, {point(1)}, {point(1)}, {point(2)}});
  Budget budget{2};
  budget.max_duplicate_streak = 20;
  EvolveLoop loop(strategy, toy, budget);
  Rng rng;
  const EvolveResult result = loop.run(rng);
  EXPECT_EQ(toy.calls(), 2u);
  EXPECT_EQ(result.evaluations, 2u);
  for (const Scored& s : strategy.told) EXPECT_EQ(s.fitness, toy.fitness(s.config));
}

TEST(EvolveLoop, CachesEachFidelitySeparately) {
  test::ToyEvaluator toy;
  toy.set_fidelity_levels(2);
  Scripted strategy({{point(1), 1}, {point(1), 0}, {point(1), 1}, {point(2), 0}});
  EvolveLoop loop(strategy, toy, Budget{3});
  Rng rng;
  const EvolveResult result = loop.run(rng);
  EXPECT_EQ(toy.calls(), 3u);
  ASSERT_GE(strategy.told.size(), 3u);
  EXPECT_EQ(strategy.told[0].fidelity, 1u);
  EXPECT_EQ(strategy.told[0].fitness, toy.cheap_fitness(point(1)));
  EXPECT_EQ(strategy.told[1].fidelity, 0u);
  EXPECT_EQ(strategy.told[1].fitness, toy.fitness(point(1)));
  EXPECT_EQ(strategy.told[2].fitness, toy.cheap_fitness(point(1)));
  // Only a full evaluation can be the run's best.
  ASSERT_TRUE(result.best);
  EXPECT_EQ(result.best->fidelity, 0u);
}

TEST(EvolveLoop, AFidelityTheEvaluatorLacksIsAFullEvaluation) {
  test::ToyEvaluator toy;  // one level
  Scripted strategy({{point(1), 1}, {point(1), 0}});
  Budget budget{5};
  budget.max_duplicate_streak = 10;
  budget.steer_duplicates = false;
  EvolveLoop loop(strategy, toy, budget);
  Rng rng;
  loop.run(rng);
  EXPECT_EQ(toy.calls(), 1u);
  ASSERT_GE(strategy.told.size(), 2u);
  EXPECT_EQ(strategy.told[0].fitness, toy.fitness(point(1)));
  EXPECT_EQ(strategy.told[1].fitness, toy.fitness(point(1)));
}

}  // namespace
}  // namespace evojit
