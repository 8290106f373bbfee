// How `evojit run` fits in scripts: exit code 3 when no evaluation is valid, --json
// (the summary on stdout), --quiet, progress lines when stderr is not a terminal, and
// a replay that takes its T1 file only from --t1.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const std::string kSpaces = std::string(EVOJIT_TEST_DATA_DIR) + "/spaces/";

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class RunOutputTest : public evojit::testing::CliTestBase {
 protected:
  // stdout and stderr apart; stderr is a file, never a terminal.
  Output run(const std::string& args, const std::string& env = "") {
    const fs::path err = dir_ / "stderr.txt";
    const std::string command =
        env + " " + std::string(EVOJIT_CLI) + " " + args + " 2>" + err.string();
    Output o;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) o.out.append(buffer, n);
    const int status = ::pclose(pipe);
    o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err);
    o.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return o;
  }

  fs::path failing_cache() {
    const fs::path cache = dir_ / "all_failed.json";
    std::ofstream(cache) << R"({"device_name": "GPU", "kernel_name": "k", "problem_size": 8,
      "tune_params_keys": ["a"], "tune_params": {"a": [1, 2, 3]}, "objective": ["time"],
      "cache": {"1": {"a": 1, "time": "CompilationFailedConfig"},
                "2": {"a": 2, "time": "RuntimeFailedConfig"},
                "3": {"a": 3, "time": "InvalidConfig"}}})";
    return cache;
  }
};

TEST_F(RunOutputTest, ARunWithNoValidEvaluationExitsWithCode3) {
  const Output o = run("run --replay " + failing_cache().string() + " --budget 5 --out " +
                       (dir_ / "run").string());
  EXPECT_EQ(o.exit_code, 3) << o.out << o.err;
  EXPECT_NE(o.err.find("no valid evaluation"), std::string::npos) << o.err;
  EXPECT_TRUE(fs::exists(dir_ / "run" / "summary.json"));
  // The same space with one valid entry: 0.
  const fs::path cache = dir_ / "one_ok.json";
  std::ofstream(cache) << R"({"tune_params_keys": ["a"], "tune_params": {"a": [1, 2]},
      "cache": {"1": {"a": 1, "time": "CompilationFailedConfig"}, "2": {"a": 2, "time": 1.5}}})";
  EXPECT_EQ(run("run --replay " + cache.string() + " --budget 5 --out " + (dir_ / "ok").string())
                .exit_code,
            0);
}

TEST_F(RunOutputTest, JsonPrintsTheSummaryAsOneObjectOnStdout) {
  const Output o =
      run("run --replay " + kSpaces + "pnpoly_RTX_3090.json.gz --budget 40 --json --out " +
          (dir_ / "run").string());
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const json summary = json::parse(o.out);  // nothing else on stdout
  EXPECT_EQ(summary["evaluations"], 40);
  EXPECT_EQ(summary["exit_code"], 0);
  EXPECT_EQ(summary["run_dir"], (dir_ / "run").string());
  EXPECT_TRUE(summary["best"].contains("genome"));
  EXPECT_TRUE(summary["statuses"].contains("ok"));
  const Output failed = run("run --replay " + failing_cache().string() +
                            " --budget 5 --json --out " + (dir_ / "failed").string());
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_EQ(json::parse(failed.out)["exit_code"], 3);
}

TEST_F(RunOutputTest, QuietPrintsNothingButErrors) {
  const Output o =
      run("run --replay " + kSpaces + "pnpoly_RTX_3090.json.gz --budget 40 --quiet --out " +
              (dir_ / "run").string(),
          "EVOJIT_PROGRESS_SECONDS=0.001");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, "");
  const Output bad = run("run --replay " + (dir_ / "missing.json").string() + " --quiet");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("missing.json"), std::string::npos) << bad.err;
}

// Off a terminal (here a file) progress is a plain line every few seconds
// (EVOJIT_PROGRESS_SECONDS shortens the period for the test), no escape codes.
TEST_F(RunOutputTest, ProgressOffATerminalIsAPlainLineEveryFewSeconds) {
  const Output o = run("run --replay " + kSpaces + "gemm_RTX_3090.json.gz --budget 3000 --out " +
                           (dir_ / "run").string(),
                       "EVOJIT_PROGRESS_SECONDS=0.001");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const std::size_t line = o.err.find("evojit: ");
  ASSERT_NE(line, std::string::npos) << o.err;
  EXPECT_NE(o.err.find("/3000 evaluations, best fitness "), std::string::npos) << o.err;
  EXPECT_NE(o.err.find(", ETA "), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find('\r'), std::string::npos);
  EXPECT_EQ(o.err.find('\033'), std::string::npos);
  // With the default period a short run prints no progress at all.
  const Output quick =
      run("run --replay " + kSpaces + "pnpoly_RTX_3090.json.gz --budget 20 --out " +
          (dir_ / "quick").string());
  EXPECT_EQ(quick.err.find("evojit: "), std::string::npos) << quick.err;
}

// Kernel Tuner's test caches sit beside unrelated <prefix>.json files: a replay
// takes its T1 input from --t1 only.
TEST_F(RunOutputTest, AReplayDoesNotGuessItsT1FileFromTheCachesName) {
  fs::copy_file(kSpaces + "pnpoly_RTX_3090.json.gz", dir_ / "pnpoly_RTX_3090.json.gz");
  std::ofstream(dir_ / "pnpoly.json") << "not a T1 file";
  const Output o = run("run --replay " + (dir_ / "pnpoly_RTX_3090.json.gz").string() +
                       " --budget 10 --out " + (dir_ / "run").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json run_json = evojit::testing::read_json(dir_ / "run" / "run.json");
  EXPECT_FALSE(run_json["config"]["backend_options"].contains("t1")) << run_json.dump();
  EXPECT_EQ(run_json["backend"]["identity"]["t1"], "") << run_json.dump();
}

// A replay is a run like any other: --set pins, --workers (which it cannot honour) is
// refused with the reason rather than ignored, and nothing is written then.
TEST_F(RunOutputTest, AReplayHonoursSetAndRefusesWorkers) {
  const std::string cache = kSpaces + "convolution_milo_A100.json.gz";
  const Output pinned =
      run("run --replay " + cache + " --set block_size_x=32 --budget 20 --quiet --out " +
          (dir_ / "pinned").string());
  ASSERT_EQ(pinned.exit_code, 0) << pinned.err;
  std::ifstream journal(dir_ / "pinned" / "journal.jsonl");
  std::size_t records = 0;
  for (std::string line; std::getline(journal, line); ++records) {
    EXPECT_EQ(nlohmann::json::parse(line)["genome"]["block_size_x"], 32) << line;
  }
  EXPECT_EQ(records, 20u);
  const Output workers =
      run("run --replay " + cache + " --workers 2 --budget 20 --out " + (dir_ / "w").string());
  EXPECT_EQ(workers.exit_code, 2);
  EXPECT_NE(workers.err.find("--workers 2"), std::string::npos) << workers.err;
  EXPECT_FALSE(fs::exists(dir_ / "w"));
}

TEST_F(RunOutputTest, HelpDocumentsTheExitCodes) {
  const Output o = run("run --help");
  for (const char* code : {"\n  0 ", "\n  2 ", "\n  3 ", "\n  130 ", "143 by SIGTERM"}) {
    EXPECT_NE(o.out.find(code), std::string::npos) << code << "\n" << o.out;
  }
}

}  // namespace
