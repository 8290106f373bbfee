#include "runs/tuning_run.hpp"

#include "backends/cpu/cpu_evaluator.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "runs/run_backend.hpp"
#include "runs/run_identity.hpp"
#include "runs/run_lock.hpp"
#include "runs/worker_check.hpp"
#include "support/error.hpp"

namespace evojit {
using nlohmann::json;

json evojit_versions() {
  return {{"evojit", EVOJIT_VERSION},
          {"llvm", EVOJIT_LLVM_VERSION},
          {"compiler", __VERSION__},
          {"cxx_standard", __cplusplus}};
}

namespace {

// The run itself, fresh (run.json just written) or resumed (checkpoint and journal
// restored first), on the CPU backend.
RunOutcome run_in_directory(RunPlan& plan, const MachineProfile& profile,
                            const std::function<void(const RunProgress&)>& progress, bool resuming,
                            WorkerPool& pool) {
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
  WorkerPool pool(plan.config.workers);
  require_startable_worker(pool);  // before anything is written
  const RunLock lock = lock_run_directory(plan.out_dir, /*create=*/true);
  // run.json first: from then on the directory is a run that `evojit resume` knows.
  write_run_json(plan.out_dir, run_json(plan, profile));
  return run_in_directory(plan, profile, progress, false, pool);
}

RunOutcome resume_run(RunPlan& plan, const MachineProfile& profile,
                      const std::function<void(const RunProgress&)>& progress,
                      const std::function<void()>& before_first_write) {
  WorkerPool pool(plan.config.workers);
  require_startable_worker(pool);
  if (before_first_write) before_first_write();
  return run_in_directory(plan, profile, progress, true, pool);
}

}  // namespace evojit
