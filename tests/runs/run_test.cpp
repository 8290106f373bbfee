// One run() over any backend (runs/run.hpp), here a toy one registered by the test:
// the run directory every backend gets (journal, checkpoint, best/ with the backend's
// kernel file, the held-out verdict, summary.json, t4.json), the user's fitness chosen
// by name, and replay honouring --set and refusing --workers.
#include "runs/run.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>

#include "runs/checkpoint.hpp"
#include "runs/journal.hpp"
#include "support/error.hpp"
#include "tests/runs/replay_runs.hpp"
#include "tests/search/toy_evaluator.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A task over the toy space: the time of a configuration is its distance from the
// target; the held-out size is `held_out_slowdown` times slower.
class ToyTask final : public Task {
 public:
  explicit ToyTask(double held_out_slowdown) : slowdown_(held_out_slowdown) {}
  std::string name() const override { return "toy"; }
  std::string summary() const override { return "a toy"; }
  const ParameterSpace& space() const override { return evaluator_.space(); }
  Config seed() const override { return Config{{0, 0, 0, 0}}; }
  std::string render(const std::map<std::string, Value>& b) const override {
    return "toy x0=" + std::to_string(std::get<std::int64_t>(b.at("x0")));
  }
  std::vector<ProblemSize> training_sizes() const override { return {{"n=1", {1}}}; }
  std::vector<ProblemSize> held_out_sizes() const override { return {{"n=2", {2}}}; }
  Workload workload(const ProblemSize&) const override { return {}; }
  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize&) const override { return {}; }
  double time_s(const Config& c, const ProblemSize& s) const {
    return 1e-3 / evaluator_.fitness(c) * (s.dims.front() == 2 ? slowdown_ : 1.0);
  }

 private:
  test::ToyEvaluator evaluator_;
  double slowdown_;
};

// A backend in the lines a user would write: no compiler, times from the task.
class ToyBackend final : public Backend {
 public:
  explicit ToyBackend(double held_out_slowdown) : task_(held_out_slowdown) {}
  BackendTraits traits() const override {
    BackendTraits t;
    t.name = "toy";
    t.kernel_file = "kernel.toy";
    t.deterministic = true;
    t.default_fitness = "inverse-time";
    return t;
  }
  const Task& task() const override { return task_; }
  Compiled compile(const Artifact& a) override {
    auto k = std::make_shared<Kernel>();
    k->config = a.config;
    Compiled c;
    c.kernel = k;
    return c;
  }
  Measured run(const Compiled& c, std::span<const ProblemSize> sizes) override {
    Measured m;
    for (const ProblemSize& s : sizes) {
      SizeResult r;
      r.label = s.label;
      r.dims = s.dims;
      r.ok = true;
      r.timing.median_s = task_.time_s(static_cast<const Kernel&>(*c.kernel).config, s);
      m.sizes.push_back(r);
    }
    m.charged_s = 1.0;
    return m;
  }
  std::optional<MachineProfile> ceilings(const fs::path&, const Notify&) override {
    return std::nullopt;
  }
  double elapsed_s() const override { return 0.0; }

 private:
  struct Kernel final : CompiledKernel {
    Config config;
  };
  ToyTask task_;
};

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evojit-run-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    registries_ = replay_registries();
    for (double slowdown : {1.0, 100.0}) {
      registries_.backends.add(slowdown == 1.0 ? "toy" : "toy-collapsing", "a toy",
                               [slowdown](const BackendContext&) -> std::unique_ptr<Backend> {
                                 return std::make_unique<ToyBackend>(slowdown);
                               });
    }
    spec_.backend = "toy";
    spec_.strategy = "random";
    spec_.budget_evaluations = 12;
    spec_.checkpoint_every = 5;
    spec_.out_dir = dir_;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  Registries registries_;
  RunSpec spec_;
};

TEST_F(RunTest, WritesTheRunDirectoryWithTheBackendsKernelFile) {
  std::size_t progress_calls = 0;
  RunObserver observer;
  observer.progress = [&](const RunProgress&) { ++progress_calls; };
  const RunOutcome outcome = run(spec_, registries_, observer);
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

  const json best = json::parse(read(dir_ / "best" / "best.json"));
  EXPECT_EQ(read(dir_ / "best" / "kernel.toy"), "toy x0=" + best.at("genome").at("x0").dump());
  EXPECT_EQ(best.at("id"), outcome.result.best->id);
  EXPECT_EQ(best.at("held_out").at("verdict"), "pass");
  EXPECT_TRUE(best.contains("training"));

  const json summary = json::parse(read(dir_ / "summary.json"));
  EXPECT_EQ(summary.at("evaluations"), 12);
  EXPECT_EQ(summary.at("held_out_verdict"), "pass");
  EXPECT_DOUBLE_EQ(summary.at("best_fitness").get<double>(), outcome.result.best->fitness);
  EXPECT_TRUE(fs::exists(dir_ / "t4.json"));
  EXPECT_EQ(json::parse(read(dir_ / "run.json")).at("backend").at("name"), "toy");
}

TEST_F(RunTest, AHeldOutCollapseIsInTheSummary) {
  spec_.backend = "toy-collapsing";
  const RunOutcome outcome = run(spec_, registries_);
  ASSERT_TRUE(outcome.held_out);
  EXPECT_EQ(outcome.held_out->verdict, "collapse");
  const json summary = json::parse(read(dir_ / "summary.json"));
  EXPECT_EQ(summary.at("held_out_verdict"), "collapse");
}

TEST_F(RunTest, TheFitnessIsChosenByNameAndValidatedAtTheBoundary) {
  // A user's fitness in a few lines, broken: it returns NaN.
  struct BrokenFitness {
    std::string name() const { return "broken"; }
    double score(Evaluation&, const std::vector<Workload>&) const { return std::nan(""); }
  };
  registries_.fitness.add("nan", "always NaN",
                          [](const FitnessContext&) { return BrokenFitness{}; });
  spec_.fitness = "nan";
  spec_.budget_evaluations = 5;
  const RunOutcome outcome = run(spec_, registries_);
  EXPECT_EQ(outcome.result.evaluations, 5u);  // the run went on
  for (const json& r : read_journal(dir_ / "journal.jsonl")) {
    EXPECT_EQ(r.at("status"), "wrong_result") << r.dump();
    EXPECT_NE(r.dump().find("fitness 'broken' returned nan"), std::string::npos) << r.dump();
  }
  spec_.fitness = "no-such-fitness";
  spec_.out_dir = dir_ / "other";
  EXPECT_THROW(run(spec_, registries_), InputError);
  EXPECT_FALSE(fs::exists(dir_ / "other"));
}

const fs::path kCache = fs::path(EVOJIT_TEST_DATA_DIR) / "spaces" / "convolution_milo_A100.json.gz";

TEST_F(RunTest, AReplayHonoursSetAndConstraint) {
  RunSpec spec = replay_spec(kCache, "random", 40, 2, dir_);
  spec.overrides = {"block_size_x=32"};
  spec.constraints = {"tile_size_y <= 2"};
  run(spec, registries_);
  std::size_t records = 0;
  for (const json& r : read_journal(dir_ / "journal.jsonl")) {
    EXPECT_EQ(r.at("genome").at("block_size_x"), 32) << r.dump();
    EXPECT_LE(r.at("genome").at("tile_size_y").get<int>(), 2) << r.dump();
    ++records;
  }
  EXPECT_GT(records, 0u);
}

TEST_F(RunTest, AReplayRefusesWhatItCannotHonourAndWritesNothing) {
  RunSpec spec = replay_spec(kCache, "random", 40, 2, dir_);
  spec.workers = 2;
  EXPECT_THROW(run(spec, registries_), InputError);
  spec.workers = 1;
  spec.measure.max_seconds = 0.1;
  EXPECT_THROW(run(spec, registries_), InputError);
  spec.measure = {};
  spec.profile_path = dir_ / "profile.json";
  EXPECT_THROW(run(spec, registries_), InputError);
  EXPECT_FALSE(fs::exists(dir_));
}

}  // namespace
}  // namespace evojit
