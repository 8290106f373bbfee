// The CUDA backend as an Evaluator. Candidates compile (NVRTC) and run in
// evojit-cuda-worker processes; compiles of several candidates overlap, measurements
// take the pool's device lock (one at a time on the GPU). A sticky CUDA error ends
// only the worker that hit it: the evaluation is a crash with the driver's message,
// the worker is replaced, and the run goes on. Every evaluation records the
// kernel's registers, shared memory, local memory (spills) and max threads per block.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "evaluators/evaluator.hpp"
#include "evaluators/fitness.hpp"
#include "evaluators/measurement.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"

namespace evojit {

struct CudaEvaluatorOptions {
  MeasureOptions measure;
  bool flush_l2 = false;  // flush the L2 before every timed repetition
  bool force_ptx = false;
  std::chrono::milliseconds compile_timeout{120'000};
  std::chrono::milliseconds run_timeout{60'000};
};

// Worker options for evojit-cuda-worker on device `device`: no memory limit (the
// driver maps large address ranges) and no CPU-JIT sandbox.
WorkerOptions cuda_worker_options(int device = 0);
// EVOJIT_CUDA_WORKER, else evojit-cuda-worker next to the running executable, else
// the build tree's.
std::string default_cuda_worker_executable();

class CudaEvaluator final : public Evaluator {
 public:
  CudaEvaluator(const CudaTask& task, ParameterSpace space, std::vector<ProblemSize> sizes,
                WorkerPool& pool, const FitnessFunction& fitness,
                CudaEvaluatorOptions options = {});

  const ParameterSpace& space() const override { return space_; }
  Evaluation evaluate(const Config& config) override { return evaluate_on(config, sizes_); }
  Evaluation evaluate_on(const Config& config, const std::vector<ProblemSize>& sizes);
  // A rendered source, evaluated as it is (tests, benchmarks, `evojit run` of a file).
  Evaluation evaluate_source(const std::string& source,
                             const std::map<std::string, Value>& bindings,
                             const std::vector<ProblemSize>& sizes);
  std::size_t concurrency() const override { return pool_.size(); }
  double elapsed_s() const override;

  std::string source(const Config& config) const;
  const std::vector<ProblemSize>& sizes() const { return sizes_; }

 private:
  const CudaTask& task_;
  ParameterSpace space_;
  std::vector<ProblemSize> sizes_;
  WorkerPool& pool_;
  const FitnessFunction& fitness_;
  CudaEvaluatorOptions options_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace evojit
