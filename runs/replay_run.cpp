#include "runs/replay_run.hpp"

#include <chrono>
#include <fstream>
#include <vector>

#include "interop/kernel_tuner_cache.hpp"
#include "backends/replay/replay_evaluator.hpp"
#include "runs/journal.hpp"
#include "runs/journal_record.hpp"
#include "interop/kernel_tuner_cache_output.hpp"
#include "runs/run_identity.hpp"
#include "runs/run_lock.hpp"
#include "runs/run_plan.hpp"
#include "runs/run_recorder.hpp"
#include "runs/run_validation.hpp"
#include "runs/space_check.hpp"
#include "runs/stop_request.hpp"
#include "interop/t1_input.hpp"
#include "interop/t4_output.hpp"
#include "runs/tuning_run.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/hash.hpp"

namespace evojit {

using nlohmann::json;

namespace {

// A cache with fewer than two configurations has nothing to search: a replay of it
// would "finish" having learnt nothing.
void require_replayable(const KernelTunerCache& cache, const std::filesystem::path& file) {
  // A cache in which every configuration failed is a recording all the same: its replay
  // runs and ends with exit code 3 (no valid evaluation), as a live run would.
  // A cache cut short (a killed Kernel Tuner run) reads, but as a recorded space it is
  // partial: replaying it would report an optimum that may not be the space's.
  if (cache.size() >= 2 && !cache.repaired()) return;
  std::string what =
      cache.size() == 0 ? "the cache holds no configurations"
      : cache.size() == 1
          ? "the cache holds a single configuration: nothing to search"
          : "the cache holds " + std::to_string(cache.size()) + " configurations before the cut";
  if (cache.repaired()) what = "the cache is truncated: " + what;
  throw_input_error(what, file.string(),
                    cache.repaired() ? "the file was cut short; use a complete Kernel Tuner cache"
                                     : "replay a cache of a brute-forced (or well explored) space");
}

}  // namespace

std::string cache_file_hash(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::uint64_t h = 0;
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    h = hash_combine(h, hash_bytes(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return hash_hex(h);
}

namespace {

EvolveResult replay_run(const ReplayRunConfig& config, const StrategyRegistry& strategies,
                        std::filesystem::path* out_dir_used, bool resuming,
                        const std::function<void(const RunProgress&)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  require_valid_budget(config.budget_evaluations, config.budget_seconds, "");
  auto cache = std::make_shared<const KernelTunerCache>(KernelTunerCache::load(config.cache_file));
  require_replayable(*cache, config.cache_file);
  // Explicit only (--t1): a file beside the cache is never taken for its T1 input.
  const std::filesystem::path& t1_file = config.t1_file;
  std::unique_ptr<ReplayEvaluator> evaluator;
  if (!t1_file.empty()) {
    const T1Input t1 = read_t1_input(t1_file);
    evaluator = std::make_unique<ReplayEvaluator>(cache, t1.space);
  } else {
    evaluator = std::make_unique<ReplayEvaluator>(cache);
  }
  require_searchable_space(evaluator->space(),
                           (t1_file.empty() ? config.cache_file : t1_file).string(),
                           "the T1 conditions exclude every recorded configuration");
  StrategyContext context;
  context.space = &evaluator->space();
  context.params = config.strategy_params;
  std::unique_ptr<Strategy> strategy = strategies.create(config.strategy, context);

  std::string stem = config.cache_file.filename().string();
  for (const char* ext : {".gz", ".json"}) {
    if (stem.size() > std::strlen(ext) && stem.ends_with(ext))
      stem.resize(stem.size() - std::strlen(ext));
  }
  const std::filesystem::path out =
      config.out_dir.empty()
          ? std::filesystem::path("runs") /
                ("replay-" + stem + "-" + config.strategy + "-" + std::to_string(config.seed))
          : config.out_dir;
  if (!resuming) require_fresh_directory(out);
  if (out_dir_used) *out_dir_used = out;

  // A resumed replay is locked by resume_run_directory (runs/resume.hpp).
  RunLock lock;
  if (!resuming) lock = lock_run_directory(out, /*create=*/true);
  // run.json first: from then on the directory is a run that `evojit resume` knows.
  if (!resuming) {
    json config_json = {{"config",
                         {{"replay", config.cache_file.string()},
                          {"t1", t1_file.string()},
                          {"strategy", config.strategy},
                          {"strategy_params", config.strategy_params},
                          {"budget_evaluations", config.budget_evaluations},
                          {"budget_seconds", config.budget_seconds},
                          {"seed", config.seed},
                          {"checkpoint_every", config.checkpoint_every}}},
                        {"replay_cache_hash", cache_file_hash(config.cache_file)}};
    json run = config_json;
    // Deterministic, like the replay itself; not of the budget, which resume may extend
    // (the extended run's journal is the one a larger budget would have written).
    json identity = config_json;
    identity["config"].erase("budget_evaluations");
    identity["config"].erase("budget_seconds");
    run["run_id"] = content_run_id(identity);
    run["recorded_device"] = cache->device_name();
    run["versions"] = evojit_versions();
    run["seed"] = config.seed;
    write_run_json(out, run);
  }

  Budget budget;
  budget.evaluations = config.budget_evaluations;
  budget.seconds = config.budget_seconds;
  EvolveLoop loop(*strategy, *evaluator, budget);
  Rng rng(config.seed);
  RunRecorder recorder(out, evaluator->space(), *strategy, config.strategy,
                       config.checkpoint_every);
  recorder.set_simulated_evaluations(true);
  std::vector<T4Record> t4_records;
  auto account = [&](const EvaluationRecord& r, const RunRecorder::RecordTiming& timing) {
    T4Record t4{evaluator->space().bindings(r.config),
                r.evaluation,
                "",
                timing.search_s,
                timing.framework_s,
                std::nullopt};
    // The recorded figures: every repetition, and what compiling, verifying and
    // benchmarking cost when Kernel Tuner measured it.
    if (auto entry = evaluator->entry_of(r.config)) {
      const CacheEntry& recorded = cache->entry(*entry);
      const auto times = cache->times(*entry);
      t4.recorded =
          T4RecordedTimes{std::vector<double>(times.begin(), times.end()), recorded.compile_ms,
                          recorded.verification_ms, recorded.benchmark_ms};
    }
    t4_records.push_back(std::move(t4));
  };
  if (resuming) {
    for (const EvaluationRecord& r : recorder.restore(loop, rng)) account(r, {});
  }
  std::filesystem::create_directories(out / "best");
  recorder.attach(loop, [&](const EvaluationRecord& r) { account(r, recorder.last_timing()); });
  if (progress) {
    loop.on_progress([&](std::size_t done, const std::optional<Scored>& best) {
      const double real_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      progress({done, budget.evaluations, best ? best->fitness : 0.0, real_s, 0.0});
    });
  }
  EvolveResult result;
  {
    const StopWatch watch(loop);
    result = loop.run(rng);
  }
  recorder.finish();  // the journal synced and the last checkpoint written, stopped or not
  if (stop_signal() != 0) return result;  // checkpointed, left to resume
  // From the start of the call: reading the cache is part of what the replay took here.
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  json best_json = json::object();
  if (result.best) {
    best_json = {{"id", result.best->id},
                 {"genome", bindings_json(evaluator->space(), result.best->config)},
                 {"canonical", evaluator->space().canonical(result.best->config)},
                 {"fitness", result.best->fitness},
                 {"time_ms", result.best->fitness > 0.0 ? 1.0 / result.best->fitness : 0.0}};
  }
  write_file_atomically(out / "best" / "best.json", best_json.dump(2) + "\n");
  write_t4(out / "t4.json", t4_records,
           {"time", false, "the recorded mean time; evojit's fitness is 1 / time in ms"});
  KernelTunerCacheHeader header{cache->device_name(), cache->kernel_name(), json(), {}, {}};
  if (cache->problem_size().size() == 1) {
    header.problem_size = cache->problem_size().front();
  } else if (!cache->problem_size().empty()) {
    header.problem_size = cache->problem_size();
  }
  for (const Parameter& p : evaluator->space().parameters()) {
    header.keys.push_back(p.name);
    header.values.push_back(p.values);
  }
  write_kernel_tuner_cache(out / kKernelTunerCacheFile, header, t4_records);
  write_file_atomically(out / "summary.json",
                        json{{"evaluations", result.evaluations},
                             {"duplicates_skipped", result.duplicates},
                             // What the recorded evaluations cost on the device they
                             // were recorded on, and what this replay took here.
                             {"simulated_elapsed_s", result.elapsed_s},
                             {"wall_s", wall_s},
                             {"stop_reason", result.stop_reason},
                             {"best_fitness", result.best ? result.best->fitness : 0.0},
                             {"statuses", status_counts(t4_records)}}
                                .dump(2) +
                            "\n");
  return result;
}

}  // namespace

EvolveResult execute_replay_run(const ReplayRunConfig& config, const StrategyRegistry& strategies,
                                std::filesystem::path* out_dir_used,
                                const std::function<void(const RunProgress&)>& progress) {
  return replay_run(config, strategies, out_dir_used, false, progress);
}

EvolveResult resume_replay_run(const ReplayRunConfig& config, const StrategyRegistry& strategies,
                               const std::function<void(const RunProgress&)>& progress) {
  return replay_run(config, strategies, nullptr, true, progress);
}

}  // namespace evojit
