#include "evaluators/cache_topology.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/error.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

void write_index(const fs::path& dir, int level, const char* type, const char* size,
                 const char* shared) {
  fs::create_directories(dir);
  std::ofstream(dir / "level") << level << "\n";
  std::ofstream(dir / "type") << type << "\n";
  std::ofstream(dir / "size") << size << "\n";
  std::ofstream(dir / "coherency_line_size") << "64\n";
  std::ofstream(dir / "shared_cpu_list") << shared << "\n";
}

TEST(CacheTopology, ParsesSizesAndCpuLists) {
  EXPECT_DOUBLE_EQ(parse_cache_size("48K"), 48.0 * 1024);
  EXPECT_DOUBLE_EQ(parse_cache_size("32M"), 32.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_cache_size("65536"), 65536.0);
  EXPECT_EQ(parse_cache_size("big"), 0.0);
  EXPECT_EQ(count_cpu_list("0"), 1);
  EXPECT_EQ(count_cpu_list("0-1"), 2);
  EXPECT_EQ(count_cpu_list("0-3,8,10-11"), 7);
  EXPECT_EQ(count_cpu_list("3-1"), 0);
}

TEST(CacheTopology, ReadsDataAndUnifiedLevelsWithTheirSharing) {
  const fs::path root = fs::temp_directory_path() / ("evojit-sysfs-" + std::to_string(getpid()));
  fs::remove_all(root);
  write_index(root / "index0", 1, "Data", "48K", "0,56");
  write_index(root / "index1", 1, "Instruction", "32K", "0,56");
  write_index(root / "index2", 2, "Unified", "2048K", "0,56");
  write_index(root / "index3", 3, "Unified", "107520K", "0-55,56-111");
  const std::vector<CacheLevel> caches = read_cache_topology(root);
  fs::remove_all(root);
  ASSERT_EQ(caches.size(), 3u);
  EXPECT_EQ(caches[0].name, "L1");
  EXPECT_EQ(caches[0].type, "Data");
  EXPECT_DOUBLE_EQ(caches[0].size_bytes, 48.0 * 1024);
  EXPECT_EQ(caches[0].shared_by_cpus, 2);
  EXPECT_EQ(caches[1].name, "L2");
  EXPECT_EQ(caches[2].name, "L3");
  EXPECT_EQ(caches[2].shared_by_cpus, 112);
  EXPECT_EQ(caches[2].line_bytes, 64);
}

TEST(CacheTopology, NoSysfsMeansNoLevels) {
  EXPECT_TRUE(read_cache_topology("/nonexistent/cpu0/cache").empty());
}

TEST(CacheTopology, RoundTripsThroughJsonAndRejectsNonsense) {
  const std::vector<CacheLevel> caches = {{"L1", 1, "Data", 32768, 64, 1},
                                          {"L3", 3, "Unified", 33554432, 64, 2}};
  const auto back = cache_topology_from_json(to_json(caches), "here");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].name, "L3");
  EXPECT_EQ(back[1].shared_by_cpus, 2);
  EXPECT_THROW(cache_topology_from_json(nlohmann::json::parse(R"([{"level": 2}])"), "here"),
               InputError);
  EXPECT_THROW(cache_topology_from_json(nlohmann::json::parse(R"({"level": 2})"), "here"),
               InputError);
}

}  // namespace
}  // namespace evojit
