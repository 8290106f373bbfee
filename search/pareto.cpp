#include "search/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace evojit {

std::vector<double> objective_vector(const Scored& s) {
  if (!s.objectives.empty()) return s.objectives;
  return {-s.fitness};
}

bool dominates(const Scored& a, const Scored& b) {
  if (!a.ok) return false;
  if (!b.ok) return true;
  const std::vector<double> x = objective_vector(a);
  const std::vector<double> y = objective_vector(b);
  const std::size_t m = std::min(x.size(), y.size());
  bool strictly = false;
  for (std::size_t i = 0; i < m; ++i) {
    if (x[i] > y[i]) return false;
    if (x[i] < y[i]) strictly = true;
  }
  return strictly;
}

std::vector<std::vector<std::size_t>> non_dominated_sort(std::span<const Scored> points) {
  const std::size_t n = points.size();
  std::vector<std::vector<std::size_t>> dominated(n);  // i dominates these
  std::vector<std::size_t> dominators(n, 0);           // how many dominate i
  std::vector<std::vector<std::size_t>> fronts(1);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (dominates(points[i], points[j])) {
        dominated[i].push_back(j);
        ++dominators[j];
      } else if (dominates(points[j], points[i])) {
        dominated[j].push_back(i);
        ++dominators[i];
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (dominators[i] == 0) fronts[0].push_back(i);
  }
  while (!fronts.back().empty()) {
    std::vector<std::size_t> next;
    for (std::size_t i : fronts.back()) {
      for (std::size_t j : dominated[i]) {
        if (--dominators[j] == 0) next.push_back(j);
      }
    }
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(next));
  }
  fronts.pop_back();
  return fronts;
}

std::vector<double> crowding_distance(std::span<const Scored> points,
                                      std::span<const std::size_t> front) {
  const std::size_t n = front.size();
  std::vector<double> distance(n, 0.0);
  if (n == 0) return distance;
  std::vector<std::vector<double>> objectives;
  for (std::size_t i : front) objectives.push_back(objective_vector(points[i]));
  std::size_t m = objectives[0].size();
  for (const auto& o : objectives) m = std::min(m, o.size());
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> order(n);
  for (std::size_t k = 0; k < m; ++k) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return objectives[a][k] < objectives[b][k];
    });
    distance[order.front()] = kInf;
    distance[order.back()] = kInf;
    const double range = objectives[order.back()][k] - objectives[order.front()][k];
    if (range <= 0.0 || !std::isfinite(range)) continue;
    for (std::size_t i = 1; i + 1 < n; ++i) {
      distance[order[i]] += (objectives[order[i + 1]][k] - objectives[order[i - 1]][k]) / range;
    }
  }
  return distance;
}

}  // namespace evojit
