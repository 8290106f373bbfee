// Properties every built-in strategy must have: it improves on the toy space, it
// rejects unknown parameters, and a checkpoint continues it identically.
#include <algorithm>

#include <gtest/gtest.h>

#include "search/evolve.hpp"
#include "search/strategy.hpp"
#include "support/error.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

StrategyRegistry builtins() {
  StrategyRegistry r;
  register_builtin_strategies(r);
  return r;
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& [name, summary] : builtins().list()) out.push_back(name);
  return out;
}

double median_fitness(const test::ToyEvaluator& toy) {
  std::vector<double> all;
  Config c;
  c.index.assign(4, 0);
  for (std::uint32_t a = 0; a < 10; ++a)
    for (std::uint32_t b = 0; b < 10; ++b)
      for (std::uint32_t d = 0; d < 10; ++d)
        for (std::uint32_t e = 0; e < 10; ++e) {
          c.index = {a, b, d, e};
          all.push_back(toy.fitness(c));
        }
  std::nth_element(all.begin(), all.begin() + all.size() / 2, all.end());
  return all[all.size() / 2];
}

class EveryStrategy : public ::testing::TestWithParam<std::string> {};

TEST(BuiltinStrategies, RegistersTheIssueList) {
  const std::vector<std::string> n = names();
  for (const char* expected : {"one-plus-one", "random", "mu-plus-lambda", "mu-comma-lambda",
                               "regularized-evolution", "nsga2", "evopress", "islands"}) {
    EXPECT_NE(std::find(n.begin(), n.end(), expected), n.end()) << expected;
  }
}

TEST_P(EveryStrategy, ImprovesOnTheToySpace) {
  test::ToyEvaluator toy;
  const double median = median_fitness(toy);
  StrategyContext context{&toy.space()};
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    auto strategy = builtins().create(GetParam(), context);
    EvolveLoop loop(*strategy, toy, Budget{200});
    std::optional<double> first;
    loop.on_evaluation([&](const EvaluationRecord& r) {
      if (!first && r.fidelity == 0) first = r.scored.fitness;
    });
    Rng rng(seed);
    const EvolveResult result = loop.run(rng);
    ASSERT_TRUE(result.best);
    EXPECT_EQ(result.evaluations, 200u);
    EXPECT_GT(result.best->fitness, median) << "seed " << seed;
    EXPECT_GT(result.best->fitness, *first) << "seed " << seed;
  }
}

TEST_P(EveryStrategy, RejectsUnknownParameters) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"no_such_parameter", 1}};
  EXPECT_THROW(builtins().create(GetParam(), context), InputError);
}

// Runs `steps` synchronous ask/tell rounds and returns what was asked.
std::vector<Config> drive(Strategy& s, test::ToyEvaluator& toy, Rng& rng, std::size_t steps) {
  std::vector<Config> asked;
  std::uint64_t id = 0;
  for (std::size_t i = 0; i < steps; ++i) {
    std::vector<Proposal> p = s.propose(rng, 1 + i % 3);
    if (p.empty()) break;
    for (Proposal& q : p) {
      Scored r;
      r.config = q.config;
      r.fidelity = q.fidelity;
      r.ok = true;
      r.fitness = q.fidelity == 0 ? toy.fitness(q.config) : toy.cheap_fitness(q.config);
      r.id = id++;
      asked.push_back(q.config);
      s.tell(std::span<const Scored>(&r, 1));
    }
  }
  return asked;
}

TEST_P(EveryStrategy, CheckpointContinuesIdentically) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  auto original = builtins().create(GetParam(), context);
  Rng rng(42);
  drive(*original, toy, rng, 37);
  // Through text, as a checkpoint file would carry it.
  const std::string state = original->save().dump();
  const std::string rng_state = rng.save();
  const std::vector<Config> expected = drive(*original, toy, rng, 60);

  auto restored = builtins().create(GetParam(), context);
  restored->restore(nlohmann::json::parse(state));
  Rng rng2;
  rng2.restore(rng_state);
  const std::vector<Config> continued = drive(*restored, toy, rng2, 60);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(continued, expected);
  EXPECT_EQ(restored->save(), original->save());
}

INSTANTIATE_TEST_SUITE_P(Builtin, EveryStrategy, ::testing::ValuesIn(names()),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace evojit
