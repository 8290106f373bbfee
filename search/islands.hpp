// The island model in one process: `islands` independent copies of a strategy
// (any registered one, with its own parameters), asked round-robin; every
// `migration_interval` results, each island's best `migrants` individuals so far
// move to the next island on a ring (Strategy::immigrate). Results are routed back
// to the island that asked for them. Islands keep diversity that a single
// population loses; migration shares what one island found.
//
// Parameters (JSON): "islands" (default 2), "strategy" (default
// "regularized-evolution"), "params" (that strategy's parameters, default {}),
// "migration_interval" (default 40), "migrants" (default 1). The task's seed goes
// to island 0 only.
#pragma once

#include <memory>

#include "search/population.hpp"
#include "search/strategy.hpp"

namespace evojit {

class Islands final : public Strategy {
 public:
  explicit Islands(const StrategyContext& context);

  std::string name() const override { return "islands"; }
  std::vector<Config> ask(Rng& rng, std::size_t n) override;
  std::vector<Proposal> propose(Rng& rng, std::size_t n) override;
  void tell(std::span<const Scored> results) override;
  nlohmann::json save() const override;
  void restore(const nlohmann::json& state) override;
  std::vector<Scored> pareto_front() const override;
  void immigrate(std::span<const Scored> migrants) override;

  std::size_t size() const { return islands_.size(); }
  Strategy& island(std::size_t i) { return *islands_[i]; }
  // Individuals sent between islands so far, and each island's best (best first).
  std::size_t immigrations() const { return immigrations_; }
  const std::vector<Scored>& best(std::size_t i) const { return best_[i]; }

 private:
  void remember(std::size_t island, const Scored& s);
  void migrate();

  const ParameterSpace& space_;
  std::size_t migration_interval_ = 40;
  std::size_t migrants_ = 1;
  std::vector<std::unique_ptr<Strategy>> islands_;
  std::vector<std::vector<Scored>> best_;  // per island, at most `migrants`, best first
  PendingChildren<std::size_t> owner_;     // asked configuration -> island
  std::size_t next_ = 0;                   // island asked next
  std::size_t told_ = 0;
  std::size_t immigrations_ = 0;
};

}  // namespace evojit
