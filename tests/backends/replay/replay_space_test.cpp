#include "backends/replay/replay_space.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

namespace evojit {
namespace {

const std::filesystem::path kSpaces = std::filesystem::path(EVOJIT_TEST_DATA_DIR) / "spaces";

std::shared_ptr<const KernelTunerCache> pnpoly() {
  static auto cache = std::make_shared<const KernelTunerCache>(
      KernelTunerCache::load(kSpaces / "pnpoly_RTX_3090.json.gz"));
  return cache;
}

TEST(ReplaySpace, ListsEveryRecordedPointWithTheOptimumAndTheMedian) {
  ReplayEvaluator replay(pnpoly());
  std::vector<ReplayPoint> points = replay_points(replay);
  ASSERT_EQ(points.size(), 4092u);
  ReplaySummary s = summarize(points);
  EXPECT_EQ(s.points, 4092u);
  EXPECT_EQ(s.ok_points, 3774u);
  std::vector<double> times;
  const KernelTunerCache& c = replay.cache();
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.entry(i).outcome == CacheOutcome::ok) times.push_back(c.entry(i).time_ms);
  }
  std::sort(times.begin(), times.end());
  EXPECT_DOUBLE_EQ(s.best_time_ms, times.front());
  EXPECT_DOUBLE_EQ(s.median_time_ms, 0.5 * (times[1886] + times[1887]));
  ASSERT_TRUE(s.best.has_value());
  EXPECT_DOUBLE_EQ(replay.evaluate(*s.best).sizes[0].timing.median_s, times.front() * 1e-3);
}

TEST(ReplaySpace, ExpectedRandomSearchBestIsExact) {
  ReplayEvaluator replay(pnpoly());
  std::vector<ReplayPoint> points = replay_points(replay);
  ReplaySummary s = summarize(points);
  // Drawing every point finds the optimum.
  EXPECT_NEAR(*expected_random_best_ms(points, points.size()), s.best_time_ms, 1e-9);
  // One draw, given it succeeded, is the mean of the ok times.
  double mean = 0.0;
  for (const ReplayPoint& p : points) mean += p.ok ? p.time_ms : 0.0;
  mean /= static_cast<double>(s.ok_points);
  EXPECT_NEAR(*expected_random_best_ms(points, 1), mean, 1e-9 * mean);
  // More draws never do worse.
  EXPECT_LE(*expected_random_best_ms(points, 100), *expected_random_best_ms(points, 10));
}

}  // namespace
}  // namespace evojit
