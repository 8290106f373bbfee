// What a replayed space holds, for search-efficiency benchmarks: every valid point
// with its recorded result, the optimum, the median, and what random search is
// expected to find after n distinct evaluations.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "backends/replay/replay_evaluator.hpp"

namespace evojit {

struct ReplayPoint {
  Config config;
  std::size_t entry = 0;  // index into the cache
  bool ok = false;
  double time_ms = 0.0;  // recorded mean; 0 unless ok
  double cost_s = 0.0;   // what evaluating it costs on the simulated clock
};

struct ReplaySummary {
  std::size_t points = 0;     // valid points of the space (all recorded)
  std::size_t ok_points = 0;  // of which ran correctly
  double best_time_ms = 0.0;
  double median_time_ms = 0.0;  // over the ok points
  std::optional<Config> best;
  double total_cost_s = 0.0;  // what brute force costs on the simulated clock
};

// Every point that is valid in the evaluator's space and recorded in its cache, in
// cache order. (Recorded points outside the space, e.g. failing a T1 condition the
// cache was not recorded with, are left out.)
std::vector<ReplayPoint> replay_points(const ReplayEvaluator& replay);

ReplaySummary summarize(const std::vector<ReplayPoint>& points);

// Expected best time (ms) of uniform random search without replacement after `n`
// distinct evaluations of `points`, given that at least one ok point was drawn.
// Exact (no sampling); nullopt when no point is ok.
std::optional<double> expected_random_best_ms(const std::vector<ReplayPoint>& points,
                                              std::size_t n);

// Walks the Cartesian product of the evaluator's space (when it has at most
// `max_points` points) and returns the first configuration that is valid but absent
// from the cache; nullopt when the cache covers the space. Throws InputError when
// the space is larger than `max_points`.
std::optional<Config> first_uncovered_point(const ReplayEvaluator& replay,
                                            std::uint64_t max_points = 50'000'000);

}  // namespace evojit
