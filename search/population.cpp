#include "search/population.hpp"

#include <algorithm>
#include <cmath>

#include "search/strategy_state.hpp"
#include "support/hash.hpp"

namespace evojit {

std::uint64_t config_key(const Config& c) {
  return hash_bytes(c.index.data(), c.index.size() * sizeof(c.index[0]));
}

void sort_best_first(std::vector<Scored>& v) { std::stable_sort(v.begin(), v.end(), better); }

std::optional<std::size_t> index_of_config(std::span<const Scored> v, const Config& c) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].config == c) return i;
  }
  return std::nullopt;
}

std::size_t mutation_count(Rng& rng, double strength, std::size_t parameters) {
  const double s =
      std::clamp(strength, 1.0, static_cast<double>(std::max<std::size_t>(1, parameters)));
  auto count = static_cast<std::size_t>(std::floor(s));
  if (rng.chance(s - std::floor(s))) ++count;
  return std::clamp<std::size_t>(count, 1, std::max<std::size_t>(1, parameters));
}

double perturb_strength(Rng& rng, double strength, std::size_t parameters) {
  // tau = 1/sqrt(n) is the usual learning rate for one self-adapted step size; with
  // few parameters it would swing wildly, so it is capped.
  const double n = static_cast<double>(std::max<std::size_t>(1, parameters));
  const double tau = std::min(0.5, 1.0 / std::sqrt(n));
  return std::clamp(strength * std::exp(tau * rng.normal()), 1.0, n);
}

nlohmann::json scored_list_to_json(std::span<const Scored> v) {
  nlohmann::json out = nlohmann::json::array();
  for (const Scored& s : v) out.push_back(scored_to_json(s));
  return out;
}

std::vector<Scored> scored_list_from_json(const nlohmann::json& j, const ParameterSpace& space) {
  std::vector<Scored> out;
  for (const nlohmann::json& s : j) out.push_back(scored_from_json(s, space));
  return out;
}

}  // namespace evojit
