// Random search, the baseline every other strategy is measured against: uniformly
// random valid points, without replacement. Spaces of up to `enumerate_limit`
// Cartesian points (default 200000) are enumerated once and drawn from without
// replacement, so every valid point is proposed exactly once before the space is
// exhausted; larger spaces are sampled, retrying points already proposed (up to
// `retries` times, default 32) while unproposed ones are likely.
// The task's seed is not used: the baseline stays purely random.
#pragma once

#include <unordered_set>

#include "search/strategy.hpp"

namespace evojit {

class RandomSearch final : public Strategy {
 public:
  explicit RandomSearch(const StrategyContext& context);

  std::string name() const override { return "random"; }
  std::vector<Config> ask(Rng& rng, std::size_t n) override;
  void tell(std::span<const Scored> /*results*/) override {}
  nlohmann::json save() const override;
  void restore(const nlohmann::json& state) override;

  std::size_t proposed() const { return proposed_.size(); }

 private:
  void enumerate();
  std::optional<Config> draw(Rng& rng);

  const ParameterSpace& space_;
  std::uint64_t enumerate_limit_ = 200000;
  std::size_t retries_ = 32;
  bool enumerated_ = false;
  std::vector<Config> remaining_;  // valid points not yet proposed (enumerated spaces)
  std::vector<Config> proposed_;   // in order, for checkpoints
  std::unordered_set<std::uint64_t> proposed_keys_;
};

}  // namespace evojit
