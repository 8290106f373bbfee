#include "search/pareto.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace evojit {
namespace {

Scored point(double f1, double f2, bool ok = true) {
  Scored s;
  s.objectives = {f1, f2};
  s.ok = ok;
  return s;
}

TEST(Pareto, Dominance) {
  EXPECT_TRUE(dominates(point(1, 1), point(2, 2)));
  EXPECT_TRUE(dominates(point(1, 2), point(2, 2)));
  EXPECT_FALSE(dominates(point(1, 3), point(2, 2)));
  EXPECT_FALSE(dominates(point(1, 1), point(1, 1)));
  EXPECT_TRUE(dominates(point(9, 9), point(0, 0, false)));
  EXPECT_FALSE(dominates(point(0, 0, false), point(9, 9)));
}

TEST(Pareto, SortsIntoFronts) {
  const std::vector<Scored> p = {point(1, 4), point(2, 2), point(4, 1),
                                 point(3, 3), point(5, 5), point(0, 0, false)};
  const auto fronts = non_dominated_sort(p);
  ASSERT_EQ(fronts.size(), 4u);
  EXPECT_EQ(fronts[0], (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(fronts[1], (std::vector<std::size_t>{3}));
  EXPECT_EQ(fronts[2], (std::vector<std::size_t>{4}));
  EXPECT_EQ(fronts[3], (std::vector<std::size_t>{5}));
}

TEST(Pareto, CrowdingFavoursTheBoundaryAndSparseRegions) {
  const std::vector<Scored> p = {point(0, 4), point(1, 3), point(1.1, 2.9), point(4, 0)};
  const std::vector<std::size_t> front = {0, 1, 2, 3};
  const std::vector<double> d = crowding_distance(p, front);
  EXPECT_TRUE(std::isinf(d[0]));
  EXPECT_TRUE(std::isinf(d[3]));
  EXPECT_GT(d[2], d[1]);  // 1.1 has the wider gap towards (4, 0)
}

}  // namespace
}  // namespace evojit
