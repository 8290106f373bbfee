// NSGA-II (Deb et al. 2002) for several objectives (Scored::objectives, minimized;
// single-objective runs work too, ranking by -fitness). Generational: a random
// first population, then `population` children per generation, each from two
// binary-tournament winners (lower front first, then larger crowding distance),
// crossed over with `crossover_probability` and mutated; when a generation is told,
// parents and children are sorted into non-dominated fronts and the next population
// is filled front by front, the last front by crowding distance.
//
// pareto_front() is the non-dominated set of everything evaluated so far (an
// archive), not only the current population: a point once found on the front is
// not lost when crowding pushes it out.
//
// Parameters (JSON): "population" (default 20), "crossover_probability" (default
// 0.9), "mutation_count" (default 1), "multi_mutation_probability" (default 0.25).
#pragma once

#include "search/population.hpp"
#include "search/strategy.hpp"

namespace evojit {

class Nsga2 final : public Strategy {
 public:
  explicit Nsga2(const StrategyContext& context);

  std::string name() const override { return "nsga2"; }
  std::vector<Config> ask(Rng& rng, std::size_t n) override;
  void tell(std::span<const Scored> results) override;
  nlohmann::json save() const override;
  void restore(const nlohmann::json& state) override;
  std::vector<Scored> pareto_front() const override { return archive_; }
  void immigrate(std::span<const Scored> migrants) override;

  const std::vector<Scored>& population() const { return population_; }

 private:
  std::size_t binary_tournament(Rng& rng) const;
  // Keeps the best `population` of population_ + extra (deduplicated).
  void select(std::vector<Scored> extra);
  void archive(const Scored& s);

  const ParameterSpace& space_;
  Mutator mutator_;  // makes every child (StrategyContext::mutator)
  std::optional<Config> seed_;
  std::size_t population_size_ = 20;
  double crossover_probability_ = 0.9;
  std::size_t mutation_count_ = 1;
  double multi_mutation_probability_ = 0.25;

  std::vector<Scored> population_;
  std::vector<std::size_t> rank_;  // front index of each population member
  std::vector<double> crowding_;
  std::vector<Scored> offspring_;
  std::vector<Scored> archive_;
  std::size_t asked_ = 0;
  std::size_t generation_ = 0;
  PendingChildren<char> pending_;
};

}  // namespace evojit
