// What a run is asked to do, whatever its kind: fresh or resumed, on the CPU, on a GPU
// or replaying a recorded space. One plain struct, filled by the CLI (flags and a
// config file) or by code using evojit as a library, validated by run() before
// anything is written, and stored in run.json ("config") so that `evojit resume`
// rebuilds the same run from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/measurement.hpp"

namespace evojit {

// The evaluation caches of a run (runs/run_cache.hpp): the in-memory levels and the
// persistent store, with UFH's aggregating (measurements) and forgetful
// (forget_probability) answers to noisy timings.
struct CacheSpec {
  bool enabled = true;  // --no-cache: false
  // --cache FILE; empty: the user's default file (evaluators/cache/evaluation_store.hpp)
  // on a measuring backend, no store on a deterministic one (a replay is a lookup).
  std::filesystem::path file;
  std::size_t measurements = 1;     // --cache-measurements M (>= 1)
  double forget_probability = 0.0;  // --cache-forget P (0..1)
};

struct RunSpec {
  // The backend registry name ("cpu", "cuda", "replay") and its own options, which
  // the backend validates (replay: {"cache", "t1"}; cuda: {"device", "flush_l2",
  // "t1", "kernel_source"}).
  std::string backend = "cpu";
  nlohmann::json backend_options = nlohmann::json::object();
  std::string task;  // a registered task; empty when the backend makes its own (replay)
  // A task manifest (kernels/task_manifest.hpp): the user's own kernel, loaded by the
  // run (interop/task_manifest_file.hpp) and named by its "name"; task stays empty.
  std::filesystem::path task_file;
  // The default: best mean score on the search-efficiency benchmark and better
  // than random search on every recorded space (bench/search_efficiency.cpp).
  std::string strategy = "bandit";
  nlohmann::json strategy_params = nlohmann::json::object();
  // Empty: the backend's default (roofline on cpu and cuda, inverse-time on replay).
  std::string fitness;
  nlohmann::json fitness_params = nlohmann::json::object();
  std::size_t budget_evaluations = 100;  // 0 = no limit (then budget_seconds must be set)
  double budget_seconds = 0.0;           // 0 = no limit
  std::uint64_t seed = 1;
  // Empty: runs/<task>-<strategy>-<UTC time> (runs/replay-<cache>-<strategy>-<seed> on a
  // deterministic backend) under the current directory.
  std::filesystem::path out_dir;
  std::vector<std::string> overrides;    // "NAME=VALUE": pins a parameter
  std::vector<std::string> constraints;  // extra restrictions, constraint language
  std::size_t workers = 1;               // worker processes (compiles overlap)
  MeasureOptions measure;
  // Held-out collapse: flagged when held-out fitness < collapse_ratio * training fitness.
  double collapse_ratio = 0.5;
  // checkpoint.json is written every this many evaluations (and at the end).
  std::size_t checkpoint_every = 10;
  // Machine profile path; empty: the backend's default location.
  std::filesystem::path profile_path;
  // Spec-sheet ceilings for this run only (bytes/s, FLOP/s) over the measured ones.
  std::optional<double> peak_bandwidth;
  std::optional<double> peak_flops;
  // Plug-in files (absolute paths) whose registrations the run uses: the CLI loads them
  // into the registries (runs/plugins.hpp), run.json records them with their hashes,
  // and `evojit resume` loads them again. In run.json only when there are some.
  std::vector<std::string> plugins;
  // In run.json only when a store is used, so that runs without one keep their ids.
  CacheSpec cache;
};

nlohmann::json to_json(const RunSpec& c);

}  // namespace evojit
