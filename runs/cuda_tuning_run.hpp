// A tuning run on a CUDA device, end to end: the GPU's measured roofline, the run
// directory, the evolve loop over a CudaEvaluator with its journal, the best kernel
// written out, and the held-out verdict. The directory has the CPU run's layout
// (runs/tuning_run.hpp, written by runs/run_backend.hpp) with best/kernel.cu in place
// of best/kernel.cpp; `evojit resume` does not continue it yet (it refuses).
//
// CUDA tasks come from register_cuda_tasks() (triad, heat2d, sgemm) or from a T1
// tuning input plus a kernel source file (cuda_task_from_t1).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "backends/cuda/gpu_profile.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"
#include "backends/cuda/tasks/t1_cuda_task.hpp"  // cuda_task_from_t1, for its callers
#include "runs/tuning_run.hpp"

namespace evojit {

struct CudaRunOptions {
  int device = 0;
  bool flush_l2 = false;
};

RunOutcome execute_cuda_run(RunPlan& plan, const GpuProfile& gpu, const CudaRunOptions& options,
                            const std::function<void(const RunProgress&)>& progress = {});

}  // namespace evojit
