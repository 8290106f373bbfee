// The in-memory CandidateCache of one run, with Unified Functional Hashing's two
// answers to noisy fitness (Gillard et al. 2023):
//   - aggregating: a key answers only once it holds `measurements` measurements;
//     until then a lookup misses, the pipeline measures the candidate again and the
//     answer is their aggregate (evaluators/cache/aggregate.hpp: per size, the median
//     time with its spread);
//   - forgetful: on a hit, the key is forgotten with probability `forget_probability`
//     (the lookup misses and the key starts gathering again), so that a lucky
//     measurement does not stand for ever.
// A failure answers at once and stays (a compile error or a wrong result is a verdict,
// not a noisy figure); a lost worker is never stored, it says nothing of the candidate.
//
// Reproducible: whether a hit is forgotten is drawn from an Rng seeded by (seed, key,
// how many hits the key has had), not from one shared stream, so the draws do not
// depend on the order in which concurrent evaluations reach the cache.
// Safe to use from several threads at once.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "evaluators/cache/cache_stats.hpp"
#include "evaluators/pipeline.hpp"

namespace evojit {

struct MemoryCacheOptions {
  std::size_t measurements = 1;     // 1: the first measurement answers (a plain cache)
  double forget_probability = 0.0;  // 0: never forget
  std::uint64_t seed = 0;
};

class MemoryCache final : public CandidateCache {
 public:
  // Throws InputError unless measurements >= 1 and 0 <= forget_probability <= 1.
  explicit MemoryCache(MemoryCacheOptions options = {});

  std::optional<Evaluation> lookup(std::uint64_t key) override;
  void store(std::uint64_t key, const Evaluation& evaluation) override;

  CacheStats stats() const;
  void clear();
  const MemoryCacheOptions& options() const { return options_; }

 private:
  struct Entry {
    std::vector<Evaluation> measurements;  // ok ones, up to options_.measurements
    std::optional<Evaluation> failure;     // answers at once when set
    std::uint64_t hits = 0;                // ever, forgotten ones included: the draw's index
  };
  bool answers(const Entry& entry) const;

  MemoryCacheOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  CacheStats counts_;
};

}  // namespace evojit
