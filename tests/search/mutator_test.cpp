// The Mutator value type, its registry, and strategies making children with the
// mutator their parameters name.
#include "search/mutator.hpp"

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

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return std::string(e.what()) + " | " + e.where() + " | " + e.hint();
  }
  return "no InputError";
}

TEST(Mutator, TheDefaultIsTheSpacesOwnMove) {
  const ParameterSpace space = test::make_toy_space(4, 10);
  const Config parent{{1, 2, 3, 4}};
  Rng a(3), b(3);
  const Mutator m;
  EXPECT_EQ(m.name(), "space");
  for (std::size_t strength : {1u, 2u, 3u, 1u}) {
    EXPECT_EQ(m(space, a, parent, strength), space.mutate(b, parent, strength));
  }
}

TEST(Mutator, AUserCallableWithoutStrengthIsAppliedStrengthTimes) {
  const ParameterSpace space = test::make_toy_space(2, 10);
  const Mutator up = [](Rng&, const Config& c) {
    Config next = c;
    ++next.index[0];
    return next;
  };
  Rng rng(1);
  EXPECT_EQ(up(space, rng, Config{{2, 0}}, 3), (Config{{5, 0}}));
  EXPECT_EQ(up.name(), "user mutator");
}

TEST(Mutator, ReceivesTheParentsEvaluationWhenGiven) {
  const ParameterSpace space = test::make_toy_space(1, 10);
  const Mutator by_diagnostic = [](Rng&, const Config& c, const Evaluation* e) {
    Config next = c;
    next.index[0] = e && e->diagnostic == "spills" ? 0 : 9;
    return next;
  };
  Rng rng(1);
  Evaluation spills;
  spills.diagnostic = "spills";
  EXPECT_EQ(by_diagnostic(space, rng, Config{{5}}, 1, &spills), (Config{{0}}));
  EXPECT_EQ(by_diagnostic(space, rng, Config{{5}}, 1, nullptr), (Config{{9}}));
}

TEST(Mutator, AnInvalidChildIsNoMoveAndAMalformedOneAnInputError) {
  const ParameterSpace space({Parameter::integer_range("a", 0, 9)}, {"a < 5"});
  Rng rng(1);
  const Mutator to_seven = [](Rng&, const Config&) { return Config{{7}}; };
  EXPECT_EQ(to_seven(space, rng, Config{{2}}), (Config{{2}}));  // violates a < 5
  const Mutator too_long = [](Rng&, const Config&) { return Config{{1, 1}}; };
  EXPECT_THROW(too_long(space, rng, Config{{2}}), InputError);
  const Mutator out_of_list = [](Rng&, const Config&) { return Config{{10}}; };
  EXPECT_THROW(out_of_list(space, rng, Config{{2}}), InputError);
}

TEST(MutatorRegistry, ListsTheBuiltinsAndRejectsUnknownNames) {
  MutatorRegistry registry;
  register_builtin_mutators(registry);
  std::vector<std::string> names;
  for (const auto& [name, summary] : registry.list()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"space", "adjacent-step", "level-switch"}));
  const ParameterSpace space = test::make_toy_space(2, 10);
  const std::string e = error_of([&] { registry.create("nope", {&space, {}, "x: /mutator"}); });
  EXPECT_NE(e.find("unknown mutator 'nope'"), std::string::npos) << e;
  EXPECT_NE(e.find("x: /mutator"), std::string::npos) << e;
  EXPECT_NE(e.find("known mutators: space, adjacent-step, level-switch"), std::string::npos) << e;
  EXPECT_THROW(registry.add("space", "again", {}), InputError);
}

TEST(MutatorRegistry, AdjacentStepMovesOnePlace) {
  const ParameterSpace space = test::make_toy_space(3, 10);
  const Mutator m = mutator_from_json("adjacent-step", space, nullptr, "here");
  Rng rng(4);
  const Config parent{{5, 5, 5}};
  for (int i = 0; i < 50; ++i) {
    const Config c = m(space, rng, parent);
    int moved = 0;
    for (std::size_t p = 0; p < 3; ++p) {
      const int d = static_cast<int>(c.index[p]) - 5;
      EXPECT_LE(std::abs(d), 1);
      moved += d != 0;
    }
    EXPECT_EQ(moved, 1);
  }
}

TEST(MutatorRegistry, LevelSwitchKeepsTheSumAndValidatesItsParameters) {
  const ParameterSpace space = test::make_toy_space(3, 10);
  const Mutator m = mutator_from_json(
      nlohmann::json{{"name", "level-switch"}, {"parameters", {"x0", "x1", "x2"}}}, space, nullptr,
      "here");
  EXPECT_EQ(m.name(), "level-switch");
  Rng rng(2);
  Config c{{3, 3, 3}};
  for (int i = 0; i < 50; ++i) {
    c = m(space, rng, c, 2);
    EXPECT_EQ(c.index[0] + c.index[1] + c.index[2], 9u);
  }
  EXPECT_THROW(mutator_from_json(nlohmann::json{{"name", "level-switch"}}, space, nullptr, "here"),
               InputError);
  EXPECT_THROW(mutator_from_json(nlohmann::json{{"name", "level-switch"}, {"parameters", "x0"}},
                                 space, nullptr, "here"),
               InputError);
  EXPECT_THROW(
      mutator_from_json(nlohmann::json{{"name", "space"}, {"typo", 1}}, space, nullptr, "here"),
      InputError);
  EXPECT_THROW(mutator_from_json(42, space, nullptr, "here"), InputError);
}

// Every built-in strategy that mutates takes "mutator"; an unknown name is an
// InputError naming the strategy's key and the known mutators.
TEST(StrategyMutator, UnknownNameIsAnInputErrorListingTheKnownOnes) {
  test::ToyEvaluator toy;
  for (const char* strategy : {"one-plus-one", "mu-plus-lambda", "mu-comma-lambda",
                               "regularized-evolution", "nsga2", "evopress", "bandit"}) {
    StrategyContext context{&toy.space()};
    context.params = {{"mutator", "no-such-mutator"}};
    const std::string e = error_of([&] { builtins().create(strategy, context); });
    EXPECT_NE(e.find("unknown mutator 'no-such-mutator'"), std::string::npos) << strategy << e;
    EXPECT_NE(e.find(std::string(strategy) + ": /mutator"), std::string::npos) << strategy << e;
    EXPECT_NE(e.find("known mutators: space, adjacent-step"), std::string::npos) << strategy << e;
  }
  // Islands hand the parameter to the strategy on each island.
  StrategyContext context{&toy.space()};
  context.params = {{"params", {{"mutator", "no-such-mutator"}}}};
  EXPECT_THROW(builtins().create("islands", context), InputError);
}

TEST(StrategyMutator, RandomSearchTakesNoMutator) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"mutator", "adjacent-step"}};
  EXPECT_THROW(builtins().create("random", context), InputError);
}

std::vector<Config> trajectory(const std::string& strategy, const nlohmann::json& params,
                               std::uint64_t seed, const MutatorRegistry* mutators = nullptr) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = params;
  context.mutators = mutators;
  auto s = builtins().create(strategy, context);
  // Without steering: every evaluated point is one the strategy made (the loop's
  // own escape from duplicates would evaluate points no mutator proposed).
  Budget budget{60};
  budget.steer_duplicates = false;
  EvolveLoop loop(*s, toy, budget);
  Rng rng(seed);
  loop.run(rng);
  std::vector<Config> out;
  for (const auto& call : toy.log()) out.push_back(call.config);
  return out;
}

TEST(StrategyMutator, ANamedMutatorGivesADifferentReproducibleTrajectory) {
  for (const char* strategy : {"one-plus-one", "regularized-evolution", "mu-plus-lambda"}) {
    const std::vector<Config> plain = trajectory(strategy, nlohmann::json::object(), 11);
    const nlohmann::json adjacent = {{"mutator", "adjacent-step"}};
    const std::vector<Config> a = trajectory(strategy, adjacent, 11);
    EXPECT_EQ(a, trajectory(strategy, adjacent, 11)) << strategy;
    EXPECT_NE(a, plain) << strategy;
    // Naming the default is the default.
    EXPECT_EQ(trajectory(strategy, {{"mutator", "space"}}, 11), plain) << strategy;
  }
  // One-plus-one's children are then all one adjacent step from a parent: every
  // evaluated point after the first differs from an earlier one by one place.
  const std::vector<Config> a = trajectory(
      "one-plus-one", {{"mutator", "adjacent-step"}, {"multi_mutation_probability", 0}}, 11);
  for (std::size_t i = 1; i < a.size(); ++i) {
    bool near_earlier = false;
    for (std::size_t j = 0; j < i && !near_earlier; ++j) {
      int distance = 0;
      for (std::size_t p = 0; p < 4; ++p)
        distance += std::abs(static_cast<int>(a[i].index[p]) - static_cast<int>(a[j].index[p]));
      near_earlier = distance == 1;
    }
    EXPECT_TRUE(near_earlier) << "evaluation " << i;
  }
}

TEST(StrategyMutator, AUserMutatorRegisteredInTheContextsRegistryIsUsed) {
  MutatorRegistry mutators;
  register_builtin_mutators(mutators);
  // Always x0 up by one (when it can): the first parameter climbs, nothing else moves.
  mutators.add("x0-up", "x0 one up", [](const MutatorContext&) {
    return Mutator([](Rng&, const Config& c) {
      Config next = c;
      if (next.index[0] < 9) ++next.index[0];
      return next;
    });
  });
  const std::vector<Config> t = trajectory("one-plus-one", {{"mutator", "x0-up"}}, 3, &mutators);
  ASSERT_GT(t.size(), 3u);
  for (std::size_t i = 1; i < t.size(); ++i) {
    EXPECT_EQ(t[i].index[1], t[0].index[1]);
    EXPECT_GE(t[i].index[0], t[0].index[0]);
  }
  // Without that registry the name is unknown.
  EXPECT_THROW(trajectory("one-plus-one", {{"mutator", "x0-up"}}, 3), InputError);
}

TEST(StrategyMutator, ContextMutatorIsTheDefaultForEveryStrategy) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  std::size_t calls = 0;
  context.mutator = [&calls, space = &toy.space()](Rng& rng, const Config& c, std::size_t n) {
    ++calls;
    return space->mutate(rng, c, n);
  };
  auto s = builtins().create("regularized-evolution", context);
  EvolveLoop loop(*s, toy, Budget{80});
  Rng rng(1);
  loop.run(rng);
  EXPECT_GT(calls, 40u);
}

TEST(StrategyMutator, EvoPressTakesSumParametersOrAMutatorNotBoth) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"sum_parameters", {"x0", "x1"}}, {"mutator", "adjacent-step"}};
  EXPECT_THROW(builtins().create("evopress", context), InputError);
}

// Checkpoints restore a strategy built from the same parameters: with a named
// mutator it continues exactly as the uninterrupted one.
TEST(StrategyMutator, CheckpointWithANamedMutatorContinuesIdentically) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"mutator", "adjacent-step"}};
  auto drive = [&](Strategy& s, Rng& rng, std::size_t steps) {
    std::vector<Config> asked;
    for (std::size_t i = 0; i < steps; ++i) {
      for (Config& c : s.ask(rng, 2)) {
        Scored r{c, toy.fitness(c), {}, true};
        asked.push_back(std::move(c));
        s.tell(std::span<const Scored>(&r, 1));
      }
    }
    return asked;
  };
  for (const char* strategy : {"one-plus-one", "regularized-evolution", "bandit"}) {
    auto original = builtins().create(strategy, context);
    Rng rng(8);
    drive(*original, rng, 25);
    const std::string state = original->save().dump();
    const std::string rng_state = rng.save();
    const std::vector<Config> expected = drive(*original, rng, 30);
    auto restored = builtins().create(strategy, context);
    restored->restore(nlohmann::json::parse(state));
    Rng rng2;
    rng2.restore(rng_state);
    EXPECT_EQ(drive(*restored, rng2, 30), expected) << strategy;
  }
}

}  // namespace
}  // namespace evojit
