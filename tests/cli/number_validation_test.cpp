// Every number a run takes is checked, on the command line as in a config file:
// negative, overflowing, NaN or infinite values are exit code 2 with a message
// naming the flag (or JSON pointer), and no run directory appears. Before, --budget
// -1 wrapped to "no limit" and --workers -1 to 2^64-1.
#include <gtest/gtest.h>

#include "tests/cli/process_fixture.hpp"

namespace {

using namespace evojit::testing;

struct BadNumber {
  const char* name;
  std::string args;
  const char* expected;  // in the message
};

void PrintTo(const BadNumber& b, std::ostream* os) { *os << b.args; }

class NumberValidationTest : public CliTestBase, public ::testing::WithParamInterface<BadNumber> {};

TEST_P(NumberValidationTest, IsRefusedBeforeAnythingIsWritten) {
  const fs::path out = dir_ / "out";
  const CliResult r = run_cli("run --task triad " + GetParam().args + " --out " + out.string() +
                              " --profile " + profile_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(GetParam().expected), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

INSTANTIATE_TEST_SUITE_P(
    CommandLine, NumberValidationTest,
    ::testing::Values(BadNumber{"NegativeBudget", "--budget -1", "--budget"},
                      BadNumber{"OverflowingBudget", "--budget 18446744073709551616", "too large"},
                      BadNumber{"FractionalBudget", "--budget 2.5", "--budget"},
                      BadNumber{"NegativeWorkers", "--workers -1", "--workers"},
                      BadNumber{"ZeroWorkers", "--workers 0", "--workers"},
                      BadNumber{"HugeWorkers", "--workers 100000", "--workers"},
                      BadNumber{"NegativeSeed", "--seed -3", "--seed"},
                      BadNumber{"NanTimeBudget", "--time-budget nan", "--time-budget"},
                      BadNumber{"InfiniteTimeBudget", "--time-budget inf", "--time-budget"},
                      BadNumber{"NegativeTimeBudget", "--time-budget -5", "--time-budget"},
                      BadNumber{"NoBudgetAtAll", "--budget 0", "no budget"},
                      BadNumber{"ZeroTimingCap", "--max-seconds-per-size 0", "--max-seconds"},
                      BadNumber{"NanTimingCap", "--max-seconds-per-size nan", "--max-seconds"}),
    [](const auto& info) { return std::string(info.param.name); });

class ConfigNumberTest : public CliTestBase, public ::testing::WithParamInterface<BadNumber> {};

TEST_P(ConfigNumberTest, IsRefusedBeforeAnythingIsWritten) {
  const fs::path out = dir_ / "out";
  const fs::path config = dir_ / "run.json";
  std::ofstream(config) << GetParam().args;
  const CliResult r = run_cli("run --config " + config.string() + " --out " + out.string() +
                              " --profile " + profile_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(GetParam().expected), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

INSTANTIATE_TEST_SUITE_P(
    ConfigFile, ConfigNumberTest,
    ::testing::Values(
        BadNumber{"NegativeBudget", R"({"task": "triad", "budget": {"evaluations": -1}})",
                  "/budget/evaluations"},
        BadNumber{"NegativeSeconds", R"({"task": "triad", "budget": {"seconds": -1}})",
                  "/budget/seconds"},
        BadNumber{"NegativeSeed", R"({"task": "triad", "seed": -1})", "/seed"},
        BadNumber{"TooManyWorkers", R"({"task": "triad", "workers": 1e9})", "/workers"},
        BadNumber{"ZeroTimingCap", R"({"task": "triad", "measure": {"max_seconds": 0}})",
                  "/measure/max_seconds"},
        BadNumber{"NegativeWarmup", R"({"task": "triad", "measure": {"warmup": -2}})",
                  "/measure/warmup"}),
    [](const auto& info) { return std::string(info.param.name); });

// A replay run is a few milliseconds: the resume cases use one.
const std::string kCache = std::string(EVOJIT_TEST_DATA_DIR) + "/spaces/gemm_RTX_3090.json.gz";

TEST_F(CliTestBase, ResumeRefusesANegativeOrShrinkingBudget) {
  const fs::path out = dir_ / "replay";
  ASSERT_EQ(run_cli("run --replay " + kCache + " --budget 20 --out " + out.string()).exit_code, 0);
  const std::string journal = read_text(out / "journal.jsonl");
  for (const char* budget : {"-5", "0", "10", "nan"}) {
    const CliResult r = run_cli("resume " + out.string() + " --budget " + budget);
    EXPECT_EQ(r.exit_code, 2) << budget << ": " << r.output;
    EXPECT_NE(r.output.find("--budget"), std::string::npos) << r.output;
  }
  // Nothing grew: the journal and the budget are as the run left them.
  EXPECT_EQ(read_text(out / "journal.jsonl"), journal);
  EXPECT_EQ(read_json(out / "run.json")["config"]["budget_evaluations"], 20);
}

TEST_F(CliTestBase, AWorkerCountBeyondTheMachineIsCappedAndSaidSo) {
  const fs::path out = dir_ / "capped";
  const CliResult r = run_cli(
      "run --task triad --budget 1 --workers 4096 "
      "--max-seconds-per-size 0.02 --out " +
      out.string() + " --profile " + profile_.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--workers 4096 capped to"), std::string::npos) << r.output;
  const std::size_t workers = read_json(out / "run.json")["config"]["workers"];
  EXPECT_GE(workers, 1u);
  EXPECT_LE(workers, std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
