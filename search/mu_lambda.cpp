#include "search/mu_lambda.hpp"

#include <algorithm>
#include <cmath>

#include "search/strategy_state.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

bool better_individual(const MuLambda::Individual& a, const MuLambda::Individual& b) {
  return better(a.scored, b.scored);
}

nlohmann::json individuals_to_json(const std::vector<MuLambda::Individual>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (const MuLambda::Individual& i : v) {
    nlohmann::json j = scored_to_json(i.scored);
    j["strength"] = i.strength;
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<MuLambda::Individual> individuals_from_json(const nlohmann::json& j,
                                                        const ParameterSpace& space) {
  std::vector<MuLambda::Individual> out;
  for (const nlohmann::json& i : j) {
    out.push_back({scored_from_json(i, space), i.at("strength").get<double>()});
  }
  return out;
}

}  // namespace

MuLambda::MuLambda(const StrategyContext& context, bool plus)
    : space_(*context.space), seed_(context.seed), plus_(plus) {
  const StrategyParams params(context.params, name());
  mu_ = params.positive_integer("mu", mu_);
  lambda_ = params.positive_integer("lambda", lambda_);
  crossover_probability_ = params.probability("crossover_probability", crossover_probability_);
  initial_strength_ = params.positive_real("initial_strength", initial_strength_);
  mutator_ = strategy_mutator(context, params);
  params.reject_unknown();
  if (!plus_ && lambda_ < mu_) {
    throw_input_error("lambda must be at least mu for (mu,lambda) selection", name() + ": /lambda",
                      "raise lambda or use mu-plus-lambda");
  }
}

Config MuLambda::make_child(Rng& rng, double& strength) {
  const Individual& a = parents_[rng.below(parents_.size())];
  Config child = a.scored.config;
  strength = a.strength;
  if (parents_.size() > 1 && rng.chance(crossover_probability_)) {
    const Individual& b = parents_[rng.below(parents_.size())];
    child = space_.crossover(rng, a.scored.config, b.scored.config);
    strength = std::sqrt(a.strength * b.strength);
  }
  strength = perturb_strength(rng, strength, space_.size());
  return mutator_(space_, rng, child, mutation_count(rng, strength, space_.size()));
}

std::vector<Config> MuLambda::ask(Rng& rng, std::size_t n) {
  std::vector<Config> out;
  while (out.size() < n) {
    if (generation_ == 0) {
      if (asked_ >= mu_) break;
      std::optional<Config> c = (asked_ == 0 && seed_) ? seed_ : space_.sample(rng);
      if (!c) break;
      pending_.add(*c, initial_strength_);
      out.push_back(std::move(*c));
    } else {
      if (asked_ >= lambda_) break;
      double strength = initial_strength_;
      Config c = make_child(rng, strength);
      pending_.add(c, strength);
      out.push_back(std::move(c));
    }
    ++asked_;
  }
  return out;
}

void MuLambda::tell(std::span<const Scored> results) {
  for (const Scored& s : results) {
    // A result this strategy did not ask for (routed here by a composite) joins the
    // generation with the initial strength.
    const double strength = pending_.take(s.config).value_or(initial_strength_);
    offspring_.push_back({s, strength});
    if (asked_ >= (generation_ == 0 ? mu_ : lambda_) && pending_.empty()) end_generation();
  }
}

void MuLambda::end_generation() {
  // Children first: a child equal in fitness to a parent displaces it.
  std::vector<Individual> pool = offspring_;
  if (plus_ || generation_ == 0) pool.insert(pool.end(), parents_.begin(), parents_.end());
  std::vector<Individual> unique;
  for (Individual& i : pool) {
    const bool seen = std::any_of(unique.begin(), unique.end(), [&](const Individual& u) {
      return u.scored.config == i.scored.config;
    });
    if (!seen) unique.push_back(std::move(i));
  }
  std::stable_sort(unique.begin(), unique.end(), better_individual);
  if (unique.size() > mu_) unique.resize(mu_);
  if (!unique.empty()) parents_ = std::move(unique);
  offspring_.clear();
  asked_ = 0;
  ++generation_;
}

void MuLambda::immigrate(std::span<const Scored> migrants) {
  if (generation_ == 0) return;  // no parents yet to compete with
  for (const Scored& m : migrants) {
    const bool present = std::any_of(parents_.begin(), parents_.end(), [&](const Individual& p) {
      return p.scored.config == m.config;
    });
    if (!present) parents_.push_back({m, initial_strength_});
  }
  std::stable_sort(parents_.begin(), parents_.end(), better_individual);
  if (parents_.size() > mu_) parents_.resize(mu_);
}

nlohmann::json MuLambda::save() const {
  return {{"parents", individuals_to_json(parents_)},
          {"offspring", individuals_to_json(offspring_)},
          {"generation", generation_}};
}

void MuLambda::restore(const nlohmann::json& state) {
  parents_ = individuals_from_json(state.at("parents"), space_);
  offspring_ = individuals_from_json(state.at("offspring"), space_);
  generation_ = state.at("generation").get<std::size_t>();
  // Children in flight when the checkpoint was written are asked again.
  pending_.clear();
  asked_ = offspring_.size();
}

}  // namespace evojit
