#include "search/random_search.hpp"

#include <set>

#include <gtest/gtest.h>

#include "search/population.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

TEST(RandomSearch, NeverRepeatsInAnEnumeratedSpace) {
  test::ToyEvaluator toy({0, 0, 0}, 6);  // 216 points
  StrategyContext context{&toy.space()};
  RandomSearch s(context);
  Rng rng(1);
  std::set<std::uint64_t> seen;
  std::size_t total = 0;
  while (true) {
    const std::vector<Config> batch = s.ask(rng, 7);
    if (batch.empty()) break;
    for (const Config& c : batch) seen.insert(config_key(c));
    total += batch.size();
  }
  EXPECT_EQ(total, 216u);
  EXPECT_EQ(seen.size(), 216u);
}

TEST(RandomSearch, RarelyRepeatsWhenSampling) {
  test::ToyEvaluator toy;
  StrategyContext context{&toy.space()};
  context.params = {{"enumerate_limit", 0}};  // force sampling
  RandomSearch s(context);
  Rng rng(2);
  std::set<std::uint64_t> seen;
  for (const Config& c : s.ask(rng, 1000)) seen.insert(config_key(c));
  // 1000 of 10^4 points: without the retries about 50 would repeat.
  EXPECT_GE(seen.size(), 998u);
}

}  // namespace
}  // namespace evojit
