// The path of one candidate (design.md), as code: render -> deduplicate -> compile ->
// code hash -> probe -> measure -> score, over any Backend. The search loop sees it as
// an Evaluator; every backend (CPU JIT, CUDA, replay) runs through this one function.
//
// The caches are explicit stages. Each is a CandidateCache the pipeline consults at its
// place and fills after a measurement; none is set by default:
//   - structural: keyed by the canonical genome (in a run the evolve loop already
//     deduplicates in memory; a persistent cache plugs in here),
//   - code: keyed by the code identity (Compiled::stats.code_hash), so that two genomes
//     compiling to the same machine code share one measurement,
//   - functional: keyed by Backend::probe(), licensing reuse of a correctness verdict:
//     a fingerprint known to fail is rejected before any timing; a known-correct one
//     is measured all the same (a fingerprint never licenses a timing). The probe runs
//     only when this cache is set.
// A cached answer is scored again with the run's fitness, and the Evaluation says
// which cache gave it (cache_hit: the slot's name, or "persistent" for the store in
// evaluators/cache/evaluation_store.hpp) and the time it saved (saved_s: what the
// cached evaluation had cost, less its compile when the candidate was compiled now).
// The caches are filled with measured evaluations only. Keys include the sizes
// (labels and dimensions). The caches themselves: evaluators/cache/.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "evaluators/backend.hpp"
#include "evaluators/evaluator.hpp"
#include "evaluators/fitness.hpp"

namespace evojit {

// A store of evaluations by key. lookup() returning a value skips the rest of the path.
class CandidateCache {
 public:
  virtual ~CandidateCache() = default;
  virtual std::optional<Evaluation> lookup(std::uint64_t key) = 0;
  virtual void store(std::uint64_t key, const Evaluation& evaluation) = 0;
};

struct PipelineCaches {
  CandidateCache* structural = nullptr;
  CandidateCache* code = nullptr;
  CandidateCache* functional = nullptr;
};

class CandidatePipeline final : public Evaluator {
 public:
  // Evaluates configurations of `space` (the backend task's space, restricted) on
  // `sizes`, scored by `fitness`.
  CandidatePipeline(Backend& backend, ParameterSpace space, std::vector<ProblemSize> sizes,
                    Fitness fitness, PipelineCaches caches = {});

  const ParameterSpace& space() const override { return space_; }
  Evaluation evaluate(const Config& config) override { return evaluate_on(config, sizes_); }
  // The same path on other sizes (the held-out check). An evaluation lost to a worker
  // killed from outside is tried once more (evaluators/worker/worker_failure.hpp).
  Evaluation evaluate_on(const Config& config, std::span<const ProblemSize> sizes);
  std::size_t concurrency() const override;
  double elapsed_s() const override { return backend_.elapsed_s(); }
  bool deterministic() const override;

  // The render stage alone: the artifact of a configuration.
  Artifact render(const Config& config) const;
  const std::vector<ProblemSize>& sizes() const { return sizes_; }
  Backend& backend() const { return backend_; }
  const Fitness& fitness() const { return fitness_; }

 private:
  Evaluation evaluate_once(const Config& config, std::span<const ProblemSize> sizes);
  // The score stage: the fitness of an ok evaluation from its sizes' figures.
  void score(Evaluation& e) const;

  Backend& backend_;
  ParameterSpace space_;
  std::vector<ProblemSize> sizes_;
  Fitness fitness_;
  PipelineCaches caches_;
  bool simulated_clock_;
};

}  // namespace evojit
