#include "backends/replay/replay_space.hpp"

#include <algorithm>

#include "support/error.hpp"

namespace evojit {

std::vector<ReplayPoint> replay_points(const ReplayEvaluator& replay) {
  const KernelTunerCache& cache = replay.cache();
  std::vector<ReplayPoint> points;
  points.reserve(cache.size());
  for (std::size_t i = 0; i < cache.size(); ++i) {
    auto config = replay.config_of(i);
    if (!config || !replay.space().is_valid(*config)) continue;
    const CacheEntry& e = cache.entry(i);
    ReplayPoint p;
    p.config = std::move(*config);
    p.entry = i;
    p.ok = e.outcome == CacheOutcome::ok;
    p.time_ms = p.ok ? e.time_ms : 0.0;
    p.cost_s = replay.cost_s(i);
    points.push_back(std::move(p));
  }
  return points;
}

ReplaySummary summarize(const std::vector<ReplayPoint>& points) {
  ReplaySummary s;
  s.points = points.size();
  std::vector<double> times;
  for (const ReplayPoint& p : points) {
    s.total_cost_s += p.cost_s;
    if (!p.ok) continue;
    times.push_back(p.time_ms);
    if (!s.best || p.time_ms < s.best_time_ms) {
      s.best_time_ms = p.time_ms;
      s.best = p.config;
    }
  }
  s.ok_points = times.size();
  if (!times.empty()) {
    std::sort(times.begin(), times.end());
    std::size_t m = times.size() / 2;
    s.median_time_ms = times.size() % 2 == 1 ? times[m] : 0.5 * (times[m - 1] + times[m]);
  }
  return s;
}

std::optional<double> expected_random_best_ms(const std::vector<ReplayPoint>& points,
                                              std::size_t n) {
  std::vector<double> times;
  for (const ReplayPoint& p : points) {
    if (p.ok) times.push_back(p.time_ms);
  }
  if (times.empty() || n == 0) return std::nullopt;
  std::sort(times.begin(), times.end());
  // Rank every point (failures last). q_i = P(all n draws have rank >= i) =
  // C(N-i+1, n) / C(N, n); the best is t_i with probability q_i - q_{i+1}.
  const double total = static_cast<double>(points.size());
  const double draws = static_cast<double>(std::min(n, points.size()));
  double q = 1.0, expected = 0.0, found = 0.0;
  for (std::size_t i = 1; i <= times.size(); ++i) {
    double remaining = total - static_cast<double>(i) + 1.0;  // N - i + 1
    double next = remaining - draws <= 0.0 ? 0.0 : q * (remaining - draws) / remaining;
    expected += (q - next) * times[i - 1];
    found += q - next;
    q = next;
    if (q == 0.0) break;
  }
  return expected / found;
}

std::optional<Config> first_uncovered_point(const ReplayEvaluator& replay,
                                            std::uint64_t max_points) {
  const ParameterSpace& space = replay.space();
  if (space.cartesian_size() > max_points) {
    throw_input_error("the space has " + std::to_string(space.cartesian_size()) +
                      " Cartesian points, more than the " + std::to_string(max_points) +
                      " a coverage check walks");
  }
  Config c;
  c.index.assign(space.size(), 0);
  if (space.size() == 0) return std::nullopt;
  for (;;) {
    if (!replay.entry_of(c) && space.is_valid(c)) return c;
    std::size_t i = space.size();
    while (i-- > 0) {
      if (++c.index[i] < space.parameters()[i].values.size()) break;
      c.index[i] = 0;
      if (i == 0) return std::nullopt;
    }
  }
}

}  // namespace evojit
