#include "runs/tuning_run.hpp"

#include "evaluators/cpu_evaluator.hpp"
#include "evaluators/profile_checks.hpp"
#include "evaluators/worker_pool.hpp"
#include "runs/run_backend.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"

namespace evojit {
using nlohmann::json;

json evojit_versions() {
  return {{"evojit", EVOJIT_VERSION},
          {"llvm", EVOJIT_LLVM_VERSION},
          {"compiler", __VERSION__},
          {"cxx_standard", __cplusplus}};
}

MachineProfile ensure_machine_profile(const std::filesystem::path& path, bool* measured,
                                      std::vector<std::string>* notes) {
  const std::filesystem::path where = path.empty() ? default_profile_path() : path;
  if (measured) *measured = false;
  if (auto loaded = load_machine_profile(where)) {
    const std::vector<std::string> missing = missing_levels(*loaded, read_cache_topology());
    if (missing.empty()) return *loaded;
    std::string reasons;
    for (const std::string& m : missing) reasons += "\n  " + m;
    if (!path.empty()) {
      throw_input_error("machine profile is incomplete:" + reasons, where.string(),
                        "measure it again with `evojit roofline --force --profile " +
                            where.string() + "`, or add the missing levels to the file");
    }
    if (notes)
      notes->push_back("machine profile " + where.string() +
                       " is incomplete, measuring again:" + reasons);
  }
  WorkerPool pool(1);
  MachineProfile profile = measure_machine_profile(pool);
  save_machine_profile(profile, where);
  if (measured) *measured = true;
  return profile;
}

namespace {

// The run itself, fresh (run.json just written) or resumed (checkpoint and journal
// restored first), on the CPU backend.
RunOutcome run_in_directory(RunPlan& plan, const MachineProfile& profile,
                            const std::function<void(const RunProgress&)>& progress,
                            bool resuming) {
  WorkerPool pool(plan.config.workers);
  RooflineFitness fitness(profile);
  CpuEvaluatorOptions options;
  options.measure = plan.config.measure;
  CpuEvaluator evaluator(*plan.task, plan.space, plan.task->training_sizes(), pool, fitness,
                         options);
  const RunBackend backend{
      evaluator, "kernel.cpp", [&](const Config& c) { return evaluator.source(c); },
      [&](const Config& c) { return evaluator.evaluate_on(c, plan.task->held_out_sizes()); },
      profile.cpu_model};
  return run_with_backend(plan, backend, progress, resuming);
}

}  // namespace

RunOutcome execute_run(RunPlan& plan, const MachineProfile& profile,
                       const std::function<void(const RunProgress&)>& progress) {
  // run.json first: from then on the directory is a run that `evojit resume` knows.
  write_file_atomically(plan.out_dir / "run.json", run_json(plan, profile).dump(2) + "\n");
  return run_in_directory(plan, profile, progress, false);
}

RunOutcome resume_run(RunPlan& plan, const MachineProfile& profile,
                      const std::function<void(const RunProgress&)>& progress) {
  return run_in_directory(plan, profile, progress, true);
}

}  // namespace evojit
