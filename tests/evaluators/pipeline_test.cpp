// The cache stages of the candidate pipeline (evaluators/pipeline.hpp) over a toy
// backend that counts what it is asked to do: a structural hit skips compile and
// measure, a code-hash hit skips the measure, a known-wrong functional fingerprint is
// rejected before timing and a known-correct one is not reused for timing; every
// answer says which cache gave it and what it saved.
#include "evaluators/pipeline.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "evaluators/cache/evaluation_store.hpp"
#include "evaluators/cache/memory_cache.hpp"
#include "evaluators/evaluation_json.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

class ToyTask final : public Task {
 public:
  ToyTask() : space_({Parameter::integer_range("x", 0, 15)}, {}) {}
  std::string name() const override { return "toy"; }
  std::string summary() const override { return "a toy"; }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override { return Config{{0}}; }
  std::string render(const std::map<std::string, Value>& b) const override {
    return "x=" + std::to_string(std::get<std::int64_t>(b.at("x")));
  }
  std::vector<ProblemSize> training_sizes() const override { return {{"n=1", {1}}}; }
  std::vector<ProblemSize> held_out_sizes() const override { return {{"n=2", {2}}}; }
  Workload workload(const ProblemSize&) const override { return {}; }
  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize&) const override { return {}; }

 private:
  ParameterSpace space_;
};

// Configuration x: its code is shared by x and x^1 (code hash x/2 + 1), its function
// by every x of one residue mod 4 (fingerprint x%4 + 100); x in `wrong` computes a
// wrong result; a run takes `time_ms(x, call)` milliseconds.
class CountingBackend final : public Backend {
 public:
  std::set<std::int64_t> wrong;
  bool has_probe = true;
  bool simulated_clock = false;
  std::function<double(std::int64_t x, int call)> time_ms = [](std::int64_t x, int) {
    return 1.0 + static_cast<double>(x);
  };
  std::atomic<int> compiles{0}, runs{0}, probes{0};

  BackendTraits traits() const override {
    BackendTraits t;
    t.name = "counting";
    t.deterministic = true;
    t.simulated_clock = simulated_clock;
    return t;
  }
  const Task& task() const override { return task_; }
  Compiled compile(const Artifact& a) override {
    ++compiles;
    auto k = std::make_shared<Kernel>();
    k->x = std::get<std::int64_t>(a.bindings.at("x"));
    Compiled c;
    c.stats.code_hash = static_cast<std::uint64_t>(k->x / 2 + 1);
    c.stats.total_s = 0.125;
    c.kernel = k;
    return c;
  }
  Measured run(const Compiled& c, std::span<const ProblemSize> sizes) override {
    const int call = runs++;
    const std::int64_t x = static_cast<const Kernel&>(*c.kernel).x;
    Measured m;
    for (const ProblemSize& s : sizes) {
      SizeResult r;
      r.label = s.label;
      r.dims = s.dims;
      r.ok = !wrong.count(x);
      if (!r.ok) r.message = "index 0: got 1, expected 2";
      r.timing.median_s = time_ms(x, call) * 1e-3;
      r.timing.repetitions = 5;
      m.sizes.push_back(r);
    }
    if (wrong.count(x)) {
      m.status = EvalStatus::wrong_result;
      m.diagnostic = "wrong result on n=1";
    }
    m.charged_s = 0.5;
    return m;
  }
  std::optional<std::uint64_t> probe(const Compiled& c) override {
    ++probes;
    if (!has_probe) return std::nullopt;
    return static_cast<std::uint64_t>(static_cast<const Kernel&>(*c.kernel).x % 4 + 100);
  }
  std::optional<MachineProfile> ceilings(const fs::path&, const Notify&) override {
    return std::nullopt;
  }
  double elapsed_s() const override { return 0.0; }

 private:
  struct Kernel final : CompiledKernel {
    std::int64_t x = 0;
  };
  ToyTask task_;
};

// 1 / the time in ms of the one size.
struct InverseTime {
  double score(Evaluation& e, const std::vector<Workload>&) const {
    return 1e-3 / e.sizes.at(0).timing.median_s;
  }
};

Config x(std::uint32_t value) { return Config{{value}}; }

CandidatePipeline make_pipeline(CountingBackend& backend, PipelineCaches caches) {
  return CandidatePipeline(backend, backend.task().space(), backend.task().training_sizes(),
                           InverseTime{}, caches);
}

TEST(PipelineCaches, WithoutCachesNothingChanges) {
  CountingBackend backend;
  CandidatePipeline pipeline = make_pipeline(backend, {});
  const Evaluation first = pipeline.evaluate(x(3));
  const Evaluation again = pipeline.evaluate(x(3));
  EXPECT_EQ(backend.compiles, 2);
  EXPECT_EQ(backend.runs, 2);
  EXPECT_EQ(backend.probes, 0);  // no functional cache: no probe is run
  EXPECT_EQ(again.cache_hit, "");
  EXPECT_EQ(again.saved_s, 0.0);
  EXPECT_DOUBLE_EQ(first.fitness, 0.25);
  EXPECT_EQ(to_json(first), to_json(again));
  EXPECT_FALSE(to_json(first).contains("cache_hit"));
}

TEST(PipelineCaches, StructuralHitSkipsCompileAndMeasure) {
  CountingBackend backend;
  MemoryCache structural;
  CandidatePipeline pipeline = make_pipeline(backend, {.structural = &structural});
  const Evaluation first = pipeline.evaluate(x(3));
  const Evaluation hit = pipeline.evaluate(x(3));
  EXPECT_EQ(backend.compiles, 1);
  EXPECT_EQ(backend.runs, 1);
  EXPECT_EQ(first.cache_hit, "");
  EXPECT_EQ(hit.cache_hit, "structural");
  EXPECT_DOUBLE_EQ(hit.saved_s, first.wall_s);  // the whole evaluation: 0.5 s charged
  EXPECT_DOUBLE_EQ(hit.saved_s, 0.5);
  EXPECT_DOUBLE_EQ(hit.fitness, first.fitness);
  EXPECT_LT(hit.wall_s, 0.5);  // what answering took, not what measuring had
  EXPECT_EQ(to_json(hit).at("cache_hit"), "structural");

  // Other sizes are another key: the held-out check is measured.
  const std::vector<ProblemSize> held_out = backend.task().held_out_sizes();
  const Evaluation other = pipeline.evaluate_on(x(3), held_out);
  EXPECT_EQ(other.cache_hit, "");
  EXPECT_EQ(backend.runs, 2);
  // Same label, other dimensions: also another key.
  const std::vector<ProblemSize> relabelled = {{"n=1", {7}}};
  EXPECT_EQ(pipeline.evaluate_on(x(3), relabelled).cache_hit, "");
  EXPECT_EQ(backend.runs, 3);
}

TEST(PipelineCaches, StructuralHitOfAFailureIsTheFailure) {
  CountingBackend backend;
  backend.wrong = {5};
  MemoryCache structural;
  CandidatePipeline pipeline = make_pipeline(backend, {.structural = &structural});
  pipeline.evaluate(x(5));
  const Evaluation hit = pipeline.evaluate(x(5));
  EXPECT_EQ(hit.status, EvalStatus::wrong_result);
  EXPECT_EQ(hit.fitness, 0.0);
  EXPECT_EQ(hit.cache_hit, "structural");
  EXPECT_EQ(backend.runs, 1);
}

TEST(PipelineCaches, CodeHashHitSkipsMeasure) {
  CountingBackend backend;
  MemoryCache code;
  CandidatePipeline pipeline = make_pipeline(backend, {.code = &code});
  const Evaluation first = pipeline.evaluate(x(2));
  const Evaluation shared = pipeline.evaluate(x(3));  // the same machine code as x=2
  EXPECT_EQ(backend.compiles, 2);
  EXPECT_EQ(backend.runs, 1);
  EXPECT_EQ(shared.cache_hit, "code");
  EXPECT_DOUBLE_EQ(shared.sizes.at(0).timing.median_s, first.sizes.at(0).timing.median_s);
  EXPECT_DOUBLE_EQ(shared.fitness, first.fitness);
  // It was compiled now; what it saved is the measurement.
  EXPECT_DOUBLE_EQ(shared.saved_s, first.wall_s - first.compile.total_s);
  EXPECT_EQ(shared.compile.code_hash, 2u);
  // Another code is measured.
  EXPECT_EQ(pipeline.evaluate(x(4)).cache_hit, "");
  EXPECT_EQ(backend.runs, 2);
}

TEST(PipelineCaches, KnownWrongFingerprintIsRejectedBeforeTiming) {
  CountingBackend backend;
  backend.wrong = {1, 5};
  MemoryCache functional;
  CandidatePipeline pipeline = make_pipeline(backend, {.functional = &functional});
  const Evaluation first = pipeline.evaluate(x(1));
  ASSERT_EQ(first.status, EvalStatus::wrong_result);
  // x=5: other machine code (hash 3, not 1), same function (fingerprint 101).
  const Evaluation rejected = pipeline.evaluate(x(5));
  EXPECT_EQ(backend.compiles, 2);
  EXPECT_EQ(backend.runs, 1);  // never timed
  EXPECT_EQ(rejected.status, EvalStatus::wrong_result);
  EXPECT_EQ(rejected.fitness, 0.0);
  EXPECT_EQ(rejected.cache_hit, "functional");
  EXPECT_NE(rejected.diagnostic.find("functional hash"), std::string::npos) << rejected.diagnostic;
  EXPECT_NE(rejected.diagnostic.find("wrong result on n=1"), std::string::npos);
  EXPECT_DOUBLE_EQ(rejected.saved_s, first.wall_s - first.compile.total_s);
}

TEST(PipelineCaches, KnownCorrectFingerprintIsNotReusedForTiming) {
  CountingBackend backend;
  MemoryCache functional;
  CandidatePipeline pipeline = make_pipeline(backend, {.functional = &functional});
  const Evaluation first = pipeline.evaluate(x(0));
  const Evaluation same_function = pipeline.evaluate(x(4));  // fingerprint 100 as x=0
  EXPECT_EQ(backend.probes, 2);
  EXPECT_EQ(backend.runs, 2);  // timed all the same
  EXPECT_EQ(same_function.cache_hit, "");
  EXPECT_DOUBLE_EQ(first.sizes.at(0).timing.median_s, 1e-3);
  EXPECT_DOUBLE_EQ(same_function.sizes.at(0).timing.median_s, 5e-3);  // its own time
  EXPECT_DOUBLE_EQ(same_function.fitness, 0.2);
}

TEST(PipelineCaches, BackendWithoutProbeSkipsTheFunctionalStage) {
  CountingBackend backend;
  backend.has_probe = false;
  backend.wrong = {1, 5};
  MemoryCache functional;
  CandidatePipeline pipeline = make_pipeline(backend, {.functional = &functional});
  pipeline.evaluate(x(1));
  EXPECT_EQ(pipeline.evaluate(x(5)).cache_hit, "");
  EXPECT_EQ(backend.runs, 2);
  EXPECT_EQ(functional.stats().entries, 0u);
}

TEST(PipelineCaches, AggregatingCodeCacheAnswersTheMedianScoredAgain) {
  CountingBackend backend;
  // A noisy machine: 4 ms, 2 ms, then 1 ms (a lucky run) for the same code.
  backend.time_ms = [](std::int64_t, int call) { return call == 0 ? 4.0 : call == 1 ? 2.0 : 1.0; };
  MemoryCache code({.measurements = 3});
  CandidatePipeline pipeline = make_pipeline(backend, {.code = &code});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pipeline.evaluate(x(6)).cache_hit, "");
  const Evaluation answer = pipeline.evaluate(x(7));  // same code as x=6
  EXPECT_EQ(backend.runs, 3);
  EXPECT_EQ(answer.cache_hit, "code");
  EXPECT_DOUBLE_EQ(answer.sizes.at(0).timing.median_s, 2e-3);
  EXPECT_DOUBLE_EQ(answer.fitness, 0.5);  // scored from the median, not the last run (1 ms)
}

TEST(PipelineCaches, AnswersCostNothingOnASimulatedClock) {
  CountingBackend backend;
  backend.simulated_clock = true;
  MemoryCache structural;
  CandidatePipeline pipeline = make_pipeline(backend, {.structural = &structural});
  pipeline.evaluate(x(9));
  const Evaluation hit = pipeline.evaluate(x(9));
  EXPECT_EQ(hit.cache_hit, "structural");
  EXPECT_EQ(hit.wall_s, 0.0);  // a deterministic backend's journal stays reproducible
  EXPECT_DOUBLE_EQ(hit.saved_s, 0.5);
}

TEST(PipelineCaches, PersistentStoreAnswersTheNextRun) {
  const fs::path path =
      fs::temp_directory_path() / ("evojit-pipeline-" + std::to_string(::getpid()) + ".sqlite");
  fs::remove(path);
  const CacheScope scope{.machine = "m", .backend = "counting", .task = "toy n=1"};
  std::vector<std::string> notes;
  {
    auto store = EvaluationStore::open(path, notes);
    PersistentCache structural(*store, scope, "structural");
    CountingBackend backend;
    CandidatePipeline pipeline = make_pipeline(backend, {.structural = &structural});
    pipeline.evaluate(x(3));
    EXPECT_EQ(backend.runs, 1);
  }
  {  // the next run, with a fresh backend
    auto store = EvaluationStore::open(path, notes);
    PersistentCache structural(*store, scope, "structural");
    CountingBackend backend;
    CandidatePipeline pipeline = make_pipeline(backend, {.structural = &structural});
    const Evaluation hit = pipeline.evaluate(x(3));
    EXPECT_EQ(backend.compiles, 0);
    EXPECT_EQ(backend.runs, 0);
    EXPECT_EQ(hit.cache_hit, "persistent");
    EXPECT_DOUBLE_EQ(hit.fitness, 0.25);
    EXPECT_DOUBLE_EQ(hit.saved_s, 0.5);
    // Another task: measured.
    CacheScope other = scope;
    other.task = "toy n=2";
    PersistentCache elsewhere(*store, other, "structural");
    CandidatePipeline other_pipeline = make_pipeline(backend, {.structural = &elsewhere});
    EXPECT_EQ(other_pipeline.evaluate(x(3)).cache_hit, "");
    EXPECT_EQ(backend.runs, 1);
  }
  EXPECT_TRUE(notes.empty());
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
}

}  // namespace
}  // namespace evojit
