// Sampling, mutation, crossover repair and the emptiness check of ParameterSpace: all
// are the depth-first assignment of space_search.hpp with a different choice of free
// parameters and value order. None enumerates the Cartesian product: a constraint is
// checked as soon as the parameters it reads are assigned, so a violated constraint
// prunes the whole subtree below it.
#include <algorithm>
#include <numeric>

#include "genomes/parameter_space.hpp"
#include "genomes/space_points.hpp"
#include "genomes/space_search.hpp"

namespace evojit {
namespace space_detail {

std::vector<std::size_t> good_order(const ParameterSpace& space,
                                    const std::vector<bool>& free_mask) {
  const auto& reads = space.constraint_parameters();
  const std::size_t n = space.size();
  std::vector<bool> assigned(n);
  for (std::size_t p = 0; p < n; ++p) assigned[p] = !free_mask[p];
  std::vector<std::size_t> order;
  while (true) {
    std::size_t best = n;
    std::tuple<int, int, std::int64_t> best_key{};
    for (std::size_t p = 0; p < n; ++p) {
      if (assigned[p]) continue;
      int completes = 0, touches = 0;
      for (const auto& r : reads) {
        if (!std::binary_search(r.begin(), r.end(), p)) continue;
        ++touches;
        bool all = true;
        for (std::size_t q : r) all = all && (q == p || assigned[q]);
        completes += all;
      }
      const std::tuple<int, int, std::int64_t> key{
          completes, touches, -static_cast<std::int64_t>(space.parameters()[p].values.size())};
      if (best == n || key > best_key) {
        best = p;
        best_key = key;
      }
    }
    if (best == n) break;
    assigned[best] = true;
    order.push_back(best);
  }
  return order;
}

Plan make_plan(const ParameterSpace& space, std::vector<std::size_t> free) {
  Plan plan;
  std::vector<std::size_t> position(space.size(), SIZE_MAX);  // SIZE_MAX: fixed
  for (std::size_t d = 0; d < free.size(); ++d) position[free[d]] = d;
  plan.checks.resize(free.size());
  const auto& reads = space.constraint_parameters();
  for (std::size_t k = 0; k < reads.size(); ++k) {
    std::size_t last = SIZE_MAX;
    bool any_free = false;
    for (std::size_t p : reads[k]) {
      if (position[p] == SIZE_MAX) continue;
      last = any_free ? std::max(last, position[p]) : position[p];
      any_free = true;
    }
    if (any_free)
      plan.checks[last].push_back(k);
    else
      plan.initial.push_back(k);
  }
  plan.free = std::move(free);
  return plan;
}

}  // namespace space_detail

namespace {

void shuffled(Rng& rng, std::size_t n, std::vector<std::uint32_t>& out) {
  out.resize(n);
  std::iota(out.begin(), out.end(), 0u);
  for (std::size_t i = n; i > 1; --i) std::swap(out[i - 1], out[rng.below(i)]);
}

}  // namespace

std::optional<Config> ParameterSpace::sample(Rng& rng) const {
  if (const std::vector<Config>* list = listed_points()) {
    if (list->empty()) return std::nullopt;
    return (*list)[rng.below(list->size())];
  }
  Config c = default_config();
  auto order = [&](std::size_t p, std::vector<std::uint32_t>& out) {
    shuffled(rng, parameters_[p].values.size(), out);
  };
  // Restarts with growing budgets: a random early choice can lead into a large
  // subtree without valid points, and a fresh walk usually avoids it.
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::uint64_t budget = std::uint64_t{2000} << (2 * attempt);
    if (space_detail::run_search(*this, order_, checks_at_, initial_checks_, c, order, budget))
      return c;
    if (budget > 0) return std::nullopt;  // exhausted the whole tree: the space is empty
  }
  return std::nullopt;
}

std::optional<Config> ParameterSpace::find_valid(Rng& rng,
                                                 const std::function<bool(const Config&)>& accept,
                                                 std::uint64_t& budget) const {
  if (const std::vector<Config>* list = listed_points()) {
    const std::size_t n = list->size();
    const std::size_t start = n ? rng.below(n) : 0;
    for (std::size_t i = 0; i < n && budget > 0; ++i, --budget) {
      const Config& c = (*list)[(start + i) % n];
      if (accept(c)) return c;
    }
    return std::nullopt;
  }
  Config c = default_config();
  auto order = [&](std::size_t p, std::vector<std::uint32_t>& out) {
    shuffled(rng, parameters_[p].values.size(), out);
  };
  auto acceptable = [&](const Config& x) { return is_listed(x) && accept(x); };
  if (space_detail::run_search(*this, order_, checks_at_, initial_checks_, c, order, budget,
                               acceptable))
    return c;
  return std::nullopt;
}

bool ParameterSpace::has_valid_point() const {
  if (const std::vector<Config>* list = listed_points()) return !list->empty();
  Config c = default_config();
  auto order = [&](std::size_t p, std::vector<std::uint32_t>& out) {
    out.resize(parameters_[p].values.size());
    std::iota(out.begin(), out.end(), 0u);
  };
  std::uint64_t budget = UINT64_MAX;
  return space_detail::run_search(*this, order_, checks_at_, initial_checks_, c, order, budget);
}

Config ParameterSpace::mutate(Rng& rng, const Config& parent, std::size_t count) const {
  std::vector<std::size_t> movable;
  for (std::size_t p = 0; p < size(); ++p)
    if (parameters_[p].values.size() > 1) movable.push_back(p);
  if (movable.empty() || count == 0 || parent.index.size() != size()) return parent;
  count = std::min(count, movable.size());
  for (int attempt = 0; attempt < 32; ++attempt) {
    // Choose `count` distinct parameters; each must move to another value.
    for (std::size_t i = 0; i < count; ++i)
      std::swap(movable[i], movable[i + rng.below(movable.size() - i)]);
    std::vector<bool> mask(size(), false);
    for (std::size_t i = 0; i < count; ++i) mask[movable[i]] = true;
    space_detail::Plan plan = space_detail::make_plan(*this, space_detail::good_order(*this, mask));
    Config c = parent;
    auto order = [&](std::size_t p, std::vector<std::uint32_t>& out) {
      shuffled(rng, parameters_[p].values.size(), out);
      out.erase(std::find(out.begin(), out.end(), parent.index[p]));
    };
    std::uint64_t budget = 20000;
    if (space_detail::run_search(*this, plan, c, order, budget)) return c;
  }
  return parent;
}

Config ParameterSpace::crossover(Rng& rng, const Config& a, const Config& b) const {
  if (a.index.size() != size() || b.index.size() != size()) return a;
  Config child = a;
  std::vector<bool> from_b(size());
  for (std::size_t p = 0; p < size(); ++p) {
    from_b[p] = rng.chance(0.5);
    if (from_b[p]) child.index[p] = b.index[p];
  }
  if (is_valid(child)) return child;
  // Repair: reassign everything, preferring the child's value, then the other
  // parent's, then the rest at random; the first valid point found stays close to
  // the intended mix.
  const Config wanted = child;
  auto order = [&](std::size_t p, std::vector<std::uint32_t>& out) {
    shuffled(rng, parameters_[p].values.size(), out);
    const std::uint32_t first = wanted.index[p];
    const std::uint32_t second = from_b[p] ? a.index[p] : b.index[p];
    auto put_front = [&](std::uint32_t v, std::size_t at) {
      auto it = std::find(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(), v);
      if (it != out.end()) std::rotate(out.begin() + static_cast<std::ptrdiff_t>(at), it, it + 1);
    };
    put_front(first, 0);
    if (second != first) put_front(second, 1);
  };
  std::uint64_t budget = 50000;
  if (space_detail::run_search(*this, order_, checks_at_, initial_checks_, child, order, budget))
    return child;
  return rng.chance(0.5) ? a : b;
}

}  // namespace evojit
