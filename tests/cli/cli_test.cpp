// End-to-end tests of the evojit command: a real (small) tuning run and the
// bad-input exits. They run the built binary as a user would.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using evojit::testing::read_json;
using evojit::testing::run_cli;
using Result = evojit::testing::CliResult;

class CliTest : public evojit::testing::CliTestBase {
 protected:
  std::string common() const {
    return "--profile " + profile_.string() + " --max-seconds-per-size 0.02";
  }
};

TEST_F(CliTest, RunWritesACompleteRunDirectory) {
  const fs::path out = dir_ / "run";
  const Result r =
      run_cli("run --task triad --budget 4 --seed 7 --out " + out.string() + " " + common());
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const json run = read_json(out / "run.json");
  EXPECT_EQ(run["config"]["task"], "triad");
  EXPECT_EQ(run["seed"], 7);
  EXPECT_TRUE(run.contains("machine_profile"));
  EXPECT_TRUE(run["versions"].contains("llvm"));

  std::ifstream journal(out / "journal.jsonl");
  std::string line;
  int records = 0;
  while (std::getline(journal, line)) {
    const json rec = json::parse(line);
    EXPECT_EQ(rec["id"], records);
    EXPECT_TRUE(rec["genome"].contains("VEC"));
    EXPECT_EQ(rec["structural_hash"].get<std::string>().size(), 16u);
    EXPECT_TRUE(rec.contains("code_hash"));
    EXPECT_TRUE(rec.contains("fitness"));
    EXPECT_EQ(rec["status"], "ok") << rec.dump();
    EXPECT_EQ(rec["evaluation"]["sizes"].size(), 3u);
    for (const json& size : rec["evaluation"]["sizes"]) {
      EXPECT_GT(size["timing"]["median_s"].get<double>(), 0.0);
      EXPECT_GT(size["fraction"].get<double>(), 0.0);
    }
    ++records;
  }
  EXPECT_EQ(records, 4);

  const json best = read_json(out / "best" / "best.json");
  EXPECT_GT(best["fitness"].get<double>(), 0.0);
  EXPECT_TRUE(best["held_out"]["verdict"] == "pass" || best["held_out"]["verdict"] == "collapse");
  EXPECT_EQ(best["held_out"]["evaluation"]["sizes"].size(), 1u);
  std::ifstream kernel(out / "best" / "kernel.cpp");
  const std::string source((std::istreambuf_iterator<char>(kernel)), {});
  EXPECT_NE(source.find("evojit_kernel"), std::string::npos);
  EXPECT_NE(source.find("#define VEC"), std::string::npos);

  const json t4 = read_json(out / "t4.json");
  EXPECT_TRUE(t4.contains("schema_version"));
  EXPECT_EQ(t4["results"].size(), 4u);

  const json summary = read_json(out / "summary.json");
  EXPECT_EQ(summary["evaluations"], 4);
  EXPECT_EQ(summary["stop_reason"], "evaluation budget");
  EXPECT_TRUE(summary.contains("seed_fitness"));

  const Result shown = run_cli("show " + out.string());
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_NE(shown.output.find("held-out verdict"), std::string::npos) << shown.output;
}

TEST_F(CliTest, TasksListsBothTasks) {
  const Result r = run_cli("tasks");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("triad"), std::string::npos);
  EXPECT_NE(r.output.find("heat2d"), std::string::npos);
  EXPECT_NE(r.output.find("one-plus-one"), std::string::npos);
}

// The fault-injection task lives in the test tree: the shipped binary knows nothing of
// it, even with the environment variable that used to enable it.
TEST_F(CliTest, TheShippedBinaryHasNoTestTasks) {
  ::setenv("EVOJIT_ENABLE_TEST_TASKS", "1", 1);  // the evojit process inherits it
  const Result listed = run_cli("tasks");
  const Result run = run_cli("run --task fault_injection --budget 1 --out " +
                             (dir_ / "run").string() + " " + common());
  ::unsetenv("EVOJIT_ENABLE_TEST_TASKS");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("triad"), std::string::npos) << listed.output;
  EXPECT_EQ(listed.output.find("fault"), std::string::npos) << listed.output;
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("unknown task 'fault_injection'"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(dir_ / "run"));
}

// Every bad input: exit code 2, one clear message, nothing written.
struct BadInput {
  const char* name;
  const char* args;
  const char* message;
};

void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

class CliBadInput : public CliTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(CliBadInput, ExitsWithCode2AndWritesNothing) {
  const BadInput& c = GetParam();
  const fs::path out = dir_ / "out";
  const Result r =
      run_cli(std::string("run ") + c.args + " --budget 3 --out " + out.string() + " " + common());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(c.message), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out)) << "a bad command line must not create the run directory";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        BadInput{"UnknownTask", "--task nosuch", "unknown task 'nosuch'"},
        BadInput{"UnknownStrategy", "--task triad --strategy nosuch", "unknown strategy 'nosuch'"},
        BadInput{"MalformedOverride", "--task triad --set VEC", "malformed parameter override"},
        BadInput{"UnknownOverride", "--task triad --set NOPE=3", "unknown parameter 'NOPE'"},
        BadInput{"OverrideValueNotAllowed", "--task triad --set VEC=3", "VEC"},
        BadInput{"ConstraintDoesNotParse", "--task triad --constraint 'VEC * * 2'", "column"},
        BadInput{"EmptySpace", "--task triad --constraint 'VEC > 1000'", "no valid point"},
        BadInput{"BadStrategyParams", "--task triad --strategy-params '{nope'", "not JSON"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(CliTest, ExistingNonEmptyOutputDirectoryIsLeftUntouched) {
  const fs::path out = dir_ / "taken";
  fs::create_directories(out);
  std::ofstream(out / "journal.jsonl") << "precious\n";
  const Result r = run_cli("run --task triad --budget 2 --out " + out.string() + " " + common());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not empty"), std::string::npos) << r.output;
  std::ifstream in(out / "journal.jsonl");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "precious\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 1);
}

TEST_F(CliTest, ShowRejectsADirectoryThatIsNotARun) {
  const Result r = run_cli("show " + dir_.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("not a run directory"), std::string::npos) << r.output;
}

TEST_F(CliTest, RooflineMeasuresAndSavesAProfile) {
  const fs::path path = dir_ / "measured.json";
  const Result r = run_cli("roofline --repetitions 1 --profile " + path.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json p = read_json(path);
  EXPECT_GT(p["peak_bandwidth_bytes_per_s"].get<double>(), 1e8);
  EXPECT_GT(p["peak_flops_per_s"].get<double>(), 1e8);
  EXPECT_FALSE(p["levels"].empty());
  EXPECT_EQ(p["levels"].back()["name"], "DRAM");
}

}  // namespace

namespace {

const std::string kSpaces = std::string(EVOJIT_TEST_DATA_DIR) + "/spaces/";

TEST_F(CliTest, ReplayRunWithTheSameSeedGivesTheIdenticalJournal) {
  std::string journals[2];
  for (int i = 0; i < 2; ++i) {
    const fs::path out = dir_ / ("replay" + std::to_string(i));
    const Result r = run_cli("run --replay " + kSpaces +
                             "convolution_milo_A100.json.gz --strategy one-plus-one --budget 60 "
                             "--seed 11 --out " +
                             out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::ifstream in(out / "journal.jsonl");
    journals[i].assign((std::istreambuf_iterator<char>(in)), {});
    const json summary = read_json(out / "summary.json");
    EXPECT_EQ(summary["evaluations"], 60);
    EXPECT_GT(summary["simulated_elapsed_s"].get<double>(), 0.0);
    EXPECT_TRUE(read_json(out / "t4.json").contains("results"));
  }
  EXPECT_FALSE(journals[0].empty());
  EXPECT_EQ(journals[0], journals[1]);
}

TEST_F(CliTest, ReplayOfAMissingFileIsABadInput) {
  const fs::path out = dir_ / "replay";
  const Result r =
      run_cli("run --replay " + (dir_ / "nope.json.gz").string() + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CliTest, RunNeedsATaskOrAReplay) {
  const Result r = run_cli("run --budget 3");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--task"), std::string::npos);
}

}  // namespace

namespace {

TEST_F(CliTest, RunWithSeveralWorkersScoresTheHeldOutSizeAfterTheSearch) {
  const fs::path out = dir_ / "two-workers";
  const Result r =
      run_cli("run --task triad --budget 6 --workers 2 --out " + out.string() + " " + common());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json best = read_json(out / "best" / "best.json");
  EXPECT_EQ(best["held_out"]["evaluation"]["status"], "ok") << best["held_out"].dump(2);
}

}  // namespace
