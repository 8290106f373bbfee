// The explicit list of strategies evojit ships. Adding a strategy: write it (a
// Strategy, or any type with ask/tell through make_strategy, search/user_strategy.hpp),
// then add one line here.
#include "search/bandit_search.hpp"
#include "search/evopress.hpp"
#include "search/islands.hpp"
#include "search/mu_lambda.hpp"
#include "search/nsga2.hpp"
#include "search/one_plus_one.hpp"
#include "search/random_search.hpp"
#include "search/regularized_evolution.hpp"
#include "search/strategy.hpp"

namespace evojit {

void register_builtin_strategies(StrategyRegistry& registry) {
  registry.add("one-plus-one", "(1+1) evolution, strict-improvement acceptance",
               [](const StrategyContext& c) { return std::make_unique<OnePlusOne>(c); });
  registry.add("random", "uniform random valid points without replacement (the baseline)",
               [](const StrategyContext& c) { return std::make_unique<RandomSearch>(c); });
  registry.add("mu-plus-lambda", "(mu+lambda) evolution strategy, self-adaptive mutation",
               [](const StrategyContext& c) { return std::make_unique<MuLambda>(c, true); });
  registry.add("mu-comma-lambda", "(mu,lambda) evolution strategy, self-adaptive mutation",
               [](const StrategyContext& c) { return std::make_unique<MuLambda>(c, false); });
  registry.add("regularized-evolution", "aging evolution with tournament selection (steady state)",
               [](const StrategyContext& c) { return std::make_unique<RegularizedEvolution>(c); });
  registry.add("nsga2", "NSGA-II for several objectives; keeps the Pareto front",
               [](const StrategyContext& c) { return std::make_unique<Nsga2>(c); });
  registry.add("evopress", "(1+lambda) with multi-fidelity selection and level-switch mutation",
               [](const StrategyContext& c) { return std::make_unique<EvoPress>(c); });
  registry.add("bandit",
               "AUC bandit over adjacent-value steps, mutation, crossover and space-filling "
               "samples, after a space-filling start",
               [](const StrategyContext& c) { return std::make_unique<BanditSearch>(c); });
  registry.add("islands", "island model over any strategy, ring migration",
               [](const StrategyContext& c) { return std::make_unique<Islands>(c); });
}

}  // namespace evojit
