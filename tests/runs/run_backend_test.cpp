// The backend-independent part of a tuning run (runs/run_backend.hpp) over a toy
// evaluator: the run directory every backend gets (journal, checkpoint, best/ with
// the backend's kernel file, the held-out verdict, summary.json, t4.json).
#include "runs/run_backend.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>

#include "runs/checkpoint.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class RunBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evojit-run-backend-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    StrategyRegistry strategies;
    register_builtin_strategies(strategies);
    plan_.config.strategy = "random";
    plan_.config.budget_evaluations = 12;
    plan_.config.checkpoint_every = 5;
    plan_.space = evaluator_.space();
    StrategyContext context;
    context.space = &plan_.space;
    plan_.strategy = strategies.create(plan_.config.strategy, context);
    plan_.out_dir = dir_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunBackend backend(double held_out_fitness) {
    return {evaluator_, "kernel.toy",
            [this](const Config& c) { return "toy " + plan_.space.canonical(c); },
            [held_out_fitness](const Config&) {
              Evaluation e;
              e.fitness = held_out_fitness;
              return e;
            }};
  }

  fs::path dir_;
  test::ToyEvaluator evaluator_;
  RunPlan plan_;
};

TEST_F(RunBackendTest, WritesTheRunDirectoryWithTheBackendsKernelFile) {
  std::size_t progress_calls = 0;
  const RunOutcome outcome = run_with_backend(
      plan_, backend(1e6), [&](const RunProgress&) { ++progress_calls; }, false);
  ASSERT_TRUE(outcome.result.best);
  EXPECT_EQ(outcome.result.evaluations, 12u);
  EXPECT_GT(progress_calls, 0u);

  std::istringstream journal(read(dir_ / "journal.jsonl"));
  std::size_t lines = 0;
  for (std::string line; std::getline(journal, line);) ++lines;
  EXPECT_EQ(lines, 12u);
  const std::optional<Checkpoint> checkpoint = read_checkpoint(dir_);
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(checkpoint->loop.evaluations, 12u);

  EXPECT_EQ(read(dir_ / "best" / "kernel.toy"),
            "toy " + plan_.space.canonical(outcome.result.best->config));
  const json best = json::parse(read(dir_ / "best" / "best.json"));
  EXPECT_EQ(best.at("id"), outcome.result.best->id);
  EXPECT_EQ(best.at("held_out").at("verdict"), "pass");
  EXPECT_TRUE(best.contains("training"));

  const json summary = json::parse(read(dir_ / "summary.json"));
  EXPECT_EQ(summary.at("evaluations"), 12);
  EXPECT_EQ(summary.at("held_out_verdict"), "pass");
  EXPECT_DOUBLE_EQ(summary.at("best_fitness").get<double>(), outcome.result.best->fitness);
  EXPECT_TRUE(fs::exists(dir_ / "t4.json"));
}

TEST_F(RunBackendTest, AHeldOutCollapseIsInTheSummary) {
  const RunOutcome outcome = run_with_backend(plan_, backend(0.0), {}, false);
  ASSERT_TRUE(outcome.held_out);
  EXPECT_NE(outcome.held_out->verdict, "pass");
  const json summary = json::parse(read(dir_ / "summary.json"));
  EXPECT_EQ(summary.at("held_out_verdict"), outcome.held_out->verdict);
}

}  // namespace
}  // namespace evojit
