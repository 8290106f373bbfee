// The adjacent-value neighbourhood of a configuration: parameter values are ordered
// lists (block sizes, tiling factors, unroll counts), and on tuning landscapes the
// next value up or down usually performs much like the current one, so a step to an
// adjacent value is the local move that exploits that order. A uniform mutation
// (ParameterSpace::mutate) ignores it.
#pragma once

#include "genomes/parameter_space.hpp"

namespace evojit {

// Moves `count` randomly chosen parameters one place up or down their value list
// (down or up at the ends), so that the result is valid and differs from `parent`;
// falls back to ParameterSpace::mutate with `count` when no such step is valid.
Config adjacent_step(const ParameterSpace& space, Rng& rng, const Config& parent,
                     std::size_t count = 1);

}  // namespace evojit
