// Regularized (aging) evolution, as in AutoML-Zero and the Lion optimizer search:
// a population of `population` individuals; each child is a mutation of the best of
// `tournament` individuals sampled at random (with replacement); every result told
// joins the population and the oldest individual leaves. Steady state: there are no
// generations, so results may arrive in any order and children are asked for as
// long as anyone asks. The first `population` points are random (the task's seed
// first when given).
//
// Parameters (JSON): "population" (default 16), "tournament" (default 10: strong selection, for
// budgets of 50..1000 evaluations), "crossover_probability" (default 0: a child of two tournament
// winners, then mutated), "mutation_count" (default 1), "multi_mutation_probability" (default 0.1:
// chance of one more mutated parameter, repeatedly).
#pragma once

#include <deque>

#include "search/strategy.hpp"

namespace evojit {

class RegularizedEvolution final : public Strategy {
 public:
  explicit RegularizedEvolution(const StrategyContext& context);

  std::string name() const override { return "regularized-evolution"; }
  std::vector<Config> ask(Rng& rng, std::size_t n) override;
  void tell(std::span<const Scored> results) override;
  nlohmann::json save() const override;
  void restore(const nlohmann::json& state) override;
  void immigrate(std::span<const Scored> migrants) override;

  // Oldest first.
  const std::deque<Scored>& population() const { return population_; }

 private:
  const Scored& tournament(Rng& rng) const;
  void add(const Scored& s);

  const ParameterSpace& space_;
  Mutator mutator_;  // makes every child (StrategyContext::mutator)
  std::optional<Config> seed_;
  std::size_t population_size_ = 16;
  std::size_t tournament_size_ = 10;
  double crossover_probability_ = 0.0;
  std::size_t mutation_count_ = 1;
  double multi_mutation_probability_ = 0.1;

  std::deque<Scored> population_;
  std::size_t random_asked_ = 0;  // of the first `population` random points
};

}  // namespace evojit
