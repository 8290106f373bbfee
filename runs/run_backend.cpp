#include "runs/run_backend.hpp"

#include <filesystem>
#include <fstream>
#include <vector>

#include "runs/journal.hpp"
#include "runs/journal_record.hpp"
#include "interop/kernel_tuner_cache_output.hpp"
#include "runs/run_recorder.hpp"
#include "runs/stop_request.hpp"
#include "interop/t4_output.hpp"
#include "support/atomic_file.hpp"

namespace evojit {
using nlohmann::json;

json run_json(const RunPlan& plan, const MachineProfile& profile) {
  return {{"config", to_json(plan.config)},
          {"machine_profile", to_json(profile)},
          {"versions", evojit_versions()},
          {"seed", plan.config.seed},
          {"space",
           {{"parameters", plan.space.size()}, {"cartesian_points", plan.space.cartesian_size()}}},
          {"training_sizes", plan.task->training_sizes().size()},
          {"held_out_sizes", plan.task->held_out_sizes().size()}};
}

namespace {

// kernel_tuner_cache.json: what the run measured, for Kernel Tuner users.
void write_run_kernel_tuner_cache(const RunPlan& plan, const RunBackend& backend,
                                  const std::vector<T4Record>& records) {
  KernelTunerCacheHeader header;
  header.device_name = backend.device_name.empty() ? "unknown" : backend.device_name;
  header.kernel_name = plan.task ? plan.task->name() : plan.config.task;
  if (plan.task && !plan.task->training_sizes().empty()) {
    header.problem_size = plan.task->training_sizes().front().dims;
  }
  for (const Parameter& p : plan.space.parameters()) {
    header.keys.push_back(p.name);
    header.values.push_back(p.values);
  }
  write_kernel_tuner_cache(plan.out_dir / kKernelTunerCacheFile, header, records);
}

}  // namespace

RunOutcome run_with_backend(RunPlan& plan, const RunBackend& backend,
                            const std::function<void(const RunProgress&)>& progress,
                            bool resuming) {
  const RunConfig& config = plan.config;
  RunOutcome outcome;
  outcome.dir = plan.out_dir;
  std::filesystem::create_directories(plan.out_dir / "best");

  Budget budget;
  budget.evaluations = config.budget_evaluations;
  budget.seconds = config.budget_seconds;
  EvolveLoop loop(*plan.strategy, backend.evaluator, budget);
  Rng rng(config.seed);
  RunRecorder recorder(plan.out_dir, plan.space, *plan.strategy, config.strategy,
                       config.checkpoint_every);
  std::vector<T4Record> t4_records;
  auto account = [&](const EvaluationRecord& r, std::string timestamp,
                     const RunRecorder::RecordTiming& timing) {
    t4_records.push_back({plan.space.bindings(r.config), r.evaluation, std::move(timestamp),
                          timing.search_s, timing.framework_s, std::nullopt});
    if (plan.seed && r.config == *plan.seed) outcome.seed_fitness = r.evaluation.fitness;
  };
  if (resuming) {
    // The journal keeps no time stamps: the T4 file gets the time of writing.
    for (const EvaluationRecord& r : recorder.restore(loop, rng)) account(r, "", {});
  }
  recorder.attach(
      loop, [&](const EvaluationRecord& r) { account(r, iso8601_now(), recorder.last_timing()); });
  if (progress) {
    loop.on_progress([&](std::size_t done, const std::optional<Scored>& b) {
      progress({done, budget.evaluations, b ? b->fitness : 0.0, backend.evaluator.elapsed_s(),
                budget.seconds});
    });
  }
  {
    const StopWatch watch(loop);
    outcome.result = loop.run(rng);
  }
  recorder.finish();  // the journal synced and the last checkpoint written, stopped or not
  // Stopped by a signal: the checkpoint is written; no summary, so that the run
  // stays one to resume rather than a finished one.
  if (stop_signal() != 0) return outcome;

  json best_json = json::object();
  if (outcome.result.best) {
    const Config& winner = outcome.result.best->config;
    std::ofstream(plan.out_dir / "best" / backend.kernel_file) << backend.source(winner);
    const Evaluation held = backend.evaluate_held_out(winner);
    outcome.held_out = judge_held_out(outcome.result.best->fitness, held, config.collapse_ratio);
    best_json = {{"id", outcome.result.best->id},
                 {"genome", bindings_json(plan.space, winner)},
                 {"canonical", plan.space.canonical(winner)},
                 {"fitness", outcome.result.best->fitness},
                 {"held_out", to_json(*outcome.held_out)}};
    // The training figures are the journal's record of that evaluation.
    for (const json& record : read_journal(plan.out_dir / "journal.jsonl")) {
      if (record.at("id") == outcome.result.best->id) {
        best_json["training"] = record.at("evaluation");
      }
    }
  }
  write_file_atomically(plan.out_dir / "best" / "best.json", best_json.dump(2) + "\n");
  write_t4(
      plan.out_dir / "t4.json", t4_records,
      {"fitness", true, "geometric mean over the training sizes of roofline time / measured time"});
  write_run_kernel_tuner_cache(plan, backend, t4_records);

  json summary = {{"evaluations", outcome.result.evaluations},
                  {"duplicates_skipped", outcome.result.duplicates},
                  {"elapsed_s", outcome.result.elapsed_s},
                  {"stop_reason", outcome.result.stop_reason},
                  {"best_fitness", outcome.result.best ? outcome.result.best->fitness : 0.0},
                  {"statuses", status_counts(t4_records)}};
  if (outcome.seed_fitness) summary["seed_fitness"] = *outcome.seed_fitness;
  if (outcome.held_out) {
    summary["held_out_verdict"] = outcome.held_out->verdict;
    summary["held_out_fitness"] = outcome.held_out->held_out_fitness;
  }
  write_file_atomically(plan.out_dir / "summary.json", summary.dump(2) + "\n");
  return outcome;
}

}  // namespace evojit
