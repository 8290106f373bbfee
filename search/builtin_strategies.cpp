// The explicit list of strategies evojit ships. Adding a strategy: write it, then add
// one line here.
#include "search/one_plus_one.hpp"
#include "search/strategy.hpp"

namespace evojit {

void register_builtin_strategies(StrategyRegistry& registry) {
  registry.add("one-plus-one", "(1+1) evolution, strict-improvement acceptance",
               [](const StrategyContext& c) { return std::make_unique<OnePlusOne>(c); });
}

}  // namespace evojit
