#include "runs/run_outputs.hpp"

#include <exception>
#include <fstream>
#include <thread>

#include "interop/kernel_tuner_cache_output.hpp"
#include "runs/journal.hpp"
#include "runs/journal_record.hpp"
#include "support/atomic_file.hpp"

namespace evojit {
namespace {

using nlohmann::json;

// What T4 says the run optimized: the time itself when the fitness is its inverse.
T4Objective t4_objective(const Fitness& fitness) {
  if (fitness.name() == "inverse-time") {
    return {"time", false,
            "the median time (the recorded mean on a replay); evojit's fitness is "
            "1 / time in ms"};
  }
  if (fitness.name() == "roofline") {
    return {"fitness", true,
            "geometric mean over the training sizes of roofline time / measured time"};
  }
  return {"fitness", true, "the fitness '" + fitness.name() + "'"};
}

void write_kernel_tuner_cache_of_run(const RunOutputs& o) {
  const Backend& backend = o.pipeline.backend();
  const Task& task = backend.task();
  KernelTunerCacheHeader header;
  const std::string device = backend.traits().device_name;
  header.device_name = device.empty() ? "unknown" : device;
  header.kernel_name = task.name();
  const std::vector<ProblemSize> sizes = task.training_sizes();
  if (!sizes.empty()) {
    const auto& dims = sizes.front().dims;
    if (dims.size() == 1) {
      header.problem_size = dims.front();
    } else {
      header.problem_size = dims;
    }
  }
  for (const Parameter& p : o.pipeline.space().parameters()) {
    header.keys.push_back(p.name);
    header.values.push_back(p.values);
  }
  write_kernel_tuner_cache(o.dir / kKernelTunerCacheFile, header, o.records);
}

// Which cache answered how many of the run's evaluations, the share answered by one,
// and the seconds they saved (runs/journal_record.hpp: every record says it).
json cache_summary(const std::vector<T4Record>& records) {
  json answered = json::object();
  std::size_t hits = 0;
  double saved_s = 0.0;
  for (const T4Record& r : records) {
    const std::string by = cache_answered(r.evaluation);
    answered[by] = answered.value(by, 0) + 1;
    if (by != "none") ++hits;
    saved_s += r.evaluation.saved_s;
  }
  return {{"answered", answered},
          {"hit_rate",
           records.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(records.size())},
          {"saved_s", saved_s}};
}

}  // namespace

void write_run_outputs(const RunOutputs& o, RunOutcome& outcome) {
  const Backend& backend = o.pipeline.backend();
  const BackendTraits traits = backend.traits();
  const ParameterSpace& space = o.pipeline.space();
  std::filesystem::create_directories(o.dir / "best");

  json best_json = json::object();
  if (outcome.result.best) {
    const Config& winner = outcome.result.best->config;
    const Artifact artifact = o.pipeline.render(winner);
    if (!traits.kernel_file.empty() && !artifact.source.empty()) {
      std::ofstream(o.dir / "best" / traits.kernel_file) << artifact.source;
    }
    best_json = {{"id", outcome.result.best->id},
                 {"genome", bindings_json(space, winner)},
                 {"canonical", space.canonical(winner)},
                 {"fitness", outcome.result.best->fitness}};
    if ((o.pipeline.fitness().name() == "inverse-time" || o.pipeline.fitness().name() == "time") &&
        outcome.result.best->fitness > 0.0) {
      best_json["time_ms"] = 1.0 / outcome.result.best->fitness;
    }
    const std::vector<ProblemSize> held_out_sizes = backend.task().held_out_sizes();
    if (!held_out_sizes.empty()) {
      const Evaluation held = o.pipeline.evaluate_on(winner, held_out_sizes);
      outcome.held_out = judge_held_out(outcome.result.best->fitness, held, o.spec.collapse_ratio);
      best_json["held_out"] = to_json(*outcome.held_out);
    }
    // The training figures are the journal's record of that evaluation.
    if (auto record = read_journal_record(o.dir / "journal.jsonl", outcome.result.best->id)) {
      best_json["training"] = record->at("evaluation");
    }
  }
  write_file_atomically(o.dir / "best" / "best.json", best_json.dump(2) + "\n");
  {
    // The two large files (50 and 35 MB for a 10^5-evaluation replay) are written
    // side by side: they read the same records and write different files.
    std::exception_ptr t4_failure;
    std::thread t4([&] {
      try {
        write_t4(o.dir / "t4.json", o.records, t4_objective(o.pipeline.fitness()));
      } catch (...) {
        t4_failure = std::current_exception();
      }
    });
    std::exception_ptr cache_failure;
    try {
      write_kernel_tuner_cache_of_run(o);
    } catch (...) {
      cache_failure = std::current_exception();
    }
    t4.join();
    if (t4_failure) std::rethrow_exception(t4_failure);
    if (cache_failure) std::rethrow_exception(cache_failure);
  }

  json summary = {{"evaluations", outcome.result.evaluations},
                  {"duplicates_skipped", outcome.result.duplicates}};
  if (traits.simulated_clock) {
    // What the recorded evaluations cost on the device they were recorded on, and
    // what this run took here.
    summary["simulated_elapsed_s"] = outcome.result.elapsed_s;
    summary["wall_s"] = o.wall_s;
  } else {
    summary["elapsed_s"] = outcome.result.elapsed_s;
  }
  summary["stop_reason"] = outcome.result.stop_reason;
  summary["best_fitness"] = outcome.result.best ? outcome.result.best->fitness : 0.0;
  summary["statuses"] = status_counts(o.records);
  summary["cache"] = cache_summary(o.records);
  if (outcome.seed_fitness) summary["seed_fitness"] = *outcome.seed_fitness;
  if (outcome.held_out) {
    summary["held_out_verdict"] = outcome.held_out->verdict;
    summary["held_out_fitness"] = outcome.held_out->held_out_fitness;
  }
  write_file_atomically(o.dir / "summary.json", summary.dump(2) + "\n");
}

}  // namespace evojit
