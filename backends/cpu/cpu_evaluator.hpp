// The CPU backend as an Evaluator: render the task's kernel with the configuration's
// parameters, compile it in a worker (compiles of several candidates overlap), then
// check and time it on each size while holding the pool's device lock (one
// measurement at a time), and score it with a FitnessFunction.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "evaluators/evaluator.hpp"
#include "evaluators/fitness.hpp"
#include "evaluators/measurement.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "kernels/task.hpp"

namespace evojit {

struct CpuEvaluatorOptions {
  MeasureOptions measure;
  std::chrono::milliseconds compile_timeout{60'000};
  // The run phase gets this plus a share per size of the measurement cap.
  std::chrono::milliseconds run_timeout{30'000};
};

class CpuEvaluator final : public Evaluator {
 public:
  CpuEvaluator(const Task& task, ParameterSpace space, std::vector<ProblemSize> sizes,
               WorkerPool& pool, const FitnessFunction& fitness, CpuEvaluatorOptions options = {});

  const ParameterSpace& space() const override { return space_; }
  Evaluation evaluate(const Config& config) override { return evaluate_on(config, sizes_); }
  // The same evaluation on other sizes (the held-out check). An evaluation lost to a
  // worker killed from outside is tried once more (evaluators/worker/worker_failure.hpp).
  Evaluation evaluate_on(const Config& config, const std::vector<ProblemSize>& sizes);
  std::size_t concurrency() const override { return pool_.size(); }
  double elapsed_s() const override;

  std::string source(const Config& config) const;
  const std::vector<ProblemSize>& sizes() const { return sizes_; }

 private:
  Evaluation evaluate_once(const Config& config, const std::vector<ProblemSize>& sizes);

  const Task& task_;
  ParameterSpace space_;
  std::vector<ProblemSize> sizes_;
  WorkerPool& pool_;
  const FitnessFunction& fitness_;
  CpuEvaluatorOptions options_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace evojit
