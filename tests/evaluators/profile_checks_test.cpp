#include "evaluators/profile_checks.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/time.hpp"

namespace evojit {
namespace {

bool mentions(const std::vector<std::string>& lines, const std::string& a, const std::string& b) {
  for (const std::string& l : lines) {
    if (l.find(a) != std::string::npos && l.find(b) != std::string::npos) return true;
  }
  return false;
}

MachineProfile consistent_profile() {
  MachineProfile p;
  p.threads = {1, 2};
  p.bandwidth_bytes_per_s = {9e9, 10e9};
  p.flops_per_s = {70e9, 140e9};
  p.levels = {{"L1", 16e3, {200e9, 400e9}},
              {"L2", 512e3, {80e9, 160e9}},
              {"L3", 16e6, {30e9, 50e9}},
              {"DRAM", 768e6, {9e9, 10e9}}};
  return p;
}

TEST(ProfileConsistency, AConsistentProfileHasNoProblems) {
  EXPECT_TRUE(consistency_problems(consistent_profile()).empty());
}

TEST(ProfileConsistency, MoreThreadsSlowerThanFewerIsReported) {
  MachineProfile p = consistent_profile();
  p.flops_per_s = {77e9, 36e9};  // what a busy machine gave (issue 8)
  const auto problems = consistency_problems(p);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(mentions(problems, "FP32 FMA", "2 threads 36.00 GFLOP/s is slower than 1 thread"))
      << problems[0];
}

TEST(ProfileConsistency, ADipWithinNoiseIsNotReported) {
  MachineProfile p = consistent_profile();
  p.flops_per_s = {77e9, 75e9};  // the same rate, within 10%
  EXPECT_TRUE(consistency_problems(p).empty());
}

TEST(ProfileConsistency, ALargerLevelFasterThanASmallerOneIsReported) {
  MachineProfile p = consistent_profile();
  p.levels[1].bandwidth_bytes_per_s = {20e9, 25e9};  // L2 below L3 (50 GB/s)
  p.bandwidth_bytes_per_s = {60e9, 60e9};            // DRAM above L3 and L2
  p.levels[3].bandwidth_bytes_per_s = p.bandwidth_bytes_per_s;
  const auto problems = consistency_problems(p);
  EXPECT_TRUE(mentions(problems, "L2 bandwidth 25.00 GB/s", "below L3"));
  EXPECT_TRUE(mentions(problems, "L2 bandwidth", "below DRAM"));
  EXPECT_TRUE(mentions(problems, "L3 bandwidth 50.00 GB/s", "below DRAM"));
}

TEST(ProfileConsistency, ANominalDramFigureAboveTheCachesIsReported) {
  MachineProfile p = consistent_profile();
  apply_nominal_figures(p, 100e9, std::nullopt);
  EXPECT_TRUE(mentions(consistency_problems(p), "L3 bandwidth", "below DRAM's 100.00 GB/s"));
}

TEST(ProfileCompleteness, EveryLevelTheOsListsMustBeMeasured) {
  const std::vector<CacheLevel> os = {{"L1", 1, "Data", 32768, 64, 1},
                                      {"L2", 2, "Unified", 1048576, 64, 1},
                                      {"L3", 3, "Unified", 33554432, 64, 2}};
  MachineProfile dram_only = consistent_profile();
  dram_only.levels = {dram_only.levels.back()};
  const auto reasons = missing_levels(dram_only, os);
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_TRUE(mentions(reasons, "no L2 level", "1 MiB L2"));
  EXPECT_TRUE(missing_levels(consistent_profile(), os).empty());
  // Measured for another machine's caches (a copied profile).
  MachineProfile copied = consistent_profile();
  copied.caches = {{"L2", 2, "Unified", 2097152, 64, 1}};
  EXPECT_TRUE(mentions(missing_levels(copied, os), "measured for a 2 MiB", "reports 1 MiB"));
  // An OS that lists no caches asks for nothing.
  EXPECT_TRUE(missing_levels(dram_only, {}).empty());
}

TEST(ProfileLoad, ReadsTheLoadAverageAndJudgesBusy) {
  const auto file =
      std::filesystem::temp_directory_path() / ("evojit-loadavg-" + std::to_string(getpid()));
  std::ofstream(file) << "1.52 0.90 0.40 3/512 12345\n";
  const LoadAverage load = read_load_average(file);
  std::filesystem::remove(file);
  EXPECT_DOUBLE_EQ(load.one, 1.52);
  EXPECT_DOUBLE_EQ(load.fifteen, 0.40);
  EXPECT_TRUE(machine_is_busy(load, 2));
  EXPECT_FALSE(machine_is_busy(load, 8));
  EXPECT_FALSE(machine_is_busy(read_load_average("/nonexistent"), 1));
}

TEST(ProfileCheck, HoldsWithinToleranceAndNotBeyond) {
  const MachineProfile saved = consistent_profile();
  MachineProfile now = saved;
  now.flops_per_s = {75e9, 130e9};  // -7%
  EXPECT_TRUE(compare_profiles(saved, now).holds);
  now.bandwidth_bytes_per_s = {19e9, 20e9};  // DRAM doubled: the saved one was too low
  const ProfileComparison c = compare_profiles(saved, now);
  EXPECT_FALSE(c.holds);
  EXPECT_TRUE(mentions(c.lines, "DRAM", "SAVED TOO LOW"));
  EXPECT_EQ(c.lines.size(), 5u);  // L1, L2, L3, DRAM, FMA
}

TEST(ProfileAge, SaysHowLongAgo) {
  EXPECT_EQ(age_text("not a time"), "at an unknown time");
  EXPECT_NE(age_text("2020-01-01T00:00:00Z").find("days ago"), std::string::npos);
  // A profile measured now carries iso8601_now()'s stamp (microseconds, +00:00).
  EXPECT_NE(age_text(iso8601_now()).find(" s ago"), std::string::npos) << iso8601_now();
}

}  // namespace
}  // namespace evojit
