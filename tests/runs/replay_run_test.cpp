#include "runs/run.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "runs/journal.hpp"
#include "runs/run_report.hpp"
#include "tests/runs/replay_runs.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// A replay of gemm_RTX_3090 from a folder with no T1 file beside it: the space's
// restrictions are unknown, only the cache says which configurations exist.
class ReplayRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-replay-run-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy_file(fs::path(EVOJIT_TEST_DATA_DIR) / "spaces" / "gemm_RTX_3090.json.gz",
                  dir_ / "gemm_RTX_3090.json.gz");
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunSpec config(const std::string& strategy, std::size_t budget) const {
    return replay_spec(dir_ / "gemm_RTX_3090.json.gz", strategy, budget, 3,
                       dir_ / ("run-" + strategy));
  }

  fs::path dir_;
  Registries registries_ = replay_registries();
};

TEST_F(ReplayRunTest, WithoutConditionsOnlyRecordedConfigurationsAreProposedOrCharged) {
  for (const std::string strategy : {"random", "one-plus-one", "islands", "bandit"}) {
    const RunSpec c = config(strategy, 300);
    const EvolveResult result = run(c, registries_).result;
    EXPECT_EQ(result.evaluations, 300u) << strategy;
    std::size_t invalid = 0;
    for (const nlohmann::json& r : read_journal(c.out_dir / "journal.jsonl")) {
      invalid += r.dump().find("InvalidConfig") != std::string::npos;
    }
    // Before: a third to three quarters of the budget went to configurations
    // the cache does not hold, each logged as an InvalidConfig compile error.
    EXPECT_EQ(invalid, 0u) << strategy;
  }
}

TEST_F(ReplayRunTest, SummaryAndReportNameSimulatedAndWallTime) {
  const RunSpec c = config("random", 200);
  run(c, registries_);
  const nlohmann::json summary = read_json(c.out_dir / "summary.json");
  const double simulated = summary.at("simulated_elapsed_s").get<double>();
  const double wall = summary.at("wall_s").get<double>();
  EXPECT_GT(simulated, 0.0);
  EXPECT_GE(wall, 0.0);
  // No unnamed "elapsed_s" that a reader would take for wall time.
  EXPECT_FALSE(summary.contains("elapsed_s"));
  const std::string report = format_run_report(c.out_dir);
  EXPECT_NE(report.find("wall time"), std::string::npos) << report;
  EXPECT_NE(report.find("simulated tuning time"), std::string::npos) << report;
}

}  // namespace
}  // namespace evojit
