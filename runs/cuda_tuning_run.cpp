#include "runs/cuda_tuning_run.hpp"

#include "backends/cuda/cuda_evaluator.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "runs/run_backend.hpp"
#include "runs/run_identity.hpp"
#include "runs/run_lock.hpp"
#include "runs/worker_check.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"

namespace evojit {
using nlohmann::json;

RunOutcome execute_cuda_run(RunPlan& plan, const GpuProfile& gpu, const CudaRunOptions& options,
                            const std::function<void(const RunProgress&)>& progress) {
  const auto* task = dynamic_cast<const CudaTask*>(plan.task);
  if (!task) throw_input_error("task '" + plan.config.task + "' has no CUDA kernel", "--device");

  json run = run_json(plan, gpu.profile);
  run["versions"]["cuda_device"] = gpu.device;
  run["device"] = "cuda:" + std::to_string(options.device);
  run["flush_l2"] = options.flush_l2;
  WorkerPool pool(plan.config.workers, cuda_worker_options(options.device));
  require_startable_worker(pool);  // before anything is written
  const RunLock lock = lock_run_directory(plan.out_dir, /*create=*/true);
  write_run_json(plan.out_dir, run);

  RooflineFitness fitness(gpu.profile);
  CudaEvaluatorOptions evaluator_options;
  evaluator_options.measure = plan.config.measure;
  evaluator_options.flush_l2 = options.flush_l2;
  CudaEvaluator evaluator(*task, plan.space, task->training_sizes(), pool, fitness,
                          evaluator_options);
  const RunBackend backend{
      evaluator, "kernel.cu", [&](const Config& c) { return evaluator.source(c); },
      [&](const Config& c) { return evaluator.evaluate_on(c, task->held_out_sizes()); }};
  return run_with_backend(plan, backend, progress, /*resuming=*/false);
}

}  // namespace evojit
