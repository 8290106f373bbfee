// Pareto dominance over scored points, the building blocks of NSGA-II: fast
// non-dominated sorting and crowding distance (Deb et al. 2002). Objectives are
// minimized; a point without objectives is ranked by -fitness; a failed point is
// dominated by every successful one and dominates nothing.
#pragma once

#include <span>
#include <vector>

#include "search/strategy.hpp"

namespace evojit {

// The objective vector NSGA-II works with (see above).
std::vector<double> objective_vector(const Scored& s);
bool dominates(const Scored& a, const Scored& b);

// Fronts of indices into `points`: front 0 is non-dominated, front 1 is
// non-dominated once front 0 is removed, and so on. O(M N^2).
std::vector<std::vector<std::size_t>> non_dominated_sort(std::span<const Scored> points);
// Crowding distance of each member of `front` (same order); boundary points get
// infinity.
std::vector<double> crowding_distance(std::span<const Scored> points,
                                      std::span<const std::size_t> front);

}  // namespace evojit
