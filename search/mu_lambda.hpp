// (mu+lambda) and (mu,lambda) evolution strategies with self-adaptive mutation
// strength. Each individual carries its own strength (the expected number of
// parameters a child of it changes); a child inherits its parent's strength (the
// geometric mean of both parents' after crossover), perturbs it log-normally, and
// then mutates that many parameters, so strengths that produce good children spread.
//
// Generational: the first generation is `mu` random points (the task's seed first
// when given); then each generation asks `lambda` children of parents chosen
// uniformly, and when all of them are told keeps the best `mu` of parents+children
// ("plus"; children win ties, so the search drifts across plateaus) or of the
// children alone ("comma", lambda >= mu). Identical configurations count once.
//
// Parameters (JSON): "mu" (default 2), "lambda" (default 8), "crossover_probability"
// (default 0.3), "initial_strength" (default 1.5).
#pragma once

#include "search/population.hpp"
#include "search/strategy.hpp"

namespace evojit {

class MuLambda final : public Strategy {
 public:
  struct Individual {
    Scored scored;
    double strength = 1.0;
  };

  MuLambda(const StrategyContext& context, bool plus);

  std::string name() const override { return plus_ ? "mu-plus-lambda" : "mu-comma-lambda"; }
  std::vector<Config> ask(Rng& rng, std::size_t n) override;
  void tell(std::span<const Scored> results) override;
  nlohmann::json save() const override;
  void restore(const nlohmann::json& state) override;
  void immigrate(std::span<const Scored> migrants) override;

  const std::vector<Individual>& parents() const { return parents_; }
  std::size_t generation() const { return generation_; }

 private:
  Config make_child(Rng& rng, double& strength);
  void end_generation();

  const ParameterSpace& space_;
  Mutator mutator_;  // makes every child (StrategyContext::mutator)
  std::optional<Config> seed_;
  bool plus_;
  std::size_t mu_ = 2;
  std::size_t lambda_ = 8;
  double crossover_probability_ = 0.3;
  double initial_strength_ = 1.5;

  std::vector<Individual> parents_;    // best first
  std::vector<Individual> offspring_;  // told in the current generation
  std::size_t asked_ = 0;              // asked in the current generation
  std::size_t generation_ = 0;         // 0 = the random first generation
  PendingChildren<double> pending_;    // child -> its strength
};

}  // namespace evojit
