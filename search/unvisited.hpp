// Where the evolve loop steers a strategy that keeps proposing configurations it has
// already evaluated: to an unvisited valid point near the last proposal (one or a
// few parameters changed), else to any unvisited point, found by an exhaustive walk
// of the space. Only when that walk finds none is the space exhausted.
#pragma once

#include <functional>
#include <optional>

#include "genomes/parameter_space.hpp"
#include "support/rng.hpp"

namespace evojit {

struct UnvisitedSearch {
  std::optional<Config> point;  // the unvisited point, if one was found
  bool exhausted = false;       // true: every valid point has been visited
};

// `visited(c)` says whether c was evaluated (or is being evaluated). The exhaustive
// walk is capped at `max_trials` value trials; past it, neither a point nor
// exhaustion is reported (a huge space whose valid points are needles).
UnvisitedSearch find_unvisited(const ParameterSpace& space, const Config& near, Rng& rng,
                               const std::function<bool(const Config&)>& visited,
                               std::uint64_t max_trials = 200'000'000);

}  // namespace evojit
