#include "search/evolve.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

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

void EvolveLoop::preload(const std::vector<EvaluationRecord>& history) {
  for (const EvaluationRecord& r : history) {
    remember(r.config, r.evaluation, r.id);
    ++evaluations_;
  }
}

Scored EvolveLoop::remember(const Config& config, const Evaluation& evaluation,
                            std::uint64_t id) {
  Scored s = score_(config, evaluation);
  s.id = id;
  seen_[evaluator_.space().structural_hash(config)] = s;
  if (s.ok && (!best_ || s.fitness > best_->fitness)) best_ = s;
  return s;
}

bool EvolveLoop::budget_left() const {
  if (stop_requested_) return false;
  if (budget_.evaluations && evaluations_ >= budget_.evaluations) return false;
  if (budget_.seconds > 0.0 && evaluator_.elapsed_s() >= budget_.seconds) return false;
  return true;
}

namespace {

// Finished evaluations handed from the evaluation threads to the loop's thread.
struct Finished {
  Config config;
  Evaluation evaluation;
  std::uint64_t id;
};

}  // namespace

EvolveResult EvolveLoop::run(Rng& rng) {
  const std::size_t width = std::max<std::size_t>(1, evaluator_.concurrency());
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Finished> finished;
  std::unordered_map<std::uint64_t, std::thread> threads;  // by evaluation id
  std::size_t in_flight = 0;
  std::size_t duplicate_streak = 0;
  // Configurations asked for while an identical one is still being evaluated: they
  // are told the same score once it arrives.
  std::unordered_map<std::uint64_t, std::vector<Config>> waiting_duplicates;
  std::unordered_map<std::uint64_t, bool> running;
  EvolveResult result;

  auto tell_one = [&](const Scored& s) {
    strategy_.tell(std::span<const Scored>(&s, 1));
    if (progress_) progress_(evaluations_, best_);
  };

  auto finish = [&](Finished f) {
    const std::uint64_t h = evaluator_.space().structural_hash(f.config);
    Scored s = remember(f.config, f.evaluation, f.id);
    running.erase(h);
    if (observer_) observer_({f.id, f.config, f.evaluation, s, evaluator_.elapsed_s()});
    tell_one(s);
    if (auto it = waiting_duplicates.find(h); it != waiting_duplicates.end()) {
      for (Config& c : it->second) {
        Scored d = s;
        d.config = std::move(c);
        tell_one(d);
      }
      waiting_duplicates.erase(it);
    }
  };

  bool strategy_dry = false;
  while (true) {
    const bool can_start = budget_left() && !strategy_dry &&
                           duplicate_streak < budget_.max_duplicate_streak &&
                           (!budget_.evaluations || evaluations_ + in_flight < budget_.evaluations);
    if (can_start && in_flight < width) {
      std::vector<Config> asked = strategy_.ask(rng, width - in_flight);
      if (asked.empty() && in_flight == 0) strategy_dry = true;
      for (Config& c : asked) {
        const std::uint64_t h = evaluator_.space().structural_hash(c);
        if (auto it = seen_.find(h); it != seen_.end()) {
          ++duplicates_;
          ++duplicate_streak;
          Scored d = it->second;
          d.config = std::move(c);
          tell_one(d);
          continue;
        }
        if (running.count(h)) {
          ++duplicates_;
          ++duplicate_streak;
          waiting_duplicates[h].push_back(std::move(c));
          continue;
        }
        if (budget_.evaluations && evaluations_ + in_flight >= budget_.evaluations) break;
        duplicate_streak = 0;
        running[h] = true;
        const std::uint64_t id = evaluations_ + in_flight;
        ++in_flight;
        if (width == 1) {
          Evaluation e = evaluator_.evaluate(c);
          --in_flight;
          ++evaluations_;
          finish({std::move(c), std::move(e), id});
        } else {
          threads.emplace(id, std::thread([&, c, id] {
            Evaluation e = evaluator_.evaluate(c);
            std::lock_guard lock(mutex);
            finished.push_back({c, std::move(e), id});
            ready.notify_one();
          }));
        }
      }
      if (width == 1 || !asked.empty()) continue;
    }
    if (in_flight == 0) break;
    Finished f;
    {
      std::unique_lock lock(mutex);
      ready.wait(lock, [&] { return !finished.empty(); });
      f = std::move(finished.front());
      finished.pop_front();
    }
    --in_flight;
    ++evaluations_;
    // The thread has handed its result over and is exiting; join it so threads do
    // not pile up over a long run.
    if (auto it = threads.find(f.id); it != threads.end()) {
      it->second.join();
      threads.erase(it);
    }
    finish(std::move(f));
  }

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
