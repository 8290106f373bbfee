#include "runs/replay_run.hpp"

#include <chrono>

#include "evaluators/kernel_tuner_cache.hpp"
#include "evaluators/replay_evaluator.hpp"
#include "runs/journal.hpp"
#include "runs/journal_record.hpp"
#include "runs/run_plan.hpp"
#include "runs/run_recorder.hpp"
#include "runs/t1_input.hpp"
#include "runs/t4_output.hpp"
#include "runs/tuning_run.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"

namespace evojit {

using nlohmann::json;

namespace {

EvolveResult replay_run(const ReplayRunConfig& config, const StrategyRegistry& strategies,
                        std::filesystem::path* out_dir_used, bool resuming) {
  if (config.budget_evaluations == 0 && config.budget_seconds <= 0.0) {
    throw_input_error("the run has no budget", "--budget",
                      "give a number of evaluations and/or --time-budget seconds");
  }
  auto cache = std::make_shared<const KernelTunerCache>(KernelTunerCache::load(config.cache_file));
  std::filesystem::path t1_file = config.t1_file;
  if (t1_file.empty()) {
    if (auto found = find_t1_for_cache(config.cache_file)) t1_file = *found;
  }
  std::unique_ptr<ReplayEvaluator> evaluator;
  if (!t1_file.empty()) {
    const T1Input t1 = read_t1_input(t1_file);
    evaluator = std::make_unique<ReplayEvaluator>(cache, t1.space);
  } else {
    evaluator = std::make_unique<ReplayEvaluator>(cache);
  }
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

  // run.json first: from then on the directory is a run that `evojit resume` knows.
  if (!resuming) {
    write_file_atomically(out / "run.json",
                          json{{"config",
                                {{"replay", config.cache_file.string()},
                                 {"t1", t1_file.string()},
                                 {"strategy", config.strategy},
                                 {"strategy_params", config.strategy_params},
                                 {"budget_evaluations", config.budget_evaluations},
                                 {"budget_seconds", config.budget_seconds},
                                 {"seed", config.seed},
                                 {"checkpoint_every", config.checkpoint_every}}},
                               {"recorded_device", cache->device_name()},
                               {"versions", evojit_versions()},
                               {"seed", config.seed}}
                                  .dump(2) +
                              "\n");
  }

  Budget budget;
  budget.evaluations = config.budget_evaluations;
  budget.seconds = config.budget_seconds;
  EvolveLoop loop(*strategy, *evaluator, budget);
  Rng rng(config.seed);
  RunRecorder recorder(out, evaluator->space(), *strategy, config.strategy,
                       config.checkpoint_every);
  std::vector<T4Record> t4_records;
  auto account = [&](const EvaluationRecord& r) {
    // Simulated time stamps keep the T4 file as deterministic as the journal.
    t4_records.push_back({evaluator->space().bindings(r.config), r.evaluation, "", 0.0, 0.0});
  };
  if (resuming) {
    for (const EvaluationRecord& r : recorder.restore(loop, rng)) account(r);
  }
  std::filesystem::create_directories(out / "best");
  recorder.attach(loop, account);
  const auto wall_start = std::chrono::steady_clock::now();
  const EvolveResult result = loop.run(rng);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  json best_json = json::object();
  if (result.best) {
    best_json = {{"id", result.best->id},
                 {"genome", bindings_json(evaluator->space(), result.best->config)},
                 {"canonical", evaluator->space().canonical(result.best->config)},
                 {"fitness", result.best->fitness},
                 {"time_ms", result.best->fitness > 0.0 ? 1.0 / result.best->fitness : 0.0}};
  }
  write_file_atomically(out / "best" / "best.json", best_json.dump(2) + "\n");
  write_t4(out / "t4.json", t4_records);
  write_file_atomically(out / "summary.json",
                        json{{"evaluations", result.evaluations},
                             {"duplicates_skipped", result.duplicates},
                             // What the recorded evaluations cost on the device they
                             // were recorded on, and what this replay took here.
                             {"simulated_elapsed_s", result.elapsed_s},
                             {"wall_s", wall_s},
                             {"stop_reason", result.stop_reason},
                             {"best_fitness", result.best ? result.best->fitness : 0.0}}
                                .dump(2) +
                            "\n");
  return result;
}

}  // namespace

EvolveResult execute_replay_run(const ReplayRunConfig& config, const StrategyRegistry& strategies,
                                std::filesystem::path* out_dir_used) {
  return replay_run(config, strategies, out_dir_used, false);
}

EvolveResult resume_replay_run(const ReplayRunConfig& config, const StrategyRegistry& strategies) {
  return replay_run(config, strategies, nullptr, true);
}

}  // namespace evojit
