// A strategy a user writes in a few lines runs like a built-in one.
#include "search/user_strategy.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "search/evolve.hpp"
#include "support/error.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

// The whole of a user's strategy: hill climbing with the context's mutator.
struct HillClimber {
  const ParameterSpace* space;
  Mutator mutate;
  std::optional<Scored> best;

  std::vector<Config> ask(Rng& rng, std::size_t n) {
    std::vector<Config> out;
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(best ? mutate(*space, rng, best->config) : *space->sample(rng));
    return out;
  }
  void tell(std::span<const Scored> results) {
    for (const Scored& s : results)
      if (s.ok && (!best || s.fitness > best->fitness)) best = s;
  }
};

StrategyRegistry with_hill_climber() {
  StrategyRegistry r;
  register_builtin_strategies(r);
  r.add("hill-climber", "a user's hill climber", [](const StrategyContext& c) {
    return make_strategy(HillClimber{c.space, c.mutator, {}});
  });
  return r;
}

TEST(UserStrategy, ImprovesOnTheToySpaceInAnEvolveLoop) {
  test::ToyEvaluator toy;
  // The median fitness of the 10^4 toy points is 1/(1+d2) at the median distance;
  // computed as builtin_strategies_test does.
  std::vector<double> all;
  for (std::uint32_t i = 0; i < 10000; ++i) {
    all.push_back(toy.fitness(Config{{i / 1000, i / 100 % 10, i / 10 % 10, i % 10}}));
  }
  std::nth_element(all.begin(), all.begin() + all.size() / 2, all.end());
  const double median = all[all.size() / 2];

  const StrategyRegistry registry = with_hill_climber();
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    auto strategy = registry.create("hill-climber", StrategyContext{&toy.space()});
    EXPECT_EQ(strategy->name(), "user strategy");
    EvolveLoop loop(*strategy, toy, Budget{200});
    std::optional<double> first;
    loop.on_evaluation([&](const EvaluationRecord& r) {
      if (!first) first = r.scored.fitness;
    });
    Rng rng(seed);
    const EvolveResult result = loop.run(rng);
    ASSERT_TRUE(result.best);
    EXPECT_EQ(result.evaluations, 200u);
    EXPECT_GT(result.best->fitness, median) << "seed " << seed;
    EXPECT_GT(result.best->fitness, *first) << "seed " << seed;
  }
}

TEST(UserStrategy, WithoutSaveItsCheckpointIsNullAndRestoringNullDoesNothing) {
  test::ToyEvaluator toy;
  auto strategy = make_strategy(HillClimber{&toy.space(), Mutator(), {}});
  Rng rng(5);
  const std::vector<Config> asked = strategy->ask(rng, 1);
  Scored s{asked.front(), 0.5, {}, true};
  strategy->tell(std::span<const Scored>(&s, 1));
  EXPECT_TRUE(strategy->save().is_null());
  strategy->restore(nullptr);
  EXPECT_EQ(static_cast<UserStrategy<HillClimber>&>(*strategy).get().best->config, asked.front());
  // A state it cannot take is refused, not silently dropped.
  EXPECT_THROW(strategy->restore(nlohmann::json{{"parent", 1}}), InputError);
}

// The optional members, when present, are what the Strategy calls.
struct Counter {
  std::size_t told = 0;
  std::size_t immigrants = 0;
  std::string name() const { return "counter"; }
  std::vector<Config> ask(Rng&, std::size_t) { return {Config{{0, 0, 0, 0}}}; }
  void tell(std::span<const Scored> r) { told += r.size(); }
  nlohmann::json save() const { return {{"told", told}}; }
  void restore(const nlohmann::json& j) { told = j.at("told").get<std::size_t>(); }
  void immigrate(std::span<const Scored> m) { immigrants += m.size(); }
};

TEST(UserStrategy, ForwardsNameSaveRestoreAndImmigrate) {
  auto strategy = make_strategy(Counter{});
  EXPECT_EQ(strategy->name(), "counter");
  const Scored s{Config{{1, 1, 1, 1}}, 1.0, {}, true};
  strategy->tell(std::span<const Scored>(&s, 1));
  strategy->immigrate(std::span<const Scored>(&s, 1));
  EXPECT_EQ(strategy->save(), (nlohmann::json{{"told", 1}}));
  auto restored = make_strategy(Counter{});
  restored->restore(strategy->save());
  EXPECT_EQ(restored->save(), strategy->save());
  EXPECT_EQ(static_cast<UserStrategy<Counter>&>(*strategy).get().immigrants, 1u);
}

}  // namespace
}  // namespace evojit
