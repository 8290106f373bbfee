// Caches consulted in order, as one CandidateCache: the run's in-memory cache in
// front of the persistent store, say. The first that answers wins and the levels in
// front of it learn the answer; a store goes to every level.
#pragma once

#include <vector>

#include "evaluators/pipeline.hpp"

namespace evojit {

class CacheChain final : public CandidateCache {
 public:
  // The levels are not owned; null ones are skipped.
  explicit CacheChain(std::vector<CandidateCache*> levels);

  std::optional<Evaluation> lookup(std::uint64_t key) override;
  void store(std::uint64_t key, const Evaluation& evaluation) override;

 private:
  std::vector<CandidateCache*> levels_;
};

}  // namespace evojit
