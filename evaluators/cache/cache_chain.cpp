#include "evaluators/cache/cache_chain.hpp"

#include <algorithm>

namespace evojit {

CacheChain::CacheChain(std::vector<CandidateCache*> levels) : levels_(std::move(levels)) {
  std::erase(levels_, nullptr);
}

std::optional<Evaluation> CacheChain::lookup(std::uint64_t key) {
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    std::optional<Evaluation> hit = levels_[i]->lookup(key);
    if (!hit) continue;
    for (std::size_t j = 0; j < i; ++j) levels_[j]->store(key, *hit);
    return hit;  // keeps the tag of the level that answered ("persistent")
  }
  return std::nullopt;
}

void CacheChain::store(std::uint64_t key, const Evaluation& evaluation) {
  for (CandidateCache* level : levels_) level->store(key, evaluation);
}

}  // namespace evojit
