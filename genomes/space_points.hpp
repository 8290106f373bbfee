// Internal to genomes/: the list a ParameterSpace can be restricted to
// (ParameterSpace::with_points), with a hash set for membership.
#pragma once

#include <unordered_set>
#include <vector>

#include "genomes/parameter_space.hpp"
#include "support/hash.hpp"

namespace evojit {

struct ConfigIndexHash {
  std::size_t operator()(const Config& c) const {
    return static_cast<std::size_t>(
        hash_bytes(c.index.data(), c.index.size() * sizeof(std::uint32_t)));
  }
};

struct ParameterSpace::PointList {
  std::vector<Config> points;
  std::unordered_set<Config, ConfigIndexHash> members;
};

}  // namespace evojit
