#include "search/evolve.hpp"

#include <algorithm>

#include "search/evaluation_pool.hpp"
#include "support/hash.hpp"

namespace evojit {

Scored default_score(const Config& config, const Evaluation& evaluation) {
  Scored s;
  s.config = config;
  s.ok = evaluation.status == EvalStatus::ok;
  s.fitness = s.ok ? evaluation.fitness : 0.0;
  return s;
}

EvolveLoop::EvolveLoop(Strategy& strategy, Evaluator& evaluator, Budget budget)
    : strategy_(strategy), evaluator_(evaluator), budget_(budget) {}

std::uint64_t EvolveLoop::cache_key(const Config& config, std::size_t fidelity) const {
  // Full-fidelity keys are the plain structural hash, the key journals and the
  // persistent cache know.
  const std::uint64_t h = evaluator_.space().structural_hash(config);
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

Scored EvolveLoop::remember(const Config& config, std::size_t fidelity,
                            const Evaluation& evaluation, std::uint64_t id) {
  Scored s = score_(config, evaluation);
  s.id = id;
  s.fidelity = fidelity;
  seen_[cache_key(config, fidelity)] = s;
  if (fidelity == 0 && s.ok && (!best_ || s.fitness > best_->fitness)) best_ = s;
  return s;
}

bool EvolveLoop::budget_left() const {
  if (stop_requested_) return false;
  if (budget_.evaluations && evaluations_ >= budget_.evaluations) return false;
  if (budget_.seconds > 0.0 && evaluator_.elapsed_s() >= budget_.seconds) return false;
  return true;
}

EvolveResult EvolveLoop::run(Rng& rng) {
  const std::size_t width = std::max<std::size_t>(1, evaluator_.concurrency());
  EvaluationPool pool(evaluator_, width);
  std::size_t in_flight = 0;
  std::size_t duplicate_streak = 0;
  // Proposals made while an identical one (same key) is still being evaluated: they
  // are told the same score once it arrives.
  std::unordered_map<std::uint64_t, std::vector<Config>> waiting_duplicates;
  std::unordered_map<std::uint64_t, bool> running;

  auto tell_one = [&](const Scored& s) {
    strategy_.tell(std::span<const Scored>(&s, 1));
    if (progress_) progress_(evaluations_, best_);
  };

  auto finish = [&](EvaluationPool::Done d) {
    const std::uint64_t key = cache_key(d.job.config, d.job.fidelity);
    Scored s = remember(d.job.config, d.job.fidelity, d.evaluation, d.job.id);
    running.erase(key);
    if (observer_) {
      observer_({d.job.id, d.job.config, d.job.fidelity, d.evaluation, s, evaluator_.elapsed_s()});
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

  bool strategy_dry = false;
  while (true) {
    const bool can_start = budget_left() && !strategy_dry &&
                           duplicate_streak < budget_.max_duplicate_streak &&
                           (!budget_.evaluations || evaluations_ + in_flight < budget_.evaluations);
    if (can_start && in_flight < width) {
      std::vector<Proposal> asked = strategy_.propose(rng, width - in_flight);
      if (asked.empty() && in_flight == 0) strategy_dry = true;
      for (Proposal& p : asked) {
        const std::size_t fidelity = effective_fidelity(p.fidelity);
        const std::uint64_t key = cache_key(p.config, fidelity);
        if (auto it = seen_.find(key); it != seen_.end()) {
          ++duplicates_;
          ++duplicate_streak;
          Scored dup = it->second;
          dup.config = std::move(p.config);
          tell_one(dup);
          continue;
        }
        if (running.count(key)) {
          ++duplicates_;
          ++duplicate_streak;
          waiting_duplicates[key].push_back(std::move(p.config));
          continue;
        }
        // Over budget: the rest of this batch is dropped (the strategy re-asks after
        // a restore, and nothing else will be asked in this run).
        if (budget_.evaluations && evaluations_ + in_flight >= budget_.evaluations) break;
        duplicate_streak = 0;
        running[key] = true;
        const std::uint64_t id = evaluations_ + in_flight;
        ++in_flight;
        if (width == 1) {
          Evaluation e = evaluator_.evaluate_at(p.config, fidelity);
          --in_flight;
          ++evaluations_;
          finish({{std::move(p.config), fidelity, id}, std::move(e)});
        } else {
          pool.submit({std::move(p.config), fidelity, id});
        }
      }
      if (width == 1 || !asked.empty()) continue;
    }
    if (in_flight == 0) break;
    EvaluationPool::Done d = pool.next();
    --in_flight;
    ++evaluations_;
    finish(std::move(d));
  }

  EvolveResult result;
  result.best = best_;
  result.evaluations = evaluations_;
  result.duplicates = duplicates_;
  result.elapsed_s = evaluator_.elapsed_s();
  if (stop_requested_) {
    result.stop_reason = "stopped";
  } else if (budget_.evaluations && evaluations_ >= budget_.evaluations) {
    result.stop_reason = "evaluation budget";
  } else if (budget_.seconds > 0.0 && result.elapsed_s >= budget_.seconds) {
    result.stop_reason = "time budget";
  } else {
    result.stop_reason = "space exhausted";
  }
  return result;
}

}  // namespace evojit
