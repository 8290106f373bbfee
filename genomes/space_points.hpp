// Internal to genomes/: the list a ParameterSpace can be restricted to
// (ParameterSpace::with_points), with a hash set for membership.
#pragma once

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

// Membership is an open-addressing table of positions in `points` (a replay lists
// 10^5 points: a node and a second copy of each in an unordered_set cost more to
// build and to free than the run's search).
struct ParameterSpace::PointList {
  std::vector<Config> points;
  std::vector<std::uint32_t> slots;  // 0 empty, else 1 + a position in points; size 2^k

  // Adds `c` unless it is listed already; true when added.
  bool insert(const Config& c);
  bool contains(const Config& c) const;

 private:
  // The slot holding `c`, or the empty slot where it would go.
  std::size_t slot_of(const Config& c) const;
  void grow();
};

}  // namespace evojit
