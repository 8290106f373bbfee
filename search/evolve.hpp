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

#include <atomic>
#include <cstdint>
#include <deque>
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
  // Proposals in a row that were all duplicates before the loop acts: it steers the
  // strategy to an unvisited point near the last proposal (evaluated and handed to
  // the strategy as an immigrant, Strategy::immigrate), or, when steering is off,
  // stops the run ("duplicate streak"). The run ends "space exhausted" only when no
  // unvisited valid point is left.
  std::size_t max_duplicate_streak = 100;
  bool steer_duplicates = true;
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
  // "evaluation budget", "time budget", "space exhausted", "stopped", "duplicate
  // streak" (steering off), "strategy finished" (it proposed nothing more while
  // unvisited points remain), "no unvisited point found" (a walk of a huge space
  // found none within its cap).
  std::string stop_reason;
};

// The loop's own part of a checkpoint (the strategy's save() and the rng go beside
// it). Taken where the strategy, the rng and the evaluations told agree: ids
// 0..evaluations-1 are exactly the evaluations the strategy has been told.
struct LoopState {
  std::size_t evaluations = 0;
  std::size_t duplicates = 0;
  std::size_t duplicate_streak = 0;
  double elapsed_s = 0.0;  // the loop's clock (evaluator time, carried across resumes)
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
  // Called every `every` evaluations (0: only at the end) at a point where the strategy
  // and `rng` are consistent with the evaluations told so far, and once more when the
  // run ends. In the serial loop nothing is in flight there; with overlapping
  // evaluations the strategy may have children in flight, which its restore() drops
  // (they are asked again), so a resumed concurrent run loses nothing but does not
  // repeat the uninterrupted one exactly.
  void on_checkpoint(std::size_t every, std::function<void(const LoopState&, const Rng&)> f) {
    checkpoint_every_ = every;
    checkpoint_ = std::move(f);
  }
  // Continues a run from a checkpoint; the strategy and the rng must already be
  // restored from it. `history`: the evaluations told before the checkpoint (ids
  // 0..state.evaluations-1): they fill the cache, set the best and are not told
  // again. `tail`: evaluations journaled after the checkpoint, in id order. The
  // serial loop serves them when the strategy proposes them again (it does: given
  // the same state and rng a strategy proposes the same configurations), without
  // evaluating or reporting them again, so the observer sees only new evaluations
  // and the journal goes on as the uninterrupted run's did. Should a proposal differ,
  // or evaluations overlap, the rest of the tail is told at once instead. On a
  // deterministic evaluator the journaled configurations are evaluated again (it is
  // cheap there) so that its state, a simulated clock, is exactly as it was.
  void resume(const LoopState& state, const std::vector<EvaluationRecord>& history,
              std::vector<EvaluationRecord> tail);
  // Ask the loop to stop after the evaluations in flight (e.g. on SIGINT).
  void request_stop() { stop_requested_ = true; }

  EvolveResult run(Rng& rng);

 private:
  Scored remember(const Config& config, std::size_t fidelity, const Evaluation& evaluation,
                  std::uint64_t id);
  bool budget_left() const;
  double clock() const { return evaluator_.elapsed_s() + clock_offset_s_; }
  LoopState state() const;
  // Counts a journaled evaluation (from resume's tail) as done, without reporting it.
  Scored take_journaled(const EvaluationRecord& r);
  bool serves(const EvaluationRecord& r, const Config& config, std::size_t fidelity) const;
  std::uint64_t cache_key(const Config& config, std::size_t fidelity) const;
  std::size_t effective_fidelity(std::size_t requested) const;

  Strategy& strategy_;
  Evaluator& evaluator_;
  Budget budget_;
  ScoreFunction score_ = default_score;
  std::function<void(const EvaluationRecord&)> observer_;
  std::function<void(std::size_t, const std::optional<Scored>&)> progress_;
  // Whether `config` has been evaluated at full fidelity (or is being evaluated).
  bool visited(const Config& config, const std::unordered_map<std::uint64_t, bool>& running) const;
  std::unordered_map<std::uint64_t, Scored> seen_;  // cache_key -> score
  std::optional<Scored> best_;
  std::size_t evaluations_ = 0;
  std::size_t duplicates_ = 0;
  std::size_t duplicate_streak_ = 0;
  // Added to the evaluator's clock: a live resumed run goes on from the time spent.
  double clock_offset_s_ = 0.0;
  std::deque<EvaluationRecord> tail_;  // see resume()
  std::size_t checkpoint_every_ = 0;
  std::function<void(const LoopState&, const Rng&)> checkpoint_;
  std::atomic<bool> stop_requested_{false};  // set from another thread (runs/stop_request.hpp)
};

}  // namespace evojit
