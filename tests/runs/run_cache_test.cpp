// The caches of a run (runs/run_cache.hpp): settings resolved and checked, a scope that
// misses on any change of what makes a result valid, a replay run that answers a
// repeated run from the persistent store, a resumed run equal to a fresh one with the
// cache on, and a corrupt store set aside with the run going on.
#include "runs/run_cache.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>

#include "runs/checkpoint.hpp"
#include "runs/resume.hpp"
#include "runs/run.hpp"
#include "support/error.hpp"
#include "tests/runs/replay_runs.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSpace = fs::path(EVOJIT_TEST_DATA_DIR) / "spaces" / "convolution_milo_A100.json.gz";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<json> journal_of(const fs::path& dir) {
  std::vector<json> records;
  std::istringstream in(read(dir / "journal.jsonl"));
  for (std::string line; std::getline(in, line);) records.push_back(json::parse(line));
  return records;
}

class RunCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-run-cache-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunSpec replay(const fs::path& out, std::size_t budget) const {
    RunSpec s = replay_spec(kSpace, "random", budget, 5, out);
    s.cache.file = dir_ / "cache.sqlite";
    return s;
  }

  void resumed_equals_fresh(bool cache_on);

  fs::path dir_;
  Registries r_ = replay_registries();
};

TEST(ResolveCacheSpec, RefusesBadNumbersAndFolders) {
  BackendTraits measuring;
  CacheSpec bad_m;
  bad_m.measurements = 0;
  EXPECT_THROW(resolve_cache_spec(bad_m, measuring), InputError);
  for (double p : {-0.1, 1.5, std::nan("")}) {
    CacheSpec bad_p;
    bad_p.forget_probability = p;
    EXPECT_THROW(resolve_cache_spec(bad_p, measuring), InputError) << p;
  }
  CacheSpec folder;
  folder.file = fs::temp_directory_path();
  EXPECT_THROW(resolve_cache_spec(folder, measuring), InputError);
}

TEST(ResolveCacheSpec, DefaultsToTheUsersCacheDirectoryAndNoStoreOnAReplay) {
  const char* cache_dir = std::getenv("EVOJIT_CACHE_DIR");
  ASSERT_NE(cache_dir, nullptr) << "tests run with a cache directory of their own";
  BackendTraits measuring;
  CacheSpec spec;
  resolve_cache_spec(spec, measuring);
  EXPECT_TRUE(spec.enabled);
  EXPECT_EQ(spec.file, fs::absolute(fs::path(cache_dir) / "evaluations.sqlite"));

  BackendTraits replay;
  replay.deterministic = true;
  CacheSpec on_replay;
  resolve_cache_spec(on_replay, replay);
  EXPECT_FALSE(on_replay.enabled);
  CacheSpec named;
  named.file = "named.sqlite";
  resolve_cache_spec(named, replay);
  EXPECT_TRUE(named.enabled);
  EXPECT_TRUE(named.file.is_absolute());

  CacheSpec off;
  off.enabled = false;
  off.file = "x.sqlite";
  resolve_cache_spec(off, measuring);
  EXPECT_FALSE(off.enabled);
  EXPECT_TRUE(off.file.empty());
}

// A task whose identity the test changes piece by piece.
class ScopeTask final : public Task {
 public:
  ScopeTask() : space_({Parameter::integer_range("x", 0, 3)}, {}) {}
  std::vector<std::string> flags{"-O3"};
  std::vector<ProblemSize> training{{"n=8", {8}}};
  std::string manifest = R"({"inputs": {"seed": 1}, "tolerance": 1e-6})";
  std::string source = "kernel";

  std::string name() const override { return "scope"; }
  std::string summary() const override { return "scope"; }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override { return Config{{0}}; }
  std::string render(const std::map<std::string, Value>&) const override { return source; }
  std::vector<ProblemSize> training_sizes() const override { return training; }
  std::vector<ProblemSize> held_out_sizes() const override { return {{"n=16", {16}}}; }
  Workload workload(const ProblemSize&) const override { return {}; }
  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize&) const override { return {}; }
  std::string manifest_json() const override { return manifest; }
  std::vector<std::string> compile_flags() const override { return flags; }

 private:
  ParameterSpace space_;
};

class ScopeBackend final : public Backend {
 public:
  ScopeTask task_;
  json device = {{"device", "cpu"}};
  std::string cpu = "znver4";
  BackendTraits traits() const override {
    BackendTraits t;
    t.name = "scope";
    t.device_name = cpu;
    return t;
  }
  const Task& task() const override { return task_; }
  Compiled compile(const Artifact&) override { return {}; }
  Measured run(const Compiled&, std::span<const ProblemSize>) override { return {}; }
  std::optional<MachineProfile> ceilings(const fs::path&, const Notify&) override {
    return std::nullopt;
  }
  double elapsed_s() const override { return 0.0; }
  json identity() const override { return device; }
};

TEST_F(RunCacheTest, AChangeOfTargetFlagsCompilerSizesOrInputsMisses) {
  const json versions = {{"evojit", "1"}, {"llvm", "19.1.7"}};
  ScopeBackend base;
  const CacheScope stored = cache_scope(base, std::nullopt, MeasureOptions{}, versions);
  std::vector<std::string> notes;
  auto store = EvaluationStore::open(dir_ / "scope.sqlite", notes);
  Evaluation e;
  e.sizes.push_back(SizeResult{"n=8", {8}, true, Timing{1e-3, 0.01, 5, 1e-3}});
  store->store(stored, "structural", 42, e);
  ASSERT_TRUE(
      store->lookup(cache_scope(base, std::nullopt, MeasureOptions{}, versions), "structural", 42));

  auto misses = [&](const char* what, auto change, json v = json()) {
    ScopeBackend b;
    change(b);
    const CacheScope scope =
        cache_scope(b, std::nullopt, MeasureOptions{}, v.is_null() ? versions : v);
    EXPECT_FALSE(store->lookup(scope, "structural", 42)) << what;
  };
  misses("target CPU", [](ScopeBackend& b) { b.cpu = "skylake"; });
  misses("device", [](ScopeBackend& b) { b.device = {{"device", "cuda:1"}}; });
  misses("flags", [](ScopeBackend& b) { b.task_.flags = {"-O2"}; });
  misses("compiler version", [](ScopeBackend&) {}, {{"evojit", "1"}, {"llvm", "20.1.0"}});
  misses("sizes", [](ScopeBackend& b) { b.task_.training = {{"n=9", {9}}}; });
  misses("inputs' seed", [](ScopeBackend& b) {
    b.task_.manifest = R"({"inputs": {"seed": 2}, "tolerance": 1e-6})";
  });
  misses("tolerance", [](ScopeBackend& b) {
    b.task_.manifest = R"({"inputs": {"seed": 1}, "tolerance": 1e-5})";
  });
  misses("source", [](ScopeBackend& b) { b.task_.source = "other kernel"; });
  {
    ScopeBackend b;
    MeasureOptions m;
    m.max_repetitions += 1;
    EXPECT_FALSE(store->lookup(cache_scope(b, std::nullopt, m, versions), "structural", 42))
        << "measurement options";
  }
  EXPECT_FALSE(store->lookup(stored, "code", 42)) << "another kind of hash";
  EXPECT_FALSE(store->lookup(stored, "structural", 43)) << "another hash";
}

TEST_F(RunCacheTest, ARepeatedReplayRunIsAnsweredByThePersistentStore) {
  run(replay(dir_ / "first", 40), r_);
  run(replay(dir_ / "second", 40), r_);
  const std::vector<json> first = journal_of(dir_ / "first");
  const std::vector<json> second = journal_of(dir_ / "second");
  ASSERT_EQ(first.size(), second.size());
  std::size_t persistent = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].at("cache"), "none");
    EXPECT_EQ(second[i].at("genome"), first[i].at("genome"));
    EXPECT_EQ(second[i].at("fitness"), first[i].at("fitness"));
    if (second[i].at("cache") == "persistent") {
      ++persistent;
      EXPECT_GT(second[i].at("saved_s").get<double>(), 0.0);
    }
  }
  // Failures that depend on the moment are not kept; everything else answers.
  EXPECT_GE(persistent, first.size() / 2);
  const json summary = json::parse(read(dir_ / "second" / "summary.json"));
  EXPECT_EQ(summary.at("cache").at("answered").value("persistent", 0),
            static_cast<int>(persistent));
  EXPECT_GT(summary.at("cache").at("hit_rate").get<double>(), 0.0);
  EXPECT_EQ(json::parse(read(dir_ / "second" / "run.json")).at("config").at("cache").at("file"),
            (dir_ / "cache.sqlite").string());
}

void RunCacheTest::resumed_equals_fresh(bool cache_on) {
  constexpr std::size_t kBudget = 60, kStopped = 23;
  const fs::path whole = dir_ / "whole", cut = dir_ / "cut";
  RunSpec whole_spec = replay(whole, kBudget), cut_spec = replay(cut, kStopped);
  whole_spec.cache.enabled = cut_spec.cache.enabled = cache_on;
  run(whole_spec, r_);
  {  // the same store file (the run id depends on it), emptied: no answers from `whole`
    std::vector<std::string> notes;
    EvaluationStore::open(dir_ / "cache.sqlite", notes)->clear();
  }
  run(cut_spec, r_);
  fs::remove(cut / "summary.json");
  ResumeOptions options;
  options.budget_evaluations = kBudget;
  EXPECT_EQ(resume_run_directory(cut, r_, options), ResumeStatus::resumed);
  const std::vector<json> resumed = journal_of(cut), fresh = journal_of(whole);
  ASSERT_EQ(resumed.size(), fresh.size());
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    if (resumed[i] == fresh[i]) continue;
    std::string keys;  // one difference says it; the records would flood the log
    for (const auto& [key, value] : fresh[i].items()) {
      if (resumed[i].value(key, json()) != value) keys += " " + key;
    }
    ADD_FAILURE() << "record " << i << " differs in" << keys << ": " << resumed[i].at("canonical")
                  << " vs " << fresh[i].at("canonical");
    break;
  }
  EXPECT_TRUE(read(cut / "journal.jsonl") == read(whole / "journal.jsonl"));
}

TEST_F(RunCacheTest, AResumedRunWithTheCacheOnEndsWithTheJournalOfAFreshOne) {
  resumed_equals_fresh(true);
}

TEST_F(RunCacheTest, AResumedRunWithTheCacheOffEndsWithTheJournalOfAFreshOne) {
  resumed_equals_fresh(false);
}

TEST_F(RunCacheTest, ACorruptStoreIsSetAsideAndTheRunGoesOn) {
  std::ofstream(dir_ / "cache.sqlite") << "this is not an SQLite database, not at all";
  std::vector<std::string> notices;
  RunObserver observer;
  observer.notice = [&](const std::string& n) { notices.push_back(n); };
  const RunOutcome outcome = run(replay(dir_ / "run", 10), r_, observer);
  EXPECT_EQ(outcome.result.evaluations, 10u);
  bool said = false;
  for (const std::string& n : notices) said |= n.find("set aside") != std::string::npos;
  EXPECT_TRUE(said);
  std::size_t aside = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    aside += entry.path().filename().string().starts_with("cache.sqlite.corrupt-");
  }
  EXPECT_EQ(aside, 1u);
}

}  // namespace
}  // namespace evojit
