// The persistent evaluation store in one file (425 lines): opening and checking the
// SQLite file, setting a damaged one aside, and the key/value statements share one
// connection and its error handling, which splitting would spread over two files.
#include "evaluators/cache/evaluation_store.hpp"

#include <sqlite3.h>

#include <ctime>
#include <set>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "evaluators/evaluation_json.hpp"
#include "evaluators/machine_profile.hpp"
#include "support/error.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "evojit-evaluations";
constexpr const char* kVersion = "1";
constexpr int kBusyTimeoutMs = 10000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS scopes(
  id INTEGER PRIMARY KEY,
  machine TEXT NOT NULL, profile TEXT NOT NULL, backend TEXT NOT NULL,
  compiler TEXT NOT NULL, task TEXT NOT NULL,
  UNIQUE(machine, profile, backend, compiler, task));
CREATE TABLE IF NOT EXISTS evaluations(
  scope INTEGER NOT NULL REFERENCES scopes(id),
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  evaluation TEXT NOT NULL,
  PRIMARY KEY(scope, kind, key)) WITHOUT ROWID;
INSERT OR IGNORE INTO meta VALUES('format', 'evojit-evaluations'), ('version', '1');
INSERT OR IGNORE INTO counters VALUES('hits', 0), ('misses', 0);
)sql";

struct SqliteError : std::runtime_error {
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code(code) {}
  int code;
  bool busy() const { return (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED; }
  bool damaged() const { return (code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT; }
};

// A file that opens but must not be trusted: damaged, or not this format.
struct Untrusted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void raise(sqlite3* db, int code) {
  throw SqliteError(code, db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); rc != SQLITE_OK) raise(db, rc);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }
  // True while there is a row to read.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    raise(db_, rc);
  }
  std::string text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) raise(db_, rc);
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

void exec(sqlite3* db, const char* sql) {
  if (int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr); rc != SQLITE_OK) raise(db, rc);
}

// BEGIN IMMEDIATE ... COMMIT, rolled back when left by an exception.
class WriteTransaction {
 public:
  explicit WriteTransaction(sqlite3* db) : db_(db) { exec(db_, "BEGIN IMMEDIATE"); }
  ~WriteTransaction() {
    if (!committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec(db_, "COMMIT");
    committed_ = true;
  }

 private:
  sqlite3* db_;
  bool committed_ = false;
};

void require_complete(const CacheScope& scope, std::string_view kind) {
  if (scope.machine.empty() || scope.backend.empty() || scope.task.empty() || kind.empty()) {
    throw std::invalid_argument(
        "EvaluationStore: a cache key needs its machine, backend, task and kind");
  }
}

Statement& bind_scope(Statement& s, const CacheScope& scope) {
  return s.bind(1, scope.machine)
      .bind(2, scope.profile)
      .bind(3, scope.backend)
      .bind(4, scope.compiler)
      .bind(5, scope.task);
}

// Whether an evaluation's verdict holds in another run, on another day.
bool lasting(const Evaluation& e) {
  return e.status == EvalStatus::ok || e.status == EvalStatus::compile_error ||
         e.status == EvalStatus::wrong_result;
}

std::string utc_stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

fs::path sibling(const fs::path& p, const std::string& suffix) {
  return fs::path(p.string() + suffix);
}

// Renames the file (and its write-ahead log, which belongs to it) out of the way.
fs::path set_aside(const fs::path& path) {
  fs::path aside = sibling(path, ".corrupt-" + utc_stamp());
  for (int n = 1; fs::exists(aside); ++n) {
    aside = sibling(path, ".corrupt-" + utc_stamp() + "-" + std::to_string(n));
  }
  std::error_code ec;
  fs::rename(path, aside, ec);
  if (ec) {
    throw_input_error(
        "the evaluation cache cannot be trusted and cannot be set aside (" + ec.message() + ")",
        path.string(), "remove the file, or use --cache FILE or --no-cache");
  }
  if (fs::exists(sibling(path, "-wal")))
    fs::rename(sibling(path, "-wal"), sibling(aside, "-wal"), ec);
  fs::remove(sibling(path, "-shm"), ec);  // shared memory of the log, rebuilt on open
  return aside;
}

}  // namespace

struct EvaluationStore::Db {
  sqlite3* handle = nullptr;
  ~Db() { sqlite3_close_v2(handle); }
};

namespace {

// Opens and checks the file, then makes it a WAL database with the schema. Throws
// Untrusted for a file not to be trusted, SqliteError when SQLite cannot use it.
void connect(sqlite3*& handle, const fs::path& path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) raise(handle, rc);
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);
  try {
    std::set<std::string> tables;
    Statement list(handle, "SELECT name FROM sqlite_master WHERE type = 'table'");
    while (list.step()) tables.insert(list.text(0));
    if (!tables.empty()) {
      if (!tables.count("meta")) throw Untrusted("it holds another program's tables");
      std::string format, version;
      Statement meta(handle, "SELECT name, value FROM meta");
      while (meta.step()) {
        if (meta.text(0) == "format") format = meta.text(1);
        if (meta.text(0) == "version") version = meta.text(1);
      }
      if (format != kFormat) throw Untrusted("it holds another program's tables");
      if (version != kVersion) {
        throw Untrusted("it is format version " + version + "; this evojit reads version " +
                        kVersion);
      }
      Statement check(handle, "PRAGMA quick_check");
      if (check.step() && check.text(0) != "ok") throw Untrusted("damaged: " + check.text(0));
    }
    exec(handle, "PRAGMA journal_mode = WAL");
    exec(handle, "PRAGMA synchronous = NORMAL");  // WAL: durable at checkpoints, never torn
    WriteTransaction schema(handle);
    exec(handle, kSchema);
    schema.commit();
  } catch (const SqliteError& e) {
    if (e.damaged()) throw Untrusted(std::string("damaged: ") + e.what());
    throw;
  }
}

}  // namespace

fs::path default_evaluation_store_path() { return cache_directory() / "evaluations.sqlite"; }

std::unique_ptr<EvaluationStore> EvaluationStore::open(const fs::path& path,
                                                       std::vector<std::string>& notes,
                                                       WhenUnopenable when_unopenable) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) {
    throw_input_error("cannot create the folder of the evaluation cache (" + ec.message() + ")",
                      path.parent_path().string(), "use --cache FILE elsewhere, or --no-cache");
  }
  for (int attempt = 0;; ++attempt) {
    auto db = std::make_unique<Db>();
    try {
      connect(db->handle, path);
      return std::unique_ptr<EvaluationStore>(new EvaluationStore(path, std::move(db)));
    } catch (const Untrusted& u) {
      db.reset();  // closed before it is renamed
      if (attempt > 0) {
        throw_input_error(std::string("a new evaluation cache cannot be made: ") + u.what(),
                          path.string(), "use --cache FILE elsewhere, or --no-cache");
      }
      const fs::path aside = set_aside(path);
      notes.push_back("evaluation cache " + path.string() + " is not to be trusted (" + u.what() +
                      "): set aside as " + aside.string() + "; starting an empty one");
    } catch (const SqliteError& e) {
      if (when_unopenable == WhenUnopenable::note) {
        notes.push_back("cannot open the evaluation cache " + path.string() + " (" + e.what() +
                        "): this run goes on without it (--cache FILE elsewhere, or --no-cache)");
        return nullptr;
      }
      throw_input_error(std::string("cannot open the evaluation cache: ") + e.what(), path.string(),
                        "use --cache FILE elsewhere, or --no-cache");
    }
  }
}

EvaluationStore::EvaluationStore(fs::path path, std::unique_ptr<Db> db)
    : path_(std::move(path)), db_(std::move(db)) {}

EvaluationStore::~EvaluationStore() = default;

void EvaluationStore::fail(const std::string& what) {
  broken_ = true;
  notes_.push_back("evaluation cache " + path_.string() + " failed (" + what +
                   "): the run goes on without it");
}

std::optional<Evaluation> EvaluationStore::lookup(const CacheScope& scope, std::string_view kind,
                                                  std::uint64_t key) {
  require_complete(scope, kind);
  std::lock_guard lock(mutex_);
  if (broken_) return std::nullopt;
  sqlite3* db = db_->handle;
  try {
    std::optional<Evaluation> found;
    {
      Statement select(db,
                       "SELECT e.evaluation FROM evaluations e JOIN scopes s ON e.scope = s.id "
                       "WHERE s.machine = ?1 AND s.profile = ?2 AND s.backend = ?3 AND "
                       "s.compiler = ?4 AND s.task = ?5 AND e.kind = ?6 AND e.key = ?7");
      bind_scope(select, scope).bind(6, kind).bind(7, hash_hex(key));
      if (select.step()) {
        const auto j = nlohmann::json::parse(select.text(0), nullptr, /*allow_exceptions=*/false);
        try {
          if (j.is_object()) found = evaluation_from_json(j);
        } catch (const std::exception&) {  // a row this evojit cannot read is no answer
        }
      }
    }
    Statement count(db, "UPDATE counters SET value = value + 1 WHERE name = ?1");
    count.bind(1, std::string_view(found ? "hits" : "misses")).step();
    return found;
  } catch (const SqliteError& e) {
    if (!e.busy()) fail(e.what());
    return std::nullopt;
  }
}

void EvaluationStore::store(const CacheScope& scope, std::string_view kind, std::uint64_t key,
                            const Evaluation& evaluation) {
  require_complete(scope, kind);
  if (!lasting(evaluation)) return;
  Evaluation measured = evaluation;
  measured.cache_hit.clear();
  measured.saved_s = 0.0;
  const std::string value = to_json(measured).dump();
  std::lock_guard lock(mutex_);
  if (broken_) return;
  sqlite3* db = db_->handle;
  try {
    WriteTransaction txn(db);
    Statement add_scope(db,
                        "INSERT OR IGNORE INTO scopes(machine, profile, backend, compiler, task) "
                        "VALUES(?1, ?2, ?3, ?4, ?5)");
    bind_scope(add_scope, scope).step();
    Statement put(db,
                  "INSERT OR REPLACE INTO evaluations(scope, kind, key, stored_at, evaluation) "
                  "SELECT id, ?6, ?7, ?8, ?9 FROM scopes WHERE machine = ?1 AND profile = ?2 AND "
                  "backend = ?3 AND compiler = ?4 AND task = ?5");
    bind_scope(put, scope)
        .bind(6, kind)
        .bind(7, hash_hex(key))
        .bind(8, static_cast<std::int64_t>(std::time(nullptr)))
        .bind(9, value)
        .step();
    txn.commit();
  } catch (const SqliteError& e) {
    if (!e.busy()) fail(e.what());
  }
}

namespace {

[[noreturn]] void command_failed(const fs::path& path, const SqliteError& e) {
  throw_input_error(std::string("the evaluation cache failed: ") + e.what(), path.string(),
                    "if it is damaged, remove it (the next run starts an empty one)");
}

}  // namespace

CacheStats EvaluationStore::stats() {
  std::lock_guard lock(mutex_);
  CacheStats s;
  try {
    Statement entries(db_->handle, "SELECT count(*) FROM evaluations");
    if (entries.step()) s.entries = static_cast<std::uint64_t>(entries.integer(0));
    Statement counters(db_->handle, "SELECT name, value FROM counters");
    while (counters.step()) {
      (counters.text(0) == "hits" ? s.hits : s.misses) =
          static_cast<std::uint64_t>(counters.integer(1));
    }
  } catch (const SqliteError& e) {
    command_failed(path_, e);
  }
  return s;
}

void EvaluationStore::clear() {
  std::lock_guard lock(mutex_);
  try {
    WriteTransaction txn(db_->handle);
    exec(db_->handle,
         "DELETE FROM evaluations; DELETE FROM scopes; UPDATE counters SET value = 0;");
    txn.commit();
  } catch (const SqliteError& e) {
    command_failed(path_, e);
  }
}

void EvaluationStore::export_json_lines(std::ostream& out) {
  std::lock_guard lock(mutex_);
  try {
    Statement rows(db_->handle,
                   "SELECT s.machine, s.profile, s.backend, s.compiler, s.task, e.kind, e.key, "
                   "e.stored_at, e.evaluation FROM evaluations e JOIN scopes s ON e.scope = s.id "
                   "ORDER BY s.id, e.kind, e.key");
    while (rows.step()) {
      nlohmann::json line = {{"scope",
                              {{"machine", rows.text(0)},
                               {"profile", rows.text(1)},
                               {"backend", rows.text(2)},
                               {"compiler", rows.text(3)},
                               {"task", rows.text(4)}}},
                             {"kind", rows.text(5)},
                             {"key", rows.text(6)},
                             {"stored_at", rows.integer(7)},
                             {"evaluation", nlohmann::json::parse(rows.text(8), nullptr, false)}};
      out << line.dump() << '\n';
    }
  } catch (const SqliteError& e) {
    command_failed(path_, e);
  }
}

std::string EvaluationStore::journal_mode() {
  std::lock_guard lock(mutex_);
  try {
    Statement mode(db_->handle, "PRAGMA journal_mode");
    return mode.step() ? mode.text(0) : std::string();
  } catch (const SqliteError& e) {
    command_failed(path_, e);
  }
}

std::vector<std::string> EvaluationStore::notes() const {
  std::lock_guard lock(mutex_);
  return notes_;
}

PersistentCache::PersistentCache(EvaluationStore& store, CacheScope scope, std::string kind)
    : store_(store), scope_(std::move(scope)), kind_(std::move(kind)) {
  require_complete(scope_, kind_);
}

std::optional<Evaluation> PersistentCache::lookup(std::uint64_t key) {
  std::optional<Evaluation> hit = store_.lookup(scope_, kind_, key);
  if (hit) hit->cache_hit = "persistent";
  return hit;
}

void PersistentCache::store(std::uint64_t key, const Evaluation& evaluation) {
  store_.store(scope_, kind_, key, evaluation);
}

}  // namespace evojit
