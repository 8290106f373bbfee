#include "genomes/adjacent_step.hpp"

#include <algorithm>

namespace evojit {

Config adjacent_step(const ParameterSpace& space, Rng& rng, const Config& parent,
                     std::size_t count) {
  std::vector<std::size_t> movable;
  for (std::size_t p = 0; p < space.size(); ++p)
    if (space.parameters()[p].values.size() > 1) movable.push_back(p);
  if (movable.empty() || count == 0 || parent.index.size() != space.size()) return parent;
  count = std::min(count, movable.size());
  // Each try is one hash look-up or a few constraint checks: cheap next to an
  // evaluation, and a sparse space (a list of recorded points) needs several.
  for (int attempt = 0; attempt < 64; ++attempt) {
    for (std::size_t i = 0; i < count; ++i)
      std::swap(movable[i], movable[i + rng.below(movable.size() - i)]);
    Config c = parent;
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t p = movable[i];
      const std::uint32_t n = static_cast<std::uint32_t>(space.parameters()[p].values.size());
      const std::uint32_t v = c.index[p];
      const bool up = v == 0 || (v + 1 < n && rng.chance(0.5));
      c.index[p] = up ? v + 1 : v - 1;
    }
    if (space.is_valid(c)) return c;
  }
  return space.mutate(rng, parent, count);
}

}  // namespace evojit
