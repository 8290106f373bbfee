#include "search/strategy_state.hpp"

#include "support/error.hpp"

namespace evojit {

StrategyParams::StrategyParams(const nlohmann::json& params, std::string strategy)
    : params_(params.is_null() ? nlohmann::json::object() : params),
      strategy_(std::move(strategy)) {
  if (!params_.is_object()) {
    throw_input_error("strategy parameters must be a JSON object", strategy_,
                      "e.g. {\"population\": 32}");
  }
}

void StrategyParams::fail(const std::string& key, const std::string& expected) const {
  throw_input_error("expected " + expected + ", got " + params_.at(key).dump(),
                    strategy_ + ": /" + key);
}

const nlohmann::json* StrategyParams::get(const std::string& key) const {
  used_.insert(key);
  auto it = params_.find(key);
  return it == params_.end() ? nullptr : &*it;
}

std::size_t StrategyParams::positive_integer(const std::string& key, std::size_t fallback) const {
  const nlohmann::json* v = get(key);
  if (!v) return fallback;
  if (!v->is_number_integer() || v->get<long long>() <= 0) fail(key, "a positive integer");
  return v->get<std::size_t>();
}

std::size_t StrategyParams::non_negative_integer(const std::string& key,
                                                 std::size_t fallback) const {
  const nlohmann::json* v = get(key);
  if (!v) return fallback;
  if (!v->is_number_integer() || v->get<long long>() < 0) fail(key, "a non-negative integer");
  return v->get<std::size_t>();
}

double StrategyParams::probability(const std::string& key, double fallback) const {
  const nlohmann::json* v = get(key);
  if (!v) return fallback;
  if (!v->is_number() || v->get<double>() < 0.0 || v->get<double>() > 1.0) {
    fail(key, "a probability in [0, 1]");
  }
  return v->get<double>();
}

double StrategyParams::positive_real(const std::string& key, double fallback) const {
  const nlohmann::json* v = get(key);
  if (!v) return fallback;
  if (!v->is_number() || v->get<double>() <= 0.0) fail(key, "a positive number");
  return v->get<double>();
}

bool StrategyParams::boolean(const std::string& key, bool fallback) const {
  const nlohmann::json* v = get(key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail(key, "true or false");
  return v->get<bool>();
}

std::string StrategyParams::text(const std::string& key, const std::string& fallback) const {
  const nlohmann::json* v = get(key);
  if (!v) return fallback;
  if (!v->is_string()) fail(key, "a string");
  return v->get<std::string>();
}

const nlohmann::json* StrategyParams::object(const std::string& key) const {
  const nlohmann::json* v = get(key);
  if (v && !v->is_object()) fail(key, "a JSON object");
  return v;
}

std::vector<std::string> StrategyParams::text_list(const std::string& key) const {
  const nlohmann::json* v = get(key);
  if (!v) return {};
  if (!v->is_array()) fail(key, "an array of strings");
  std::vector<std::string> out;
  for (const nlohmann::json& item : *v) {
    if (!item.is_string()) fail(key, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

void StrategyParams::reject_unknown() const {
  for (auto it = params_.begin(); it != params_.end(); ++it) {
    if (!used_.count(it.key())) {
      std::string known;
      for (const std::string& k : used_) known += (known.empty() ? "" : ", ") + k;
      throw_input_error(
          "unknown parameter", strategy_ + ": /" + it.key(),
          known.empty() ? "this strategy takes no parameters" : "known parameters: " + known);
    }
  }
}

Mutator strategy_mutator(const StrategyContext& context, const StrategyParams& params) {
  const nlohmann::json* spec = params.raw("mutator");
  if (!spec) return context.mutator;
  return mutator_from_json(*spec, *context.space, context.mutators,
                           params.strategy() + ": /mutator");
}

nlohmann::json config_to_json(const Config& c) { return c.index; }

Config config_from_json(const nlohmann::json& j, const ParameterSpace& space) {
  Config c;
  if (!j.is_array() || j.size() != space.size()) {
    throw_input_error(
        "configuration does not match the space (" + std::to_string(space.size()) + " parameters)",
        "checkpoint");
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto v = j[i].get<std::uint32_t>();
    if (v >= space.parameters()[i].values.size()) {
      throw_input_error(
          "value index out of range for parameter '" + space.parameters()[i].name + "'",
          "checkpoint");
    }
    c.index.push_back(v);
  }
  return c;
}

nlohmann::json scored_to_json(const Scored& s) {
  return {{"config", config_to_json(s.config)},
          {"fitness", s.fitness},
          {"objectives", s.objectives},
          {"ok", s.ok},
          {"id", s.id},
          {"fidelity", s.fidelity}};
}

Scored scored_from_json(const nlohmann::json& j, const ParameterSpace& space) {
  Scored s;
  s.config = config_from_json(j.at("config"), space);
  s.fitness = j.at("fitness").get<double>();
  s.objectives = j.value("objectives", std::vector<double>{});
  s.ok = j.at("ok").get<bool>();
  s.id = j.value("id", std::uint64_t{0});
  s.fidelity = j.value("fidelity", std::size_t{0});
  return s;
}

}  // namespace evojit
