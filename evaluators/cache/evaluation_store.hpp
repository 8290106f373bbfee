// The persistent evaluation cache: evaluations that outlive a run, in one SQLite file
// per user (by default cache_directory()/evaluations.sqlite), shared safely by the
// runs of one machine (WAL mode: readers never wait for a writer, writers wait for
// each other up to a timeout).
//
// An entry is valid only where everything its result depends on is the same, so its
// key is the whole CacheScope (compared field by field, never by a hash of it), the
// kind of hash ("structural", "code", "functional") and the hash. The value is the
// Evaluation as JSON (evaluators/evaluation_json.hpp): measurements, not fitness
// values, are what is reused; the pipeline scores a hit with the run's own fitness.
//
// Never trusted blindly, never a crash: a file that is not an SQLite database, is
// damaged, or is another program's (or another format version's) is set aside
// (renamed to <file>.corrupt-<UTC time>) with one note saying so, and an empty cache
// starts in its place. A failure later in the run (the file damaged under it) turns
// the store off for the rest of the run, with one note; lookups then miss.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "evaluators/cache/cache_stats.hpp"
#include "evaluators/evaluation.hpp"
#include "evaluators/pipeline.hpp"

namespace evojit {

// Everything that makes a cached result valid, filled in by the caller. machine,
// backend and task must not be empty; profile and compiler may be (replay has neither).
struct CacheScope {
  std::string machine;   // this_machine_id()
  std::string profile;   // a hash of the machine profile the fitness used
  std::string backend;   // backend name and its identity (device, options)
  std::string compiler;  // compiler and its version, target and flags
  std::string task;      // task identity: name, source, sizes, inputs and their seed, tolerance
  bool operator==(const CacheScope&) const = default;
};

std::filesystem::path default_evaluation_store_path();  // cache_directory()/evaluations.sqlite

class EvaluationStore {
 public:
  // Opens the store at `path`, creating it (and its folder) when missing. A file that
  // cannot be trusted is set aside, and `notes` receives the one line the user should
  // read. The check reads the whole file (PRAGMA quick_check): linear in its size, paid
  // once per run. Throws InputError when the folder cannot be created or the file can
  // be neither opened nor set aside, unless `when_unopenable` is note: then a file SQLite
  // cannot open or write (a full disk, a file-size limit) is one note and the result is
  // null, so a run goes on without its cache rather than not at all.
  enum class WhenUnopenable { fail, note };
  static std::unique_ptr<EvaluationStore> open(
      const std::filesystem::path& path, std::vector<std::string>& notes,
      WhenUnopenable when_unopenable = WhenUnopenable::fail);
  ~EvaluationStore();
  EvaluationStore(const EvaluationStore&) = delete;
  EvaluationStore& operator=(const EvaluationStore&) = delete;

  // Throws std::invalid_argument for an incomplete scope or an empty kind (a caller's
  // bug: an entry without its machine or task would answer for any).
  std::optional<Evaluation> lookup(const CacheScope& scope, std::string_view kind,
                                   std::uint64_t key);
  // Keeps ok evaluations and the verdicts that do not depend on the moment (compile
  // errors, wrong results); a crash, timeout, exhausted memory or lost worker may.
  void store(const CacheScope& scope, std::string_view kind, std::uint64_t key,
             const Evaluation& evaluation);

  // Entries in the file, and the hits and misses of every run that used it.
  CacheStats stats();
  void clear();
  // One JSON object a line: {"scope": {...}, "kind", "key", "stored_at", "evaluation"}.
  void export_json_lines(std::ostream& out);

  const std::filesystem::path& path() const { return path_; }
  std::string journal_mode();
  // Why the store turned itself off during the run; empty while it works.
  std::vector<std::string> notes() const;

 private:
  struct Db;
  EvaluationStore(std::filesystem::path path, std::unique_ptr<Db> db);
  void fail(const std::string& what);

  std::filesystem::path path_;
  std::unique_ptr<Db> db_;
  mutable std::mutex mutex_;
  bool broken_ = false;
  std::vector<std::string> notes_;
};

// The store as a CandidateCache of one kind in one scope, for PipelineCaches. A hit
// is tagged cache_hit = "persistent".
class PersistentCache final : public CandidateCache {
 public:
  PersistentCache(EvaluationStore& store, CacheScope scope, std::string kind);

  std::optional<Evaluation> lookup(std::uint64_t key) override;
  void store(std::uint64_t key, const Evaluation& evaluation) override;

 private:
  EvaluationStore& store_;
  CacheScope scope_;
  std::string kind_;
};

}  // namespace evojit
