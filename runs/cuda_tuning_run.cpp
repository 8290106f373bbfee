#include "runs/cuda_tuning_run.hpp"

#include <fstream>
#include <sstream>

#include "backends/cuda/cuda_evaluator.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "backends/cuda/tasks/t1_cuda_task.hpp"
#include "runs/run_backend.hpp"
#include "runs/run_identity.hpp"
#include "runs/run_lock.hpp"
#include "interop/t1_input.hpp"
#include "runs/worker_check.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/files.hpp"

namespace evojit {
using nlohmann::json;

GpuProfile ensure_gpu_profile(const std::filesystem::path& path, int device, bool* measured) {
  const std::filesystem::path where = path.empty() ? default_gpu_profile_path(device) : path;
  if (measured) *measured = false;
  if (auto loaded = load_gpu_profile(where)) return *loaded;
  GpuProfile g = measure_gpu_profile(device);
  save_gpu_profile(g, where);
  if (measured) *measured = true;
  return g;
}

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

std::unique_ptr<CudaTask> cuda_task_from_t1(const std::filesystem::path& t1_file,
                                            const std::filesystem::path& kernel_source) {
  const T1Input t1 = read_t1_input(t1_file);
  std::stringstream text;
  text << read_bounded_file(kernel_source, kSourceFileCap, "kernel source (.cu)");
  T1CudaTaskSpec spec;
  spec.name = t1.name;
  spec.kind = cuda_problem_kind_for(t1.name + " " + t1.kernel.kernel_name);
  if (spec.kind.empty()) {
    throw_input_error("no problem model for benchmark '" + t1.name + "'", t1_file.string(),
                      "CUDA T1 runs know convolution and dedispersion");
  }
  if (!t1.kernel.language.empty() && t1.kernel.language != "CUDA") {
    throw_input_error("KernelSpecification.Language is " + t1.kernel.language + ", not CUDA",
                      t1_file.string() + "#/KernelSpecification/Language");
  }
  spec.space = t1.space;
  spec.source = text.str();
  spec.kernel_name = t1.kernel.kernel_name;
  // Kernel Tuner passes C++11 for these; our kernels are C++17-clean as well.
  spec.compile_options = {};
  const json& local = t1.kernel.local_size;
  for (const char* axis : {"X", "Y", "Z"}) {
    if (local.is_object() && local.contains(axis)) {
      const json& v = local.at(axis);
      spec.block.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    } else {
      spec.block.push_back("1");
    }
  }
  const json& whole = t1.kernel.json;
  for (const char* key : {"GridDivX", "GridDivY", "GridDivZ"}) {
    std::vector<std::string> divs;
    if (whole.contains(key) && whole.at(key).is_array()) {
      for (const json& d : whole.at(key))
        divs.push_back(d.is_string() ? d.get<std::string>() : d.dump());
    }
    spec.grid_div.push_back(divs);
  }
  return make_t1_cuda_task(std::move(spec));
}

}  // namespace evojit
