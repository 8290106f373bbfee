#include "search/random_search.hpp"

#include <unordered_map>

#include "search/population.hpp"
#include "search/strategy_state.hpp"

namespace evojit {

RandomSearch::RandomSearch(const StrategyContext& context) : space_(*context.space) {
  const StrategyParams params(context.params, "random");
  enumerate_limit_ = params.non_negative_integer("enumerate_limit", enumerate_limit_);
  retries_ = params.non_negative_integer("retries", retries_);
  params.reject_unknown();
}

void RandomSearch::enumerate() {
  // Odometer over the Cartesian product; only valid points are kept. Done lazily so
  // that building the strategy stays cheap.
  enumerated_ = true;
  remaining_.clear();
  const std::size_t n = space_.size();
  Config c;
  c.index.assign(n, 0);
  if (n == 0) return;
  while (true) {
    if (space_.is_valid(c)) remaining_.push_back(c);
    std::size_t i = 0;
    while (i < n && ++c.index[i] == space_.parameters()[i].values.size()) c.index[i++] = 0;
    if (i == n) break;
  }
}

std::optional<Config> RandomSearch::draw(Rng& rng) {
  if (space_.cartesian_size() <= enumerate_limit_) {
    if (!enumerated_) enumerate();
    if (remaining_.empty()) return std::nullopt;
    const std::size_t i = rng.below(remaining_.size());
    Config c = std::move(remaining_[i]);
    remaining_[i] = std::move(remaining_.back());
    remaining_.pop_back();
    return c;
  }
  std::optional<Config> c = space_.sample(rng);
  for (std::size_t attempt = 0; c && attempt < retries_ && proposed_keys_.count(config_key(*c));
       ++attempt) {
    c = space_.sample(rng);
  }
  return c;
}

std::vector<Config> RandomSearch::ask(Rng& rng, std::size_t n) {
  std::vector<Config> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::optional<Config> c = draw(rng);
    if (!c) break;
    proposed_keys_.insert(config_key(*c));
    proposed_.push_back(*c);
    out.push_back(std::move(*c));
  }
  return out;
}

nlohmann::json RandomSearch::save() const {
  nlohmann::json proposed = nlohmann::json::array();
  for (const Config& c : proposed_) proposed.push_back(config_to_json(c));
  return {{"proposed", proposed}};
}

void RandomSearch::restore(const nlohmann::json& state) {
  proposed_.clear();
  proposed_keys_.clear();
  enumerated_ = false;
  remaining_.clear();
  for (const nlohmann::json& j : state.at("proposed")) {
    proposed_.push_back(config_from_json(j, space_));
    proposed_keys_.insert(config_key(proposed_.back()));
  }
  if (space_.cartesian_size() > enumerate_limit_) return;
  // Replay the draws (swap-with-last removals) so the remaining points end up in
  // the same order as in the saved run, and later draws match it exactly.
  enumerate();
  std::unordered_map<std::uint64_t, std::size_t> position;
  for (std::size_t i = 0; i < remaining_.size(); ++i) position[config_key(remaining_[i])] = i;
  for (const Config& c : proposed_) {
    auto it = position.find(config_key(c));
    if (it == position.end()) continue;  // proposed twice or not valid: nothing to remove
    const std::size_t i = it->second;
    position.erase(it);
    if (i + 1 != remaining_.size()) {
      remaining_[i] = std::move(remaining_.back());
      position[config_key(remaining_[i])] = i;
    }
    remaining_.pop_back();
  }
}

}  // namespace evojit
