// Internal to genomes/: the constraint-aware depth-first assignment that sampling,
// mutation, crossover repair and has_valid_point share. A plan lists the parameters
// to assign (in order) and, per position, the constraints that become decidable
// there; every other parameter keeps the value it has in the starting config. In a
// space restricted to a list of points, a complete assignment must also be listed.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "genomes/parameter_space.hpp"

namespace evojit::space_detail {

struct Plan {
  std::vector<std::size_t> free;                 // parameters to assign, in order
  std::vector<std::vector<std::size_t>> checks;  // per position in free
  std::vector<std::size_t> initial;              // decidable before any assignment
};

// An assignment order that makes constraints decidable early: greedily the free
// parameter completing the most constraints, then touching the most, then the one
// with fewer values. `free_mask[p]` marks the parameters to order.
std::vector<std::size_t> good_order(const ParameterSpace& space,
                                    const std::vector<bool>& free_mask);
Plan make_plan(const ParameterSpace& space, std::vector<std::size_t> free);

// A constraint violated or raising (division by zero, type error) rejects the point,
// as a configuration the kernel could not be built for.
inline bool check(const ParameterSpace& space, std::size_t k,
                  std::span<const Value* const> values) {
  try {
    return space.constraints()[k].holds(values);
  } catch (const InputError&) {
    return false;
  }
}

// Assigns plan.free in order, trying for each the value indices `order(param, out)`
// writes into out, backtracking on a violated constraint. On success `c` holds a
// valid point. `budget` counts value trials and is decremented.
// `accept` has the last word on a complete assignment (listed, and whatever else the
// caller wants: unvisited, say); a rejected one is backtracked from.
template <class Order, class Accept>
bool run_search(const ParameterSpace& space, std::span<const std::size_t> free,
                std::span<const std::vector<std::size_t>> checks,
                std::span<const std::size_t> initial, Config& c, Order&& order,
                std::uint64_t& budget, Accept&& accept) {
  const auto& params = space.parameters();
  std::vector<const Value*> ptrs(params.size());
  for (std::size_t p = 0; p < params.size(); ++p) ptrs[p] = &params[p].values[c.index[p]];
  for (std::size_t k : initial)
    if (!check(space, k, ptrs)) return false;
  const std::size_t m = free.size();
  if (m == 0) return accept(c);
  std::vector<std::vector<std::uint32_t>> cand(m);
  std::vector<std::size_t> pos(m, 0);
  std::size_t d = 0;
  order(free[0], cand[0]);
  while (true) {
    if (pos[d] == cand[d].size()) {
      if (d == 0) return false;
      --d;
      continue;
    }
    if (budget == 0) return false;
    --budget;
    const std::size_t p = free[d];
    const std::uint32_t v = cand[d][pos[d]++];
    c.index[p] = v;
    ptrs[p] = &params[p].values[v];
    bool ok = true;
    for (std::size_t k : checks[d]) {
      if (!check(space, k, ptrs)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (d + 1 == m) {
      if (accept(c)) return true;
      continue;
    }
    ++d;
    order(free[d], cand[d]);
    pos[d] = 0;
  }
}

template <class Order>
bool run_search(const ParameterSpace& space, std::span<const std::size_t> free,
                std::span<const std::vector<std::size_t>> checks,
                std::span<const std::size_t> initial, Config& c, Order&& order,
                std::uint64_t& budget) {
  return run_search(space, free, checks, initial, c, order, budget,
                    [&](const Config& x) { return space.is_listed(x); });
}

inline bool run_search(const ParameterSpace& space, const Plan& plan, Config& c, auto&& order,
                       std::uint64_t& budget) {
  return run_search(space, plan.free, plan.checks, plan.initial, c, order, budget);
}

}  // namespace evojit::space_detail
