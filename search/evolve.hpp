// The generic evolve loop: ask the strategy, evaluate, tell, until the budget is
// spent. It owns what every strategy shares: the budget (evaluations and/or time),
// the duplicate cache (a configuration already evaluated is never paid for twice:
// its earlier score is told again, and it does not count against the budget), and
// overlapping evaluations when the evaluator allows several at once (results are
// told as they arrive, so steady-state strategies never wait for a generation).
//
// Fidelity (multi-fidelity strategies, Strategy::propose): the cache is keyed on
// (configuration, fidelity), since a cheap score is not a full one. A fidelity the
// evaluator does not have is evaluated at its cheapest level (fidelity_levels()-1),
// which is the full one for most backends: a strategy's "cheap then full" pair then
// costs one evaluation, the second answered from the cache. Every distinct
// evaluation counts as one against the evaluation budget, whatever its fidelity:
// the count stays what the journal shows; what cheapness saves shows in the time
// budget. Only full-fidelity results can become the run's best.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "evaluators/evaluator.hpp"
#include "search/strategy.hpp"

namespace evojit {

struct Budget {
  std::size_t evaluations = 0;  // distinct evaluations; 0 = no limit
  double seconds = 0.0;         // evaluator time (real or simulated); 0 = no limit
  // Proposals in a row that were all duplicates before the loop decides the
  // strategy has nothing new to offer (a small space fully explored, say).
  std::size_t max_duplicate_streak = 10000;
};

// One finished evaluation, as the loop reports it to observers (the journal).
struct EvaluationRecord {
  std::uint64_t id = 0;  // 0-based count of distinct evaluations
  Config config;
  std::size_t fidelity = 0;  // as evaluated (0 = full)
  Evaluation evaluation;
  Scored scored;
  double elapsed_s = 0.0;  // evaluator time when it finished
};

struct EvolveResult {
  std::optional<Scored> best;  // best ok evaluation
  std::size_t evaluations = 0;
  std::size_t duplicates = 0;
  double elapsed_s = 0.0;
  std::string stop_reason;  // "evaluation budget", "time budget", "space exhausted", "stopped"
};

// Turns an Evaluation into what the strategy sees. The default uses the fitness and,
// when `objectives` are wanted, derives nothing: multi-objective runs supply one.
using ScoreFunction = std::function<Scored(const Config&, const Evaluation&)>;
Scored default_score(const Config& config, const Evaluation& evaluation);

class EvolveLoop {
 public:
  EvolveLoop(Strategy& strategy, Evaluator& evaluator, Budget budget);

  void set_score_function(ScoreFunction f) { score_ = std::move(f); }
  // Called for every distinct evaluation, in completion order, from the loop's thread.
  void on_evaluation(std::function<void(const EvaluationRecord&)> f) { observer_ = std::move(f); }
  // Called after every tell with (evaluations so far, best so far); for progress lines.
  void on_progress(std::function<void(std::size_t, const std::optional<Scored>&)> f) {
    progress_ = std::move(f);
  }
  // Earlier evaluations (from a resumed run) : they fill the duplicate cache and the
  // budget, and are NOT told again (the strategy state comes from its checkpoint).
  void preload(const std::vector<EvaluationRecord>& history);
  // Ask the loop to stop after the evaluations in flight (e.g. on SIGINT).
  void request_stop() { stop_requested_ = true; }

  EvolveResult run(Rng& rng);

 private:
  Scored remember(const Config& config, std::size_t fidelity, const Evaluation& evaluation,
                  std::uint64_t id);
  bool budget_left() const;
  std::uint64_t cache_key(const Config& config, std::size_t fidelity) const;
  std::size_t effective_fidelity(std::size_t requested) const;

  Strategy& strategy_;
  Evaluator& evaluator_;
  Budget budget_;
  ScoreFunction score_ = default_score;
  std::function<void(const EvaluationRecord&)> observer_;
  std::function<void(std::size_t, const std::optional<Scored>&)> progress_;
  std::unordered_map<std::uint64_t, Scored> seen_;  // cache_key -> score
  std::optional<Scored> best_;
  std::size_t evaluations_ = 0;
  std::size_t duplicates_ = 0;
  double elapsed_offset_s_ = 0.0;
  volatile bool stop_requested_ = false;
};

}  // namespace evojit
