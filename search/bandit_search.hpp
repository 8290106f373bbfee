// The default strategy: an AUC bandit (OpenTuner's AUCBanditMetaTechnique) choosing,
// for every child, one of five ways to make it, after a space-filling start.
//
//   adjacent   a tournament winner with one parameter moved to an adjacent value
//              (genomes/adjacent_step.hpp): exploits the order of the value lists
//   mutate     a tournament winner with one or more parameters set to any value
//   crossover  uniform crossover of two tournament winners
//   explore    out of a few random samples, the one bringing the most values not
//              tried yet, then the farthest from every point proposed (a
//              space-filling random restart)
//   model      out of a few random samples, the one a nearest-neighbour surrogate
//              of everything evaluated rates best (search/knn_surrogate.hpp): a
//              jump to where the evidence points, however far from the best
//
// The first `start` points: the task's seed when given, else the medoid of a few
// random samples (a typical valid point, not a corner of the value lists, where
// extreme settings tend to fail or be slow: the first evaluation is then better than
// a random one), then points chosen as "explore" does: the run is spread over the
// space from its first evaluations. The
// bandit credits a method when its child is a new best of the run, and picks the
// method with the highest area under its recent credit curve plus an exploration
// bonus (OpenTuner's own window of 500 and constant 0.05, not tuned here).
// Selection is a tournament over everything evaluated: strong (32 draws), so the
// search stays close to the best few points, which small budgets reward; the
// bandit's "explore" is what leaves a local optimum. The strategy never proposes a
// point it has proposed before while it can find an unvisited one.
//
// Parameters (JSON): "start" (default 16), "central" (default 1: start points that
// are medoids; 0: none), "tournament" (default 32; 0: the square
// root of the number evaluated), "candidates" (default 64: samples "explore" picks
// from), "window" (500), "exploration" (0.05), "credit" ("best", the default: a new
// best of the run; "top": among the best 1/tournament), "methods" (default all
// five, by the names above), "neighbours" (8: of the "model" surrogate). The defaults were chosen
// on bench_search_efficiency (README, "Search efficiency"); the other settings measured there are
// listed with it.
#pragma once

#include <array>
#include <deque>
#include <unordered_set>

#include "search/knn_surrogate.hpp"
#include "search/population.hpp"
#include "search/strategy.hpp"

namespace evojit {

class BanditSearch final : public Strategy {
 public:
  static constexpr std::size_t kMethods = 5;
  enum Method : std::size_t { adjacent, mutate, crossover, explore, model };

  explicit BanditSearch(const StrategyContext& context);

  std::string name() const override { return "bandit"; }
  std::vector<Config> ask(Rng& rng, std::size_t n) override;
  void tell(std::span<const Scored> results) override;
  void immigrate(std::span<const Scored> migrants) override;
  nlohmann::json save() const override;
  void restore(const nlohmann::json& state) override;

  // How many children each method made so far (for tests and reports).
  std::array<std::size_t, kMethods> uses() const;

 private:
  std::size_t choose(Rng& rng) const;
  Config make(Rng& rng, std::size_t method) const;
  std::optional<Config> new_child(Rng& rng, std::size_t method) const;
  Config farthest_sample(Rng& rng) const;
  Config predicted_best_sample(Rng& rng) const;
  Config central_sample(Rng& rng) const;
  const Scored& winner(Rng& rng) const;
  void record(const Scored& s);
  void note_proposed(const Config& c);

  const ParameterSpace& space_;
  Mutator mutator_;  // makes every child (StrategyContext::mutator)
  std::optional<Config> seed_;
  std::size_t start_ = 16;
  std::size_t central_ = 1;  // start points that are medoids of random samples
  std::size_t tournament_ = 32;
  std::size_t window_ = 500;
  double exploration_ = 0.05;
  std::size_t candidates_ = 64;
  std::array<bool, kMethods> enabled_{true, true, true, true, true};
  std::size_t neighbours_ = 8;  // of the surrogate ("model")
  bool credit_top_ = false;     // credit a child in the top 1/tournament (else: a new best)
  std::vector<double> ranked_;  // fitness of every ok result, descending

  std::vector<Scored> evaluated_;  // in the order told
  std::optional<Scored> best_;
  KnnSurrogate surrogate_;                         // over every full-fidelity point evaluated
  std::unordered_set<std::uint64_t> proposed_;     // config_key of everything asked or told
  std::vector<Config> spread_;                     // the same points, for the distances
  std::vector<std::vector<bool>> value_used_;      // [parameter][value]: proposed yet?
  std::array<std::deque<bool>, kMethods> credit_;  // last `window` outcomes per method
  std::size_t started_ = 0;                        // start points asked
  PendingChildren<std::size_t> pending_;           // child -> method
};

}  // namespace evojit
