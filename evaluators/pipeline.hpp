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
//   - functional: keyed by Backend::probe(), licensing reuse of a correctness verdict.
// What each may license is the caches' business (issue "functional hashing"); the
// pipeline only asks and tells them.
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

  Backend& backend_;
  ParameterSpace space_;
  std::vector<ProblemSize> sizes_;
  Fitness fitness_;
  PipelineCaches caches_;
};

}  // namespace evojit
