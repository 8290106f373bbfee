// (1+1) evolution with strict-improvement acceptance, as in the Metal-Sci harness:
// one parent, one child at a time; the child replaces the parent only when its
// fitness is strictly higher. The run starts from the task's seed (the naive kernel)
// when one is given, else from a random valid point.
//
// Parameters (JSON): "mutation_count" (parameters changed per child, default 1),
// "multi_mutation_probability" (chance that a child changes one more parameter,
// repeatedly, default 0.25: occasional larger jumps out of plateaus).
#pragma once

#include "search/strategy.hpp"

namespace evojit {

class OnePlusOne final : public Strategy {
 public:
  explicit OnePlusOne(const StrategyContext& context);

  std::string name() const override { return "one-plus-one"; }
  std::vector<Config> ask(Rng& rng, std::size_t n) override;
  void tell(std::span<const Scored> results) override;
  nlohmann::json save() const override;
  void restore(const nlohmann::json& state) override;
  // A migrant strictly better than the parent replaces it.
  void immigrate(std::span<const Scored> migrants) override;

  const std::optional<Scored>& parent() const { return parent_; }

 private:
  const ParameterSpace& space_;
  Mutator mutator_;  // makes every child (StrategyContext::mutator)
  std::optional<Config> seed_;
  std::optional<Scored> parent_;
  bool child_in_flight_ = false;
  std::size_t mutation_count_ = 1;
  double multi_mutation_probability_ = 0.25;
};

}  // namespace evojit
