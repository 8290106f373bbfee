#include "evaluators/cache/memory_cache.hpp"

#include <cmath>
#include <string>

#include "evaluators/cache/aggregate.hpp"
#include "support/error.hpp"
#include "support/hash.hpp"
#include "support/rng.hpp"

namespace evojit {

MemoryCache::MemoryCache(MemoryCacheOptions options) : options_(options) {
  if (options_.measurements < 1) {
    throw_input_error("an aggregating cache needs at least one measurement per key",
                      "cache measurements", "use 1 (a plain cache) or more");
  }
  if (!(options_.forget_probability >= 0.0 && options_.forget_probability <= 1.0)) {
    throw_input_error(
        "forget probability " + std::to_string(options_.forget_probability) + " is not in [0, 1]",
        "cache forget probability", "use 0 (never forget) up to 1");
  }
}

bool MemoryCache::answers(const Entry& entry) const {
  return entry.failure || entry.measurements.size() >= options_.measurements;
}

std::optional<Evaluation> MemoryCache::lookup(std::uint64_t key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || !answers(it->second)) {
    ++counts_.misses;
    return std::nullopt;
  }
  Entry& entry = it->second;
  const std::uint64_t draw = entry.hits++;
  if (options_.forget_probability > 0.0) {
    Rng rng(hash_combine(hash_combine(options_.seed, key), draw));
    if (rng.chance(options_.forget_probability)) {
      entry.measurements.clear();
      entry.failure.reset();
      ++counts_.forgotten;
      ++counts_.misses;
      return std::nullopt;
    }
  }
  ++counts_.hits;
  if (entry.failure) return entry.failure;
  return aggregate_measurements(entry.measurements);
}

void MemoryCache::store(std::uint64_t key, const Evaluation& evaluation) {
  if (evaluation.status == EvalStatus::worker_lost) return;
  Evaluation measured = evaluation;
  measured.cache_hit.clear();  // what is kept is a measurement, whoever answers it later
  measured.saved_s = 0.0;
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[key];
  if (entry.failure) return;
  if (measured.status != EvalStatus::ok) {
    entry.failure = std::move(measured);
    entry.measurements.clear();
  } else if (entry.measurements.size() < options_.measurements) {
    entry.measurements.push_back(std::move(measured));
  }
}

CacheStats MemoryCache::stats() const {
  std::lock_guard lock(mutex_);
  CacheStats s = counts_;
  s.entries = 0;
  for (const auto& [key, entry] : entries_) {
    if (entry.failure || !entry.measurements.empty()) ++s.entries;
  }
  return s;
}

void MemoryCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  counts_ = {};
}

}  // namespace evojit
