// The persistent evaluation cache (evaluators/cache/evaluation_store.hpp): what is
// stored reads back in another connection, two connections share the file (WAL), a
// change of anything in the scope misses, and a corrupt or foreign file is set aside
// with one note, never trusted and never a crash.
#include "evaluators/cache/evaluation_store.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "evaluators/evaluation_json.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

CacheScope scope() {
  return {.machine = "host-1234",
          .profile = "profile-abcd",
          .backend = "cpu",
          .compiler = "clang 19.1.7 -O3 x86-64-v3",
          .task = "triad n=2^20 seed=1 tol=1e-6"};
}

Evaluation measured(double median_s) {
  Evaluation e;
  SizeResult r;
  r.label = "n=2^20";
  r.dims = {1 << 20};
  r.ok = true;
  r.timing.median_s = median_s;
  r.timing.repetitions = 12;
  e.sizes.push_back(r);
  e.compile.code_hash = 0xfeed;
  e.compile.total_s = 0.25;
  e.wall_s = 1.5;
  e.fitness = 0.5;
  return e;
}

class EvaluationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    path_ = dir_ / "sub" / "evaluations.sqlite";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<EvaluationStore> open() {
    auto store = EvaluationStore::open(path_, notes_);
    return store;
  }
  std::vector<fs::path> set_aside_files() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(path_.parent_path())) {
      if (entry.path().filename().string().find(".corrupt-") != std::string::npos) {
        found.push_back(entry.path());
      }
    }
    return found;
  }

  fs::path dir_, path_;
  std::vector<std::string> notes_;
};

TEST_F(EvaluationStoreTest, RoundTripAcrossConnections) {
  {
    auto store = open();
    EXPECT_FALSE(store->lookup(scope(), "structural", 42));
    store->store(scope(), "structural", 42, measured(2e-3));
  }
  auto store = open();  // another run, later
  const auto hit = store->lookup(scope(), "structural", 42);
  ASSERT_TRUE(hit);
  EXPECT_EQ(to_json(*hit), to_json(measured(2e-3)));
  EXPECT_TRUE(notes_.empty());
  const CacheStats s = store->stats();
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.hits, 1u);  // counted in the file, over both runs
  EXPECT_EQ(s.misses, 1u);
}

TEST_F(EvaluationStoreTest, StoresMeasurementsNotWhoAnsweredThem) {
  auto store = open();
  Evaluation e = measured(1e-3);
  e.cache_hit = "code";
  e.saved_s = 2.0;
  store->store(scope(), "structural", 1, e);
  const auto hit = store->lookup(scope(), "structural", 1);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->cache_hit, "");
  EXPECT_EQ(hit->saved_s, 0.0);
}

TEST_F(EvaluationStoreTest, AChangeOfAnythingInTheKeyMisses) {
  auto store = open();
  store->store(scope(), "code", 7, measured(1e-3));
  ASSERT_TRUE(store->lookup(scope(), "code", 7));
  auto changed = [](auto edit) {
    CacheScope s = scope();
    edit(s);
    return s;
  };
  EXPECT_FALSE(store->lookup(changed([](CacheScope& s) { s.machine = "host-5678"; }), "code", 7));
  EXPECT_FALSE(
      store->lookup(changed([](CacheScope& s) { s.profile = "profile-0000"; }), "code", 7));
  EXPECT_FALSE(store->lookup(changed([](CacheScope& s) { s.backend = "cuda"; }), "code", 7));
  EXPECT_FALSE(
      store->lookup(changed([](CacheScope& s) { s.compiler = "clang 19.1.7 -O2"; }), "code", 7));
  EXPECT_FALSE(store->lookup(
      changed([](CacheScope& s) { s.task = "triad n=2^22 seed=1 tol=1e-6"; }), "code", 7));
  EXPECT_FALSE(store->lookup(
      changed([](CacheScope& s) { s.task = "triad n=2^20 seed=2 tol=1e-6"; }), "code", 7));
  EXPECT_FALSE(store->lookup(scope(), "structural", 7));  // another kind of hash
  EXPECT_FALSE(store->lookup(scope(), "code", 8));
  // Fields are compared one by one, not as one string: moving text from one field to
  // the next is another scope.
  CacheScope shifted = scope();
  shifted.machine += shifted.profile.substr(0, 1);
  shifted.profile = shifted.profile.substr(1);
  EXPECT_FALSE(store->lookup(shifted, "code", 7));
}

TEST_F(EvaluationStoreTest, IncompleteScopeIsACallersBug) {
  auto store = open();
  CacheScope no_machine = scope();
  no_machine.machine.clear();
  EXPECT_THROW(store->lookup(no_machine, "code", 1), std::invalid_argument);
  EXPECT_THROW(store->store(scope(), "", 1, measured(1e-3)), std::invalid_argument);
  CacheScope replay = scope();  // replay has neither a profile nor a compiler
  replay.profile.clear();
  replay.compiler.clear();
  EXPECT_NO_THROW(store->store(replay, "structural", 1, measured(1e-3)));
  EXPECT_TRUE(store->lookup(replay, "structural", 1));
}

TEST_F(EvaluationStoreTest, KeepsOnlyVerdictsThatLast) {
  auto store = open();
  const EvalStatus statuses[] = {
      EvalStatus::ok,      EvalStatus::compile_error, EvalStatus::wrong_result, EvalStatus::crash,
      EvalStatus::timeout, EvalStatus::out_of_memory, EvalStatus::worker_lost};
  for (std::uint64_t i = 0; i < std::size(statuses); ++i) {
    Evaluation e = measured(1e-3);
    e.status = statuses[i];
    store->store(scope(), "structural", i, e);
  }
  for (std::uint64_t i = 0; i < std::size(statuses); ++i) {
    EXPECT_EQ(store->lookup(scope(), "structural", i).has_value(), i < 3) << to_string(statuses[i]);
  }
}

TEST_F(EvaluationStoreTest, TwoConnectionsShareTheFileInWalMode) {
  auto a = open();
  auto b = open();
  EXPECT_EQ(a->journal_mode(), "wal");
  EXPECT_EQ(b->journal_mode(), "wal");
  a->store(scope(), "code", 1, measured(1e-3));
  ASSERT_TRUE(b->lookup(scope(), "code", 1));
  b->store(scope(), "code", 2, measured(2e-3));
  ASSERT_TRUE(a->lookup(scope(), "code", 2));
  EXPECT_DOUBLE_EQ(a->lookup(scope(), "code", 2)->sizes[0].timing.median_s, 2e-3);

  // Two writers at once (two runs on one machine): every entry lands, none fails.
  constexpr std::uint64_t kEach = 200;
  std::thread ta([&] {
    for (std::uint64_t i = 0; i < kEach; ++i) a->store(scope(), "structural", i, measured(1e-3));
  });
  std::thread tb([&] {
    for (std::uint64_t i = 0; i < kEach; ++i) {
      b->store(scope(), "structural", kEach + i, measured(1e-3));
      b->lookup(scope(), "structural", i);
    }
  });
  ta.join();
  tb.join();
  EXPECT_EQ(a->stats().entries, 2 + 2 * kEach);
  EXPECT_TRUE(a->notes().empty());
  EXPECT_TRUE(b->notes().empty());
}

TEST_F(EvaluationStoreTest, ClearAndExport) {
  auto store = open();
  store->store(scope(), "structural", 0xabc, measured(1e-3));
  store->store(scope(), "functional", 0xdef, measured(2e-3));
  std::ostringstream out;
  store->export_json_lines(out);
  std::istringstream lines(out.str());
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("kind"), "functional");
  EXPECT_EQ(rows[0].at("key"), "0000000000000def");
  EXPECT_EQ(rows[0].at("scope").at("compiler"), scope().compiler);
  EXPECT_EQ(evaluation_from_json(rows[1].at("evaluation")).sizes.at(0).timing.median_s, 1e-3);
  EXPECT_GT(rows[1].at("stored_at").get<std::int64_t>(), 1'600'000'000);

  store->clear();
  EXPECT_EQ(store->stats().entries, 0u);
  EXPECT_EQ(store->stats().hits, 0u);
  EXPECT_FALSE(store->lookup(scope(), "structural", 0xabc));
}

TEST_F(EvaluationStoreTest, GarbageFileIsSetAsideWithOneNote) {
  fs::create_directories(path_.parent_path());
  std::ofstream(path_) << "this is not a database, it is a shopping list\n"
                       << std::string(5000, 'x');
  auto store = open();
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_NE(notes_[0].find("not to be trusted"), std::string::npos) << notes_[0];
  EXPECT_NE(notes_[0].find(path_.string()), std::string::npos) << notes_[0];
  const auto aside = set_aside_files();
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_NE(notes_[0].find(aside[0].string()), std::string::npos) << notes_[0];
  std::ifstream kept(aside[0]);
  std::string first;
  std::getline(kept, first);
  EXPECT_EQ(first, "this is not a database, it is a shopping list");  // untouched
  // The new cache works.
  store->store(scope(), "code", 1, measured(1e-3));
  EXPECT_TRUE(store->lookup(scope(), "code", 1));
}

TEST_F(EvaluationStoreTest, ForeignDatabaseIsSetAside) {
  fs::create_directories(path_.parent_path());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE photos(id INTEGER, name TEXT); INSERT INTO photos "
                         "VALUES(1, 'cat.jpg');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = open();
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_NE(notes_[0].find("another program"), std::string::npos) << notes_[0];
  EXPECT_EQ(set_aside_files().size(), 1u);
  EXPECT_EQ(store->stats().entries, 0u);
}

TEST_F(EvaluationStoreTest, OtherFormatVersionIsSetAside) {
  { open()->store(scope(), "code", 1, measured(1e-3)); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE name = 'version'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = open();
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_NE(notes_[0].find("version 99"), std::string::npos) << notes_[0];
  EXPECT_FALSE(store->lookup(scope(), "code", 1));
}

TEST_F(EvaluationStoreTest, DamagedDatabaseIsSetAside) {
  {
    auto store = open();
    for (std::uint64_t i = 0; i < 300; ++i) store->store(scope(), "code", i, measured(1e-3));
  }  // the last connection closes: the log is folded into the file
  ASSERT_FALSE(fs::exists(path_.string() + "-wal"));
  ASSERT_GT(fs::file_size(path_), 3u * 4096u);
  {
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);  // page 2 onwards: tables' b-tree pages
    const std::string garbage(2 * 4096, '\xab');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  std::unique_ptr<EvaluationStore> store;
  ASSERT_NO_THROW(store = open());
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_NE(notes_[0].find("damaged"), std::string::npos) << notes_[0];
  EXPECT_EQ(set_aside_files().size(), 1u);
  EXPECT_FALSE(store->lookup(scope(), "code", 1));
  store->store(scope(), "code", 1, measured(1e-3));
  EXPECT_TRUE(store->lookup(scope(), "code", 1));
}

// Runs `sql` on the store's file through a connection of its own (another program).
void tamper(const fs::path& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST_F(EvaluationStoreTest, UnreadableEntryIsAMissAndIsReplaced) {
  auto store = open();
  store->store(scope(), "code", 1, measured(1e-3));
  tamper(path_, "UPDATE evaluations SET evaluation = '{\"status\": \"exploded\"'");
  EXPECT_FALSE(store->lookup(scope(), "code", 1));
  tamper(path_, "UPDATE evaluations SET evaluation = '{\"status\": \"exploded\"}'");
  EXPECT_FALSE(store->lookup(scope(), "code", 1));
  EXPECT_TRUE(store->notes().empty());
  store->store(scope(), "code", 1, measured(1e-3));
  EXPECT_TRUE(store->lookup(scope(), "code", 1));
}

TEST_F(EvaluationStoreTest, FailureDuringARunTurnsTheStoreOffWithOneNote) {
  auto store = open();
  store->store(scope(), "code", 1, measured(1e-3));
  tamper(path_, "DROP TABLE evaluations");
  EXPECT_FALSE(store->lookup(scope(), "code", 1));
  store->store(scope(), "code", 2, measured(1e-3));
  EXPECT_FALSE(store->lookup(scope(), "code", 2));
  const std::vector<std::string> notes = store->notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("goes on without it"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("evaluations"), std::string::npos) << notes[0];
}

TEST_F(EvaluationStoreTest, UnusableLocationIsAnInputError) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  std::vector<std::string> notes;
  EXPECT_THROW(EvaluationStore::open(dir_ / "file" / "evaluations.sqlite", notes), InputError);
}

TEST_F(EvaluationStoreTest, AFileSqliteCannotOpenIsANoteForARun) {
  // A folder where the file should be: SQLite cannot open it. A subcommand fails with
  // the fix; a run is told once and goes on without its cache.
  fs::create_directories(dir_ / "evaluations.sqlite");
  std::vector<std::string> notes;
  EXPECT_THROW(EvaluationStore::open(dir_ / "evaluations.sqlite", notes), InputError);
  notes.clear();
  EXPECT_EQ(EvaluationStore::open(dir_ / "evaluations.sqlite", notes,
                                  EvaluationStore::WhenUnopenable::note),
            nullptr);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("goes on without it"), std::string::npos) << notes[0];
}

TEST_F(EvaluationStoreTest, PersistentCacheTagsItsAnswers) {
  auto store = open();
  PersistentCache code(*store, scope(), "code");
  PersistentCache structural(*store, scope(), "structural");
  code.store(9, measured(1e-3));
  const auto hit = code.lookup(9);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->cache_hit, "persistent");
  EXPECT_FALSE(structural.lookup(9));
}

TEST(EvaluationStorePath, DefaultsToTheCacheDirectory) {
  const char* old = std::getenv("EVOJIT_CACHE_DIR");
  const std::string saved = old ? old : "";
  ::setenv("EVOJIT_CACHE_DIR", "/tmp/evojit-cache-here", 1);
  EXPECT_EQ(default_evaluation_store_path(), fs::path("/tmp/evojit-cache-here/evaluations.sqlite"));
  if (old) {
    ::setenv("EVOJIT_CACHE_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("EVOJIT_CACHE_DIR");
  }
}

}  // namespace
}  // namespace evojit
