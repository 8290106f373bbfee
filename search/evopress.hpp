// EvoPress-style (1+lambda) search with multi-fidelity selection. Each generation
// makes `lambda` children of the parent and evaluates them at a cheap fidelity
// (`cheap_fidelity`, default 1: Evaluator::evaluate_at decides what that means,
// e.g. the smallest size or few repetitions); the best `survivors` of them are then
// evaluated in full, and the best of those replaces the parent when its full
// fitness is strictly higher. With an evaluator that has no cheap level, the cheap
// stage is a full evaluation and the second stage is answered from the loop's cache
// at no cost: the strategy is then a plain (1+lambda).
//
// Parameters (JSON): "lambda" (default 8), "survivors" (default 2), "cheap_fidelity"
// (default 1), "mutation_count" (default 1), "multi_mutation_probability" (default
// 0.25), "mutator" (how children are made, search/mutator.hpp; default the space's
// uniform move), "sum_parameters" (names of parameters whose sum must stay constant:
// short for the "level-switch" mutator over them, `mutation_count` moves a child).
#pragma once

#include "search/population.hpp"
#include "search/strategy.hpp"

namespace evojit {

class EvoPress final : public Strategy {
 public:
  explicit EvoPress(const StrategyContext& context);

  std::string name() const override { return "evopress"; }
  std::vector<Config> ask(Rng& rng, std::size_t n) override;
  std::vector<Proposal> propose(Rng& rng, std::size_t n) override;
  void tell(std::span<const Scored> results) override;
  nlohmann::json save() const override;
  void restore(const nlohmann::json& state) override;
  void immigrate(std::span<const Scored> migrants) override;

  const std::optional<Scored>& parent() const { return parent_; }
  std::size_t generation() const { return generation_; }

 private:
  enum class Phase { start, cheap, full };
  Config make_child(Rng& rng, const std::vector<Proposal>& siblings) const;
  void end_cheap_stage();
  void end_full_stage();

  const ParameterSpace& space_;
  Mutator mutator_;  // makes every child (StrategyContext::mutator)
  std::optional<Config> seed_;
  std::size_t lambda_ = 8;
  std::size_t survivors_count_ = 2;
  std::size_t cheap_fidelity_ = 1;
  std::size_t mutation_count_ = 1;
  double multi_mutation_probability_ = 0.25;

  Phase phase_ = Phase::start;
  std::optional<Scored> parent_;
  std::vector<Proposal> children_;  // asked in the cheap stage of this generation
  std::vector<Scored> results_;     // told in the current stage
  std::vector<Config> survivors_;   // to evaluate in full
  std::size_t asked_ = 0;           // in the current stage
  std::size_t generation_ = 0;
  PendingChildren<char> pending_;
};

}  // namespace evojit
