// The evaluation caches of one run, built from its CacheSpec (runs/run_spec.hpp) and
// handed to the candidate pipeline (evaluators/pipeline.hpp):
//   - structural and code levels in memory (evaluators/cache/memory_cache.hpp; the code
//     level only on a backend whose code hash is the whole identity, BackendTraits), with
//     the spec's aggregating (M measurements) and forgetful (probability p) answers,
//   - in front of the persistent store (evaluators/cache/evaluation_store.hpp) when the
//     run uses one: the user's default file on a measuring backend, the --cache file,
//     none with --no-cache or on a deterministic backend without --cache (a replay is a
//     lookup already: a store would only copy the recorded space).
// A persistent answer is one trusted measurement, forgotten with probability p like a
// memory one (then measured again, and the store takes the new figure).
//
// The store's key scope carries everything that makes a result valid (cache_scope()):
// this machine and its profile, the backend and its identity and measurement options,
// evojit's and LLVM's versions and the task's compile flags, the task's identity (its
// name, source, sizes and inputs, manifest with tolerance).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/backend.hpp"
#include "evaluators/cache/evaluation_store.hpp"
#include "evaluators/cache/memory_cache.hpp"
#include "evaluators/pipeline.hpp"
#include "runs/run_spec.hpp"

namespace evojit {

// The spec with its defaults made explicit for `traits` (a file named, or the store
// off), as run.json records it so that a resume uses the same. Throws InputError for
// measurements < 1, a forget probability outside [0, 1] or a file that is a folder.
void resolve_cache_spec(CacheSpec& spec, const BackendTraits& traits);

// `versions`: evojit_versions() (runs/run.hpp), a parameter so that tests can vary it.
CacheScope cache_scope(Backend& backend, const std::optional<MachineProfile>& ceilings,
                       const MeasureOptions& measure, const nlohmann::json& versions);

class RunCaches {
 public:
  // A resolved spec. Opens the store (InputError when it cannot be used at all; a file
  // not to be trusted is set aside with a note in notes()).
  // `code_identity`: BackendTraits::code_identity (no code level without it).
  RunCaches(const CacheSpec& spec, std::uint64_t seed, std::optional<CacheScope> scope,
            bool code_identity);
  ~RunCaches();
  RunCaches(const RunCaches&) = delete;
  RunCaches& operator=(const RunCaches&) = delete;

  // Empty (no caches) when the spec is disabled.
  PipelineCaches pipeline();
  // Closed, the caches neither answer nor learn: a resumed deterministic run replays
  // its history through the backend so that its clock advances as it did, and a cache
  // answering there would stop that clock (a hit costs no simulated time).
  void set_open(bool open) { open_ = open; }
  // What the user should read on opening: a file set aside.
  std::vector<std::string> notes() const;
  EvaluationStore* store() const { return store_.get(); }

 private:
  struct Level;
  bool enabled_;
  bool code_identity_;
  std::atomic<bool> open_ = true;
  std::unique_ptr<EvaluationStore> store_;
  std::vector<std::string> open_notes_;
  std::vector<std::unique_ptr<Level>> levels_;  // structural, code
};

}  // namespace evojit
