#include "search/evolve.hpp"

#include <algorithm>

#include "genomes/genome.hpp"
#include "search/evaluation_pool.hpp"
#include "search/unvisited.hpp"
#include "support/hash.hpp"

namespace evojit {

Scored default_score(const Config& config, const Evaluation& evaluation) {
  Scored s;
  s.config = config;
  s.ok = evaluation.status == EvalStatus::ok;
  s.fitness = s.ok ? evaluation.fitness : 0.0;
  s.objectives = evaluation.objectives;
  return s;
}

EvolveLoop::EvolveLoop(Strategy& strategy, Evaluator& evaluator, Budget budget)
    : strategy_(strategy), evaluator_(evaluator), budget_(budget) {}

std::uint64_t EvolveLoop::cache_key(const Config& config, std::size_t fidelity) const {
  // Full-fidelity keys are the genome's structural hash, the key journals and the
  // persistent cache know (genomes/genome.hpp: a program genome keys the same way).
  const std::uint64_t h = config_genome(evaluator_.space(), config).structural_hash();
  return fidelity == 0 ? h : hash_combine(h, fidelity);
}

std::size_t EvolveLoop::effective_fidelity(std::size_t requested) const {
  return std::min(requested, std::max<std::size_t>(1, evaluator_.fidelity_levels()) - 1);
}

void EvolveLoop::preload(const std::vector<EvaluationRecord>& history) {
  for (const EvaluationRecord& r : history) {
    remember(r.config, r.fidelity, r.evaluation, r.id);
    ++evaluations_;
  }
}

void EvolveLoop::resume(const LoopState& state, const std::vector<EvaluationRecord>& history,
                        std::vector<EvaluationRecord> tail) {
  for (const EvaluationRecord& r : history) {
    if (evaluator_.deterministic()) evaluator_.evaluate_at(r.config, r.fidelity);
    remember(r.config, r.fidelity, r.evaluation, r.id);
  }
  evaluations_ = state.evaluations;
  duplicates_ = state.duplicates;
  duplicate_streak_ = state.duplicate_streak;
  if (!evaluator_.deterministic()) clock_offset_s_ = state.elapsed_s - evaluator_.elapsed_s();
  tail_.assign(std::make_move_iterator(tail.begin()), std::make_move_iterator(tail.end()));
}

LoopState EvolveLoop::state() const {
  return {evaluations_, duplicates_, duplicate_streak_, clock()};
}

bool EvolveLoop::serves(const EvaluationRecord& r, const Config& config,
                        std::size_t fidelity) const {
  return r.fidelity == fidelity && r.config == config;
}

Scored EvolveLoop::take_journaled(const EvaluationRecord& r) {
  if (evaluator_.deterministic()) {
    evaluator_.evaluate_at(r.config, r.fidelity);  // its clock advances as it did
  } else {
    clock_offset_s_ = r.elapsed_s - evaluator_.elapsed_s();
  }
  ++evaluations_;
  return remember(r.config, r.fidelity, r.evaluation, r.id);
}

Scored EvolveLoop::remember(const Config& config, std::size_t fidelity,
                            const Evaluation& evaluation, std::uint64_t id) {
  Scored s = score_(config, evaluation);
  s.id = id;
  s.fidelity = fidelity;
  seen_[cache_key(config, fidelity)] = s;
  if (fidelity == 0 && s.ok && (!best_ || s.fitness > best_->fitness)) best_ = s;
  return s;
}

bool EvolveLoop::visited(const Config& config,
                         const std::unordered_map<std::uint64_t, bool>& running) const {
  const std::uint64_t key = cache_key(config, 0);
  return seen_.count(key) > 0 || running.count(key) > 0;
}

bool EvolveLoop::budget_left() const {
  if (stop_requested_) return false;
  if (budget_.evaluations && evaluations_ >= budget_.evaluations) return false;
  if (budget_.seconds > 0.0 && clock() >= budget_.seconds) return false;
  return true;
}

EvolveResult EvolveLoop::run(Rng& rng) {
  const std::size_t width = std::max<std::size_t>(1, evaluator_.concurrency());
  EvaluationPool pool(evaluator_, width);
  std::size_t in_flight = 0;
  // Proposals made while an identical one (same key) is still being evaluated: they
  // are told the same score once it arrives.
  std::unordered_map<std::uint64_t, std::vector<Config>> waiting_duplicates;
  std::unordered_map<std::uint64_t, bool> running;

  // Evaluations the loop chose itself (steering away from duplicates): handed to the
  // strategy as immigrants, since it never asked for them.
  std::unordered_map<std::uint64_t, bool> steered;
  auto tell_one = [&](const Scored& s) {
    // (The key is a hash of the configuration's text: made only when needed.)
    if (!steered.empty() && steered.erase(cache_key(s.config, s.fidelity))) {
      strategy_.immigrate(std::span<const Scored>(&s, 1));
    } else {
      strategy_.tell(std::span<const Scored>(&s, 1));
    }
    if (progress_) progress_(evaluations_, best_);
  };
  // The journaled evaluations a resumed run has not been asked for again: told now.
  auto absorb_tail = [&] {
    while (!tail_.empty()) {
      const Scored s = take_journaled(tail_.front());
      tail_.pop_front();
      tell_one(s);
    }
  };

  auto finish = [&](EvaluationPool::Done d) {
    const std::uint64_t key = cache_key(d.job.config, d.job.fidelity);
    Scored s = remember(d.job.config, d.job.fidelity, d.evaluation, d.job.id);
    running.erase(key);
    if (observer_) {
      observer_({d.job.id, d.job.config, d.job.fidelity, d.evaluation, s, clock()});
    }
    tell_one(s);
    if (auto it = waiting_duplicates.find(key); it != waiting_duplicates.end()) {
      std::vector<Config> waiting = std::move(it->second);
      waiting_duplicates.erase(it);
      for (Config& c : waiting) {
        Scored dup = s;
        dup.config = std::move(c);
        tell_one(dup);
      }
    }
  };

  // Overlapping evaluations finish in no fixed order: a tail cannot be replayed.
  if (width > 1) absorb_tail();
  // Where the run starts (fresh, or a checkpoint) needs no checkpoint of its own.
  std::size_t checkpointed = evaluations_;
  bool strategy_dry = false;
  std::string stuck;  // why the loop stopped asking, when it was not the budget
  while (true) {
    // Top of the loop: every result that arrived has been told. In the serial loop
    // nothing is in flight either, so the strategy, the rng and the journal agree.
    if (checkpoint_ && checkpoint_every_ && evaluations_ >= checkpointed + checkpoint_every_) {
      checkpoint_(state(), rng);
      checkpointed = evaluations_;
    }
    const bool can_start = budget_left() && !strategy_dry && stuck.empty() &&
                           (!budget_.evaluations || evaluations_ + in_flight < budget_.evaluations);
    if (can_start && in_flight < width) {
      std::vector<Proposal> asked = strategy_.propose(rng, width - in_flight);
      if (asked.empty() && in_flight == 0) strategy_dry = true;
      for (Proposal& p : asked) {
        std::size_t fidelity = effective_fidelity(p.fidelity);
        std::uint64_t key = cache_key(p.config, fidelity);
        if ((seen_.count(key) || running.count(key)) &&
            duplicate_streak_ + 1 >= budget_.max_duplicate_streak) {
          // The strategy keeps proposing what it has seen: tell it the old score as
          // usual, then evaluate an unvisited point near it instead.
          if (!budget_.steer_duplicates) {
            stuck = "duplicate streak";
          } else {
            const UnvisitedSearch found =
                find_unvisited(evaluator_.space(), p.config, rng,
                               [&](const Config& c) { return visited(c, running); });
            if (found.point) {
              Proposal duplicate = p;
              p = {*found.point, 0};
              fidelity = effective_fidelity(0);
              key = cache_key(p.config, fidelity);
              steered[key] = true;
              ++duplicates_;
              if (auto it = seen_.find(
                      cache_key(duplicate.config, effective_fidelity(duplicate.fidelity)));
                  it != seen_.end()) {
                Scored dup = it->second;
                dup.config = std::move(duplicate.config);
                tell_one(dup);
              } else {
                waiting_duplicates[cache_key(duplicate.config,
                                             effective_fidelity(duplicate.fidelity))]
                    .push_back(std::move(duplicate.config));
              }
            } else {
              stuck = found.exhausted ? "space exhausted" : "no unvisited point found";
            }
          }
          if (!stuck.empty()) break;
        }
        // A resumed run proposing something new where the journal holds the next
        // evaluation has diverged from the run it continues: take the journal's word.
        if (!tail_.empty() && !seen_.count(key) && !running.count(key) &&
            !serves(tail_.front(), p.config, fidelity)) {
          absorb_tail();
        }
        if (auto it = seen_.find(key); it != seen_.end()) {
          ++duplicates_;
          ++duplicate_streak_;
          Scored dup = it->second;
          dup.config = std::move(p.config);
          tell_one(dup);
          continue;
        }
        if (running.count(key)) {
          ++duplicates_;
          ++duplicate_streak_;
          waiting_duplicates[key].push_back(std::move(p.config));
          continue;
        }
        // Over budget: the rest of this batch is dropped (the strategy re-asks after
        // a restore, and nothing else will be asked in this run).
        if (budget_.evaluations && evaluations_ + in_flight >= budget_.evaluations) break;
        duplicate_streak_ = 0;
        if (!tail_.empty()) {  // the journal already holds this evaluation
          const Scored s = take_journaled(tail_.front());
          tail_.pop_front();
          tell_one(s);
          continue;
        }
        running[key] = true;
        ++in_flight;
        if (width == 1) {
          Evaluation e = evaluator_.evaluate_at(p.config, fidelity);
          --in_flight;
          const std::uint64_t id = evaluations_++;
          finish({{std::move(p.config), fidelity, id}, std::move(e)});
        } else {
          pool.submit({std::move(p.config), fidelity, 0});
        }
      }
      if (width == 1 || !asked.empty()) continue;
    }
    if (in_flight == 0) break;
    EvaluationPool::Done d = pool.next();
    --in_flight;
    // Ids count evaluations in the order they finish, so the journal's ids are
    // 0, 1, 2, ... line by line whatever the overlap (a resume relies on it).
    d.job.id = evaluations_++;
    finish(std::move(d));
  }
  // A resumed run given a smaller budget than it had spent: what the journal holds
  // still counts.
  absorb_tail();
  if (checkpoint_) checkpoint_(state(), rng);

  EvolveResult result;
  result.best = best_;
  result.evaluations = evaluations_;
  result.duplicates = duplicates_;
  result.elapsed_s = clock();
  if (stop_requested_) {
    result.stop_reason = "stopped";
  } else if (budget_.evaluations && evaluations_ >= budget_.evaluations) {
    result.stop_reason = "evaluation budget";
  } else if (budget_.seconds > 0.0 && result.elapsed_s >= budget_.seconds) {
    result.stop_reason = "time budget";
  } else if (!stuck.empty()) {
    result.stop_reason = stuck;
  } else {
    // The strategy proposed nothing more: the space is exhausted only if that is true.
    std::unordered_map<std::uint64_t, bool> none_running;
    const UnvisitedSearch left =
        find_unvisited(evaluator_.space(), Config{}, rng,
                       [&](const Config& c) { return visited(c, none_running); });
    result.stop_reason = left.point       ? "strategy finished"
                         : left.exhausted ? "space exhausted"
                                          : "no unvisited point found";
  }
  return result;
}

}  // namespace evojit
