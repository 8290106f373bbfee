#include "search/knn_surrogate.hpp"

#include <gtest/gtest.h>

#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

Config at(std::vector<std::uint32_t> index) { return Config{std::move(index)}; }

TEST(KnnSurrogate, RatesAPointByItsNearestEvaluatedNeighbours) {
  const ParameterSpace space = test::make_toy_space(2, 10);
  KnnSurrogate surrogate(space, 2);
  EXPECT_DOUBLE_EQ(surrogate.predict(at({5, 5})), 0.5);  // no evidence yet
  surrogate.add(at({0, 0}), true, 1.0);
  surrogate.add(at({0, 1}), true, 2.0);
  surrogate.add(at({9, 9}), true, 10.0);
  surrogate.add(at({9, 8}), true, 9.0);
  surrogate.add(at({5, 0}), false, 0.0);
  EXPECT_EQ(surrogate.size(), 5u);
  // Near the two best points it predicts better than near the two worst.
  EXPECT_GT(surrogate.predict(at({8, 9})), surrogate.predict(at({1, 0})));
  // Next to a failed point it predicts the worst.
  EXPECT_LT(surrogate.predict(at({5, 1})), surrogate.predict(at({1, 0})));
  for (const Config& c : {at({8, 9}), at({1, 0}), at({5, 1})}) {
    EXPECT_GE(surrogate.predict(c), 0.0);
    EXPECT_LE(surrogate.predict(c), 1.0);
  }
}

TEST(KnnSurrogate, DependsOnTheRankOfTheFitnessNotItsScale) {
  const ParameterSpace space = test::make_toy_space(2, 10);
  KnnSurrogate small(space, 3), large(space, 3);
  const std::vector<Config> points{at({0, 0}), at({3, 7}), at({9, 2}), at({6, 6})};
  const std::vector<double> fitness{0.1, 0.4, 0.2, 0.3};
  for (std::size_t i = 0; i < points.size(); ++i) {
    small.add(points[i], true, fitness[i]);
    large.add(points[i], true, 1000.0 * fitness[i] * fitness[i]);  // same order
  }
  for (const Config& c : {at({1, 1}), at({4, 6}), at({8, 3})})
    EXPECT_DOUBLE_EQ(small.predict(c), large.predict(c));
  small.clear();
  EXPECT_EQ(small.size(), 0u);
  EXPECT_DOUBLE_EQ(small.predict(at({1, 1})), 0.5);
}

}  // namespace
}  // namespace evojit
