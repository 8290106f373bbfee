// `evojit roofline` and the profile `evojit run` uses, end to end: measuring every
// cache level, --check, spec-sheet figures and the refusal of bad or incomplete
// profiles (exit code 2, named field, how to fix).
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evaluators/cache_topology.hpp"
#include "tests/cli/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using evojit::testing::read_json;
using evojit::testing::run_cli;
using Result = evojit::testing::CliResult;

class RooflineCliTest : public evojit::testing::CliTestBase {
 protected:
  bool contains(const Result& r, const std::string& text) const {
    return r.output.find(text) != std::string::npos;
  }
  std::string quick_run(const std::string& extra) const {
    return "run --task triad --budget 2 --max-seconds-per-size 0.02 --out " +
           (dir_ / "run").string() + " " + extra;
  }
};

TEST_F(RooflineCliTest, MeasuresEveryCacheLevelRecordsHowAndChecksTheSavedProfile) {
  const fs::path path = dir_ / "measured.json";
  const Result r = run_cli("roofline --repetitions 1 --profile " + path.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r, "load average")) << r.output;
  const json p = read_json(path);
  for (const evojit::CacheLevel& c : evojit::read_cache_topology()) {
    bool found = false;
    for (const json& level : p["levels"]) found = found || level["name"] == c.name;
    EXPECT_TRUE(found) << c.name << " missing from " << p["levels"].dump();
  }
  EXPECT_EQ(p["levels"].back()["name"], "DRAM");
  EXPECT_EQ(p["measurement"]["repetitions"], 1);
  EXPECT_EQ(p["measurement"]["load_before"].size(), 3u);
  EXPECT_FALSE(p["measurement"]["evojit_version"].get<std::string>().empty());

  // A saved profile claiming a thousand times this machine's figures cannot hold.
  json doctored = p;
  for (json& level : doctored["levels"]) {
    for (json& b : level["bandwidth_bytes_per_s"]) b = b.get<double>() * 1000;
  }
  for (json& b : doctored["bandwidth_bytes_per_s"]) b = b.get<double>() * 1000;
  for (json& f : doctored["flops_per_s"]) f = f.get<double>() * 1000;
  doctored.erase("peak_bandwidth_bytes_per_s");
  doctored.erase("peak_flops_per_s");
  std::ofstream(path) << doctored.dump();
  const Result check = run_cli("roofline --check --profile " + path.string());
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_TRUE(contains(check, "SAVED TOO HIGH")) << check.output;
  EXPECT_TRUE(contains(check, "DOES NOT HOLD")) << check.output;
}

TEST_F(RooflineCliTest, CheckWithoutAProfileIsABadInput) {
  const Result r = run_cli("roofline --check --profile " + (dir_ / "none.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r, "no saved machine profile")) << r.output;
}

TEST_F(RooflineCliTest, AProfileWithoutTheOsCacheLevelsIsRefusedAsIncomplete) {
  if (evojit::read_cache_topology().empty()) GTEST_SKIP() << "the OS lists no caches here";
  const fs::path path = dir_ / "dram-only.json";
  std::ofstream(path) << R"({"machine_id": "x", "threads": [1], "bandwidth_bytes_per_s": [1e10],
      "flops_per_s": [1e11], "levels": [{"name": "DRAM", "working_set_bytes": 8e8,
      "bandwidth_bytes_per_s": [1e10]}]})";
  const Result r = run_cli(quick_run("--profile " + path.string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r, "incomplete")) << r.output;
  EXPECT_TRUE(contains(r, "no L1 level")) << r.output;
  EXPECT_TRUE(contains(r, "evojit roofline --force --profile")) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "run"));
}

TEST_F(RooflineCliTest, SpecSheetFiguresScoreTheRunAndArePrinted) {
  const Result r = run_cli(
      quick_run("--profile " + profile_.string() + " --peak-bandwidth 1000 --peak-flops 5000"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r, "profile   " + profile_.string())) << r.output;
  EXPECT_TRUE(contains(r, "source measured+spec-sheet")) << r.output;
  EXPECT_TRUE(contains(r, "ceilings  DRAM 1000.00 GB/s")) << r.output;
  const json run = read_json(dir_ / "run" / "run.json");
  EXPECT_DOUBLE_EQ(run["machine_profile"]["nominal"]["bandwidth_bytes_per_s"].get<double>(), 1e12);
  EXPECT_DOUBLE_EQ(run["machine_profile"]["peak_flops_per_s"].get<double>(), 5e12);
}

TEST_F(RooflineCliTest, AHandWrittenSpecSheetProfileWorks) {
  const fs::path path = dir_ / "nominal.json";
  std::ofstream(path) << R"({"source": "spec-sheet", "peak_bandwidth_bytes_per_s": 5e10,
      "peak_flops_per_s": 2e12, "levels": [
      {"name": "L1", "working_set_bytes": 16384, "bandwidth_bytes_per_s": [1e12]},
      {"name": "L2", "working_set_bytes": 524288, "bandwidth_bytes_per_s": [5e11]},
      {"name": "L3", "working_set_bytes": 16777216, "bandwidth_bytes_per_s": [2e11]}]})";
  const Result r = run_cli(quick_run("--profile " + path.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r, "source spec-sheet")) << r.output;
}

TEST_F(RooflineCliTest, BadSpecSheetFiguresAreBadInputs) {
  Result r = run_cli(quick_run("--profile " + profile_.string() + " --peak-bandwidth -5"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r, "--peak-bandwidth: expected a positive number")) << r.output;
  const fs::path path = dir_ / "bad.json";
  std::ofstream(path) << R"({"peak_bandwidth_bytes_per_s": 5e10, "peak_flops_per_s": 0})";
  r = run_cli(quick_run("--profile " + path.string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r, "#/peak_flops_per_s: expected a positive number")) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "run"));
}

}  // namespace
