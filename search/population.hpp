// Small pieces the population strategies share: ranking of scored points, a key
// for configurations, the self-adaptive mutation step, and the bookkeeping of
// children asked for but not yet told (results may arrive in any order, and a
// child's inherited traits, e.g. its mutation strength, must find it again).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/strategy.hpp"

namespace evojit {

// Fast identity of a configuration within one space (hash of the index vector).
std::uint64_t config_key(const Config& c);

// Strict "a is better than b": ok beats failed, then higher fitness.
inline bool better(const Scored& a, const Scored& b) {
  if (a.ok != b.ok) return a.ok;
  return a.fitness > b.fitness;
}

// Sorts best first; ties keep their order (the earlier one stays ahead).
void sort_best_first(std::vector<Scored>& v);
std::optional<std::size_t> index_of_config(std::span<const Scored> v, const Config& c);

// Number of parameters a child changes given a (real) mutation strength s >= 1:
// floor(s), plus one with probability frac(s); clamped to [1, parameters].
std::size_t mutation_count(Rng& rng, double strength, std::size_t parameters);
// Log-normal self-adaptation of a strength: s * exp(tau * N(0,1)), in [1, parameters].
double perturb_strength(Rng& rng, double strength, std::size_t parameters);

// Children in flight, each with a payload (its mutation strength, the island it
// belongs to...). Several identical children may be pending: they are matched first
// in, first out.
template <class Payload>
class PendingChildren {
 public:
  void add(const Config& c, Payload p) { pending_.emplace(config_key(c), std::move(p)); }
  // The payload of the oldest pending child equal to `c`, removed; nullopt if none.
  std::optional<Payload> take(const Config& c) {
    const std::uint64_t key = config_key(c);
    auto it = pending_.lower_bound(key);
    if (it == pending_.end() || it->first != key) return std::nullopt;
    Payload p = std::move(it->second);
    pending_.erase(it);
    return p;
  }
  std::size_t size() const { return pending_.size(); }
  bool empty() const { return pending_.empty(); }
  void clear() { pending_.clear(); }

 private:
  std::multimap<std::uint64_t, Payload> pending_;  // multimap keeps insertion order per key
};

// JSON of a list of scored points, and back (validated against the space).
nlohmann::json scored_list_to_json(std::span<const Scored> v);
std::vector<Scored> scored_list_from_json(const nlohmann::json& j, const ParameterSpace& space);

}  // namespace evojit
