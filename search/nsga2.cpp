#include "search/nsga2.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "search/pareto.hpp"
#include "search/strategy_state.hpp"
#include "support/error.hpp"

namespace evojit {

Nsga2::Nsga2(const StrategyContext& context) : space_(*context.space), seed_(context.seed) {
  const StrategyParams params(context.params, name());
  population_size_ = params.positive_integer("population", population_size_);
  crossover_probability_ = params.probability("crossover_probability", crossover_probability_);
  mutation_count_ = params.positive_integer("mutation_count", mutation_count_);
  multi_mutation_probability_ =
      params.probability("multi_mutation_probability", multi_mutation_probability_);
  mutator_ = strategy_mutator(context, params);
  params.reject_unknown();
}

std::size_t Nsga2::binary_tournament(Rng& rng) const {
  const std::size_t a = rng.below(population_.size());
  const std::size_t b = rng.below(population_.size());
  if (rank_[a] != rank_[b]) return rank_[a] < rank_[b] ? a : b;
  return crowding_[a] >= crowding_[b] ? a : b;
}

std::vector<Config> Nsga2::ask(Rng& rng, std::size_t n) {
  std::vector<Config> out;
  while (out.size() < n && asked_ < population_size_) {
    Config c;
    if (generation_ == 0) {
      std::optional<Config> s = (asked_ == 0 && seed_) ? seed_ : space_.sample(rng);
      if (!s) break;
      c = std::move(*s);
    } else {
      c = population_[binary_tournament(rng)].config;
      if (rng.chance(crossover_probability_)) {
        c = space_.crossover(rng, c, population_[binary_tournament(rng)].config);
      }
      std::size_t count = mutation_count_;
      while (count < space_.size() && rng.chance(multi_mutation_probability_)) ++count;
      c = mutator_(space_, rng, c, count);
    }
    pending_.add(c, 0);
    ++asked_;
    out.push_back(std::move(c));
  }
  return out;
}

void Nsga2::archive(const Scored& s) {
  if (!s.ok) return;
  for (const Scored& a : archive_) {
    if (a.config == s.config || dominates(a, s)) return;
  }
  std::erase_if(archive_, [&](const Scored& a) { return dominates(s, a); });
  archive_.push_back(s);
}

void Nsga2::tell(std::span<const Scored> results) {
  for (const Scored& s : results) {
    pending_.take(s.config);
    offspring_.push_back(s);
    archive(s);
    if (asked_ >= population_size_ && pending_.empty()) {
      select(std::move(offspring_));
      offspring_.clear();
      asked_ = 0;
      ++generation_;
    }
  }
}

void Nsga2::select(std::vector<Scored> extra) {
  std::vector<Scored> pool;
  for (std::vector<Scored>* part : {&population_, &extra}) {
    for (Scored& s : *part) {
      if (!index_of_config(pool, s.config)) pool.push_back(std::move(s));
    }
  }
  const std::vector<std::vector<std::size_t>> fronts = non_dominated_sort(pool);
  std::vector<Scored> next;
  std::vector<std::size_t> rank;
  std::vector<double> crowding;
  for (std::size_t f = 0; f < fronts.size() && next.size() < population_size_; ++f) {
    const std::vector<double> distance = crowding_distance(pool, fronts[f]);
    std::vector<std::size_t> order(fronts[f].size());
    std::iota(order.begin(), order.end(), 0);
    // The last front that fits only partly keeps its least crowded members.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return distance[a] > distance[b]; });
    for (std::size_t k : order) {
      if (next.size() == population_size_) break;
      next.push_back(pool[fronts[f][k]]);
      rank.push_back(f);
      crowding.push_back(distance[k]);
    }
  }
  population_ = std::move(next);
  rank_ = std::move(rank);
  crowding_ = std::move(crowding);
}

void Nsga2::immigrate(std::span<const Scored> migrants) {
  for (const Scored& m : migrants) archive(m);
  if (generation_ == 0) return;
  select(std::vector<Scored>(migrants.begin(), migrants.end()));
}

nlohmann::json Nsga2::save() const {
  // Ranks and crowding distances were computed over parents and children together,
  // so they are saved rather than recomputed. JSON has no infinity: the largest
  // double stands for it and orders the same way.
  std::vector<double> crowding = crowding_;
  for (double& d : crowding) d = std::min(d, std::numeric_limits<double>::max());
  return {{"population", scored_list_to_json(population_)},
          {"rank", rank_},
          {"crowding", crowding},
          {"offspring", scored_list_to_json(offspring_)},
          {"archive", scored_list_to_json(archive_)},
          {"generation", generation_}};
}

void Nsga2::restore(const nlohmann::json& state) {
  population_ = scored_list_from_json(state.at("population"), space_);
  rank_ = state.at("rank").get<std::vector<std::size_t>>();
  crowding_ = state.at("crowding").get<std::vector<double>>();
  if (rank_.size() != population_.size() || crowding_.size() != population_.size()) {
    throw_input_error("nsga2 state: rank and crowding do not match the population", "checkpoint");
  }
  offspring_ = scored_list_from_json(state.at("offspring"), space_);
  archive_ = scored_list_from_json(state.at("archive"), space_);
  generation_ = state.at("generation").get<std::size_t>();
  pending_.clear();
  asked_ = offspring_.size();
}

}  // namespace evojit
