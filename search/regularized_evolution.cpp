#include "search/regularized_evolution.hpp"

#include <algorithm>

#include "search/population.hpp"
#include "search/strategy_state.hpp"

namespace evojit {

RegularizedEvolution::RegularizedEvolution(const StrategyContext& context)
    : space_(*context.space), seed_(context.seed) {
  const StrategyParams params(context.params, name());
  population_size_ = params.positive_integer("population", population_size_);
  tournament_size_ = params.positive_integer("tournament", tournament_size_);
  crossover_probability_ = params.probability("crossover_probability", crossover_probability_);
  mutation_count_ = params.positive_integer("mutation_count", mutation_count_);
  multi_mutation_probability_ =
      params.probability("multi_mutation_probability", multi_mutation_probability_);
  mutator_ = strategy_mutator(context, params);
  params.reject_unknown();
}

const Scored& RegularizedEvolution::tournament(Rng& rng) const {
  const Scored* best = nullptr;
  for (std::size_t i = 0; i < tournament_size_; ++i) {
    const Scored& s = population_[rng.below(population_.size())];
    if (!best || better(s, *best)) best = &s;
  }
  return *best;
}

std::vector<Config> RegularizedEvolution::ask(Rng& rng, std::size_t n) {
  std::vector<Config> out;
  while (out.size() < n) {
    if (random_asked_ < population_size_) {
      std::optional<Config> c = (random_asked_ == 0 && seed_) ? seed_ : space_.sample(rng);
      if (!c) break;
      ++random_asked_;
      out.push_back(std::move(*c));
      continue;
    }
    // Until the first results arrive there is nothing to select from.
    if (population_.empty()) break;
    Config child = tournament(rng).config;
    if (rng.chance(crossover_probability_)) {
      child = space_.crossover(rng, child, tournament(rng).config);
    }
    std::size_t count = mutation_count_;
    while (count < space_.size() && rng.chance(multi_mutation_probability_)) ++count;
    out.push_back(mutator_(space_, rng, child, count));
  }
  return out;
}

void RegularizedEvolution::add(const Scored& s) {
  population_.push_back(s);
  if (population_.size() > population_size_) population_.pop_front();
}

void RegularizedEvolution::tell(std::span<const Scored> results) {
  for (const Scored& s : results) add(s);
}

void RegularizedEvolution::immigrate(std::span<const Scored> migrants) {
  // Migrants arrive as newborns (they age like the rest); one already present would
  // only crowd out diversity.
  for (const Scored& m : migrants) {
    const bool present = std::any_of(population_.begin(), population_.end(),
                                     [&](const Scored& p) { return p.config == m.config; });
    if (!present) add(m);
  }
}

nlohmann::json RegularizedEvolution::save() const {
  const std::vector<Scored> population(population_.begin(), population_.end());
  return {{"population", scored_list_to_json(population)}, {"random_asked", random_asked_}};
}

void RegularizedEvolution::restore(const nlohmann::json& state) {
  const std::vector<Scored> population = scored_list_from_json(state.at("population"), space_);
  population_.assign(population.begin(), population.end());
  // Random points in flight when the checkpoint was written are asked again.
  random_asked_ = std::min(state.at("random_asked").get<std::size_t>(), population_.size());
}

}  // namespace evojit
