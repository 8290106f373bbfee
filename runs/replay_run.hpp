// A run over a recorded (brute-forced) space, as Kernel Tuner's simulation mode:
// the Kernel Tuner cache file answers every evaluation, a simulated clock charges
// what the real tuning would have cost, and the run directory has the same shape as
// a live run's (run.json, journal.jsonl, best/best.json, summary.json, t4.json). On
// this deterministic backend the same seed gives the identical journal.
#pragma once

#include <filesystem>

#include "runs/run_config.hpp"
#include "runs/tuning_run.hpp"
#include "search/evolve.hpp"
#include "search/strategy.hpp"

namespace evojit {

struct ReplayRunConfig {
  std::filesystem::path cache_file;
  // T1 file with the space's conditions (--t1); empty: the space comes from the cache
  // alone. Never guessed from the cache's name.
  std::filesystem::path t1_file;
  // The default: best mean score on the search-efficiency benchmark and better
  // than random search on every recorded space (bench/search_efficiency.cpp).
  std::string strategy = "bandit";
  nlohmann::json strategy_params = nlohmann::json::object();
  std::size_t budget_evaluations = 100;
  double budget_seconds = 0.0;  // simulated tuning time
  std::uint64_t seed = 1;
  std::filesystem::path out_dir;      // empty: runs/replay-<cache stem>-<strategy>-<seed>
  std::size_t checkpoint_every = 10;  // checkpoint.json every this many evaluations
};

// The content hash of a cache file (its bytes, as 16 hex digits), kept in run.json
// so that resume refuses a cache file that changed under the run.
std::string cache_file_hash(const std::filesystem::path& file);

// Validates everything (files, strategy, output directory) before writing; throws
// InputError on bad input.
// `progress` (optional) is called after every evaluation told, with real elapsed time.
EvolveResult execute_replay_run(const ReplayRunConfig& config, const StrategyRegistry& strategies,
                                std::filesystem::path* out_dir = nullptr,
                                const std::function<void(const RunProgress&)>& progress = {});
// Continues the replay run in config.out_dir (its run.json written, maybe killed
// mid-run) from its checkpoint and journal and finishes it: the journal ends exactly
// as the uninterrupted run's would. InputError when the checkpoint or the journal
// cannot be used (nothing is written then). The caller holds the directory's lock
// (runs/run_lock.hpp; resume_run_directory takes it); execute_replay_run takes its own.
EvolveResult resume_replay_run(const ReplayRunConfig& config, const StrategyRegistry& strategies,
                               const std::function<void(const RunProgress&)>& progress = {});

}  // namespace evojit
