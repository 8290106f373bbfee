// The in-memory cache (evaluators/cache/memory_cache.hpp): a plain cache answers the
// first measurement, an aggregating one the median of M, a forgetful one forgets hits
// with probability p reproducibly from its seed; failures answer at once. And the
// chain of caches (evaluators/cache/cache_chain.hpp).
#include "evaluators/cache/memory_cache.hpp"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "evaluators/cache/aggregate.hpp"
#include "evaluators/cache/cache_chain.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

Evaluation timed(double median_s, double cv = 0.01, double wall_s = 1.0) {
  Evaluation e;
  SizeResult r;
  r.label = "n=1";
  r.dims = {1};
  r.ok = true;
  r.timing.median_s = median_s;
  r.timing.min_s = median_s * 0.9;
  r.timing.cv = cv;
  r.timing.repetitions = 10;
  e.sizes.push_back(r);
  e.wall_s = wall_s;
  e.fitness = 1.0 / median_s;
  return e;
}

Evaluation failed(EvalStatus status) {
  Evaluation e;
  e.status = status;
  e.diagnostic = "index 3: got 1, expected 2";
  return e;
}

TEST(MemoryCache, PlainCacheAnswersTheFirstMeasurement) {
  MemoryCache cache;
  EXPECT_FALSE(cache.lookup(1));
  cache.store(1, timed(2e-3));
  cache.store(1, timed(9e-3));  // a plain cache keeps what it has
  const auto hit = cache.lookup(1);
  ASSERT_TRUE(hit);
  EXPECT_DOUBLE_EQ(hit->sizes[0].timing.median_s, 2e-3);
  EXPECT_FALSE(cache.lookup(2));
  const CacheStats s = cache.stats();
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 2u);
  cache.clear();
  EXPECT_FALSE(cache.lookup(1));
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(MemoryCache, AggregatingCacheAnswersTheMedianOfMMeasurements) {
  MemoryCache cache({.measurements = 3});
  cache.store(7, timed(5e-3, 0.02, 1.0));
  EXPECT_FALSE(cache.lookup(7));  // gathering: measure again
  cache.store(7, timed(1e-3, 0.04, 2.0));
  EXPECT_FALSE(cache.lookup(7));
  cache.store(7, timed(2e-3, 0.03, 3.0));
  const auto hit = cache.lookup(7);
  ASSERT_TRUE(hit);
  const Timing& t = hit->sizes[0].timing;
  EXPECT_DOUBLE_EQ(t.median_s, 2e-3);  // median of 5, 1, 2 ms: one outlier does not move it
  EXPECT_DOUBLE_EQ(t.min_s, 0.9e-3);
  EXPECT_EQ(t.repetitions, 30);
  // The spread across measurements (cv of 5, 1, 2 ms is about 0.78) is kept, so the
  // fitness flags the key as suspect.
  EXPECT_NEAR(t.cv, 0.7806, 1e-3);
  EXPECT_GT(t.cv, kSuspectCv);
  EXPECT_DOUBLE_EQ(hit->wall_s, 2.0);  // the mean cost of one measurement
  // A fourth measurement is not needed and not kept.
  cache.store(7, timed(100e-3));
  EXPECT_DOUBLE_EQ(cache.lookup(7)->sizes[0].timing.median_s, 2e-3);
}

TEST(MemoryCache, AggregateOfAgreeingMeasurementsKeepsTheirOwnNoise) {
  const std::vector<Evaluation> same = {timed(2e-3, 0.05), timed(2e-3, 0.07), timed(2e-3, 0.06)};
  const Evaluation a = aggregate_measurements(same);
  EXPECT_DOUBLE_EQ(a.sizes[0].timing.median_s, 2e-3);
  EXPECT_DOUBLE_EQ(a.sizes[0].timing.cv, 0.06);
  const std::vector<Evaluation> even = {timed(1e-3), timed(3e-3)};
  EXPECT_DOUBLE_EQ(aggregate_measurements(even).sizes[0].timing.median_s, 2e-3);
}

TEST(MemoryCache, FailuresAnswerAtOnceAndLostWorkersAreNotKept) {
  MemoryCache cache({.measurements = 5});
  cache.store(1, failed(EvalStatus::wrong_result));
  const auto hit = cache.lookup(1);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->status, EvalStatus::wrong_result);
  // An ok measurement of a key that failed does not make it answer otherwise.
  cache.store(1, timed(1e-3));
  EXPECT_EQ(cache.lookup(1)->status, EvalStatus::wrong_result);

  cache.store(2, failed(EvalStatus::worker_lost));
  EXPECT_FALSE(cache.lookup(2));
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(MemoryCache, KeepsMeasurementsNotWhoAnsweredThem) {
  MemoryCache cache;
  Evaluation e = timed(1e-3);
  e.cache_hit = "persistent";
  e.saved_s = 3.0;
  cache.store(1, e);
  EXPECT_EQ(cache.lookup(1)->cache_hit, "");
  EXPECT_EQ(cache.lookup(1)->saved_s, 0.0);
}

// Which of `hits` lookups of each of `keys` keys a forgetful cache forgets.
std::vector<bool> forgotten_pattern(std::uint64_t seed, int keys, int hits) {
  MemoryCache cache({.measurements = 1, .forget_probability = 0.3, .seed = seed});
  std::vector<bool> pattern;
  for (int k = 0; k < keys; ++k) {
    for (int h = 0; h < hits; ++h) {
      if (!cache.lookup(k)) cache.store(k, timed(1e-3));  // first lookup, or forgotten
      pattern.push_back(!cache.lookup(k));
    }
  }
  return pattern;
}

TEST(MemoryCache, ForgetfulCacheIsReproducibleFromItsSeed) {
  const std::vector<bool> a = forgotten_pattern(11, 50, 20);
  EXPECT_EQ(a, forgotten_pattern(11, 50, 20));
  EXPECT_NE(a, forgotten_pattern(12, 50, 20));
  const double rate = static_cast<double>(std::count(a.begin(), a.end(), true)) / a.size();
  EXPECT_NEAR(rate, 0.3, 0.05);  // 1000 draws
}

TEST(MemoryCache, ForgetfulDrawsDoNotDependOnTheOrderOfKeys) {
  // Concurrent evaluations reach the cache in any order: a key's fate depends on the
  // key and its own hits only.
  auto fate = [](bool reversed) {
    MemoryCache cache({.forget_probability = 0.5, .seed = 3});
    for (int k = 0; k < 64; ++k) cache.store(k, timed(1e-3));
    std::vector<bool> forgotten(64);
    for (int i = 0; i < 64; ++i) {
      const int k = reversed ? 63 - i : i;
      forgotten[k] = !cache.lookup(k);
    }
    return forgotten;
  };
  EXPECT_EQ(fate(false), fate(true));
}

TEST(MemoryCache, ForgetfulStatsCountForgottenHitsAsMisses) {
  MemoryCache always({.forget_probability = 1.0});
  always.store(1, timed(1e-3));
  EXPECT_FALSE(always.lookup(1));
  EXPECT_FALSE(always.lookup(1));  // forgotten: the key must be measured again
  const CacheStats s = always.stats();
  EXPECT_EQ(s.forgotten, 1u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.hits, 0u);
  EXPECT_EQ(s.entries, 0u);
}

TEST(MemoryCache, OptionsOutOfRangeAreInputErrors) {
  EXPECT_THROW(MemoryCache({.measurements = 0}), InputError);
  EXPECT_THROW(MemoryCache({.forget_probability = -0.1}), InputError);
  EXPECT_THROW(MemoryCache({.forget_probability = 1.5}), InputError);
  EXPECT_THROW(MemoryCache({.forget_probability = std::nan("")}), InputError);
}

TEST(MemoryCache, SafeFromSeveralThreads) {
  MemoryCache cache({.measurements = 2});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 500; ++i) {
        const std::uint64_t key = static_cast<std::uint64_t>((i + t) % 100);
        if (!cache.lookup(key)) cache.store(key, timed(1e-3));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(cache.stats().entries, 100u);
  EXPECT_EQ(cache.stats().hits + cache.stats().misses, 2000u);
}

TEST(CacheChain, FirstAnswerWinsAndTeachesTheLevelsInFront) {
  MemoryCache front, back;
  CacheChain chain({&front, nullptr, &back});
  back.store(5, timed(4e-3));
  const auto hit = chain.lookup(5);
  ASSERT_TRUE(hit);
  EXPECT_DOUBLE_EQ(hit->sizes[0].timing.median_s, 4e-3);
  ASSERT_TRUE(front.lookup(5));  // learned
  chain.store(6, timed(1e-3));
  EXPECT_TRUE(front.lookup(6));
  EXPECT_TRUE(back.lookup(6));
  EXPECT_FALSE(chain.lookup(7));
}

}  // namespace
}  // namespace evojit
