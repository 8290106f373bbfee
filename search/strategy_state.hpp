// Helpers every strategy shares: reading its JSON parameters with precise errors
// (`one-plus-one: /mutation_count: expected a positive integer`), and turning scored
// configurations into JSON and back for checkpoints.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/strategy.hpp"

namespace evojit {

class StrategyParams {
 public:
  // Throws InputError if `params` is neither null nor an object.
  StrategyParams(const nlohmann::json& params, std::string strategy);

  std::size_t positive_integer(const std::string& key, std::size_t fallback) const;
  std::size_t non_negative_integer(const std::string& key, std::size_t fallback) const;
  double probability(const std::string& key, double fallback) const;
  double positive_real(const std::string& key, double fallback) const;
  bool boolean(const std::string& key, bool fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  const nlohmann::json* object(const std::string& key) const;
  // An array of strings (e.g. parameter names); empty when absent.
  std::vector<std::string> text_list(const std::string& key) const;
  // The value under `key` as it is (nullptr when absent), for parameters with a
  // shape of their own (a mutator's name or object).
  const nlohmann::json* raw(const std::string& key) const { return get(key); }
  const std::string& strategy() const { return strategy_; }
  // Throws InputError naming the first key no getter asked for (a typo, say).
  void reject_unknown() const;

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const;
  const nlohmann::json* get(const std::string& key) const;

  nlohmann::json params_;
  std::string strategy_;
  mutable std::set<std::string> used_;
};

// The mutator a strategy makes children with: the "mutator" parameter when given
// ("adjacent-step", {"name": "level-switch", "parameters": [...]}), resolved through
// context.mutators; else context.mutator. Unknown names: InputError listing the known.
Mutator strategy_mutator(const StrategyContext& context, const StrategyParams& params);

nlohmann::json config_to_json(const Config& c);
// Validates indices against the space; throws InputError on a mismatch.
Config config_from_json(const nlohmann::json& j, const ParameterSpace& space);
nlohmann::json scored_to_json(const Scored& s);
Scored scored_from_json(const nlohmann::json& j, const ParameterSpace& space);

}  // namespace evojit
