#include "search/unvisited.hpp"

namespace evojit {

UnvisitedSearch find_unvisited(const ParameterSpace& space, const Config& near, Rng& rng,
                               const std::function<bool(const Config&)>& visited,
                               std::uint64_t max_trials) {
  UnvisitedSearch out;
  // Near first: the strategy's intent (a neighbourhood it is exploring) is kept.
  if (near.index.size() == space.size()) {
    for (std::size_t changed = 1; changed <= std::min<std::size_t>(3, space.size()); ++changed) {
      for (int attempt = 0; attempt < 8; ++attempt) {
        Config c = space.mutate(rng, near, changed);
        if (c != near && space.is_valid(c) && !visited(c)) {
          out.point = std::move(c);
          return out;
        }
      }
    }
  }
  std::uint64_t budget = max_trials;
  out.point = space.find_valid(
      rng, [&](const Config& c) { return !visited(c); }, budget);
  out.exhausted = !out.point && budget > 0;
  return out;
}

}  // namespace evojit
