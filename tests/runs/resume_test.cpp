// Resuming a run (runs/resume.hpp) on the deterministic replay backend: for every
// strategy, a run stopped after a checkpoint, with evaluations journaled after it
// and a torn last line, resumes to exactly the journal of the uninterrupted run.
#include "runs/resume.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>

#include "runs/checkpoint.hpp"
#include "runs/run.hpp"
#include "support/error.hpp"
#include "tests/runs/replay_runs.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

const fs::path kCache = fs::path(EVOJIT_TEST_DATA_DIR) / "spaces" / "convolution_milo_A100.json.gz";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class ResumeTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    dir_ = fs::temp_directory_path() / ("evojit-resume-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunSpec config(const fs::path& out, std::size_t budget) const {
    return replay_spec(kCache, GetParam(), budget, 5, out);
  }

  fs::path dir_;
  Registries r_ = replay_registries();
};

TEST_P(ResumeTest, AStoppedRunResumesToTheUninterruptedJournal) {
  constexpr std::size_t kBudget = 120, kStopped = 47, kTail = 6;
  const fs::path whole = dir_ / "whole", cut = dir_ / "cut";
  run(config(whole, kBudget), r_);
  const std::vector<std::string> journal = lines_of(read(whole / "journal.jsonl"));
  ASSERT_EQ(journal.size(), kBudget);

  // A run killed after evaluation kStopped + kTail - 1, its last checkpoint at
  // kStopped, in the middle of writing the next record.
  run(config(cut, kStopped), r_);
  ASSERT_EQ(read_checkpoint(cut)->loop.evaluations, kStopped);
  fs::remove(cut / "summary.json");
  {
    std::ofstream out(cut / "journal.jsonl", std::ios::app);
    for (std::size_t i = kStopped; i < kStopped + kTail; ++i) out << journal[i] << "\n";
    out << journal[kStopped + kTail].substr(0, 40);
  }

  ResumeOptions options;
  options.budget_evaluations = kBudget;
  EXPECT_EQ(resume_run_directory(cut, r_, options), ResumeStatus::resumed);
  EXPECT_EQ(read(cut / "journal.jsonl"), read(whole / "journal.jsonl"));
  // Everything but the wall time of the replay, which no two runs share.
  auto summary_of = [&](const fs::path& dir) {
    nlohmann::json j = nlohmann::json::parse(read(dir / "summary.json"));
    j.erase("wall_s");
    return j;
  };
  EXPECT_EQ(summary_of(cut), summary_of(whole));
  EXPECT_EQ(read(cut / "best" / "best.json"), read(whole / "best" / "best.json"));
  EXPECT_EQ(read_checkpoint(cut)->strategy_state, read_checkpoint(whole)->strategy_state);
}

INSTANTIATE_TEST_SUITE_P(EveryStrategy, ResumeTest,
                         ::testing::Values("one-plus-one", "random", "mu-plus-lambda",
                                           "mu-comma-lambda", "regularized-evolution", "nsga2",
                                           "evopress", "islands"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

class ResumeInputTest : public ResumeTest {};

TEST_P(ResumeInputTest, AFinishedRunIsLeftAlone) {
  const fs::path out = dir_ / "run";
  run(config(out, 30), r_);
  const std::string journal = read(out / "journal.jsonl");
  EXPECT_EQ(resume_run_directory(out, r_), ResumeStatus::already_finished);
  EXPECT_EQ(read(out / "journal.jsonl"), journal);
}

TEST_P(ResumeInputTest, ALargerBudgetExtendsAFinishedRun) {
  const fs::path out = dir_ / "run", whole = dir_ / "whole";
  run(config(out, 30), r_);
  run(config(whole, 50), r_);
  ResumeOptions options;
  options.budget_evaluations = 50;
  EXPECT_EQ(resume_run_directory(out, r_, options), ResumeStatus::resumed);
  EXPECT_EQ(read(out / "journal.jsonl"), read(whole / "journal.jsonl"));
}

TEST_P(ResumeInputTest, ADirectoryThatIsNotARunIsAnInputError) {
  EXPECT_THROW(resume_run_directory(dir_, r_), InputError);
  EXPECT_THROW(resume_run_directory(dir_ / "nope", r_), InputError);
}

TEST_P(ResumeInputTest, ACorruptCheckpointIsAnInputErrorAndChangesNothing) {
  const fs::path out = dir_ / "run";
  run(config(out, 30), r_);
  fs::remove(out / "summary.json");
  std::ofstream(out / "journal.jsonl", std::ios::app) << "{\"id\": 30, \"gen";  // torn
  std::ofstream(out / kCheckpointFile) << "{\"format\": 1, \"strategy\": ";
  const std::string journal = read(out / "journal.jsonl");
  const std::string run = read(out / "run.json");
  ResumeOptions options;
  options.budget_evaluations = 60;
  EXPECT_THROW(resume_run_directory(out, r_, options), InputError);
  EXPECT_THROW(resume_run_directory(out, r_), InputError);
  EXPECT_EQ(read(out / "journal.jsonl"), journal);
  EXPECT_EQ(read(out / "run.json"), run);
  EXPECT_FALSE(fs::exists(out / "summary.json"));
}

TEST_P(ResumeInputTest, ACheckpointAheadOfTheJournalIsAnInputError) {
  const fs::path out = dir_ / "run";
  run(config(out, 30), r_);
  fs::remove(out / "summary.json");
  std::string journal = read(out / "journal.jsonl");
  journal.resize(journal.find('\n') + 1);  // one record left
  std::ofstream(out / "journal.jsonl", std::ios::trunc) << journal;
  EXPECT_THROW(resume_run_directory(out, r_), InputError);
  EXPECT_EQ(read(out / "journal.jsonl"), journal);
}

// Every kind of run resumes through the same code: a run on a backend registered as
// "cuda" (here the replay backend under that name, since no GPU is at hand) is stopped
// and resumed to the uninterrupted run's journal, as a CPU or replay run would be.
TEST_P(ResumeInputTest, ARunOnTheCudaBackendResumes) {
  Registries r = replay_registries();
  r.backends.add("cuda", "a stand-in for the CUDA backend", [](const BackendContext& context) {
    BackendContext replay = context;
    replay.options = {{"cache", context.options.at("cache")}};
    return make_replay_backend(replay);
  });
  auto cuda_spec = [&](const fs::path& out, std::size_t budget) {
    RunSpec spec = config(out, budget);
    spec.backend = "cuda";
    spec.backend_options["device"] = 0;
    return spec;
  };
  const fs::path out = dir_ / "cuda", whole = dir_ / "whole";
  run(cuda_spec(whole, 50), r);
  run(cuda_spec(out, 30), r);
  EXPECT_EQ(nlohmann::json::parse(read(out / "run.json")).at("backend").at("name"), "cuda");
  ResumeOptions options;
  options.budget_evaluations = 50;
  EXPECT_EQ(resume_run_directory(out, r, options), ResumeStatus::resumed);
  EXPECT_EQ(read(out / "journal.jsonl"), read(whole / "journal.jsonl"));
  // Without the backend it was run on, the run is refused, not resumed on another.
  EXPECT_THROW(resume_run_directory(out, r_, ResumeOptions{60}), InputError);
  EXPECT_EQ(read(out / "journal.jsonl"), read(whole / "journal.jsonl"));
}

INSTANTIATE_TEST_SUITE_P(OnePlusOne, ResumeInputTest, ::testing::Values("one-plus-one"));

}  // namespace
}  // namespace evojit
