// The former CUDA Evaluator, now a shim over the one candidate path: a CudaBackend on
// the caller's pool and a CandidatePipeline scoring with the caller's fitness. Kept
// for callers not yet ported to the pipeline (runs/cuda_tuning_run.cpp, the CUDA
// tests and benchmarks); to be deleted with them.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/cuda/cuda_backend.hpp"
#include "evaluators/evaluator.hpp"
#include "evaluators/fitness.hpp"
#include "evaluators/pipeline.hpp"

namespace evojit {

struct CudaEvaluatorOptions {
  MeasureOptions measure;
  bool flush_l2 = false;  // flush the L2 before every timed repetition
  bool force_ptx = false;
  std::chrono::milliseconds compile_timeout{120'000};
  std::chrono::milliseconds run_timeout{60'000};
};

class CudaEvaluator final : public Evaluator {
 public:
  CudaEvaluator(const CudaTask& task, ParameterSpace space, std::vector<ProblemSize> sizes,
                WorkerPool& pool, const FitnessFunction& fitness,
                CudaEvaluatorOptions options = {});

  const ParameterSpace& space() const override { return pipeline_->space(); }
  Evaluation evaluate(const Config& config) override { return pipeline_->evaluate(config); }
  Evaluation evaluate_on(const Config& config, std::span<const ProblemSize> sizes) {
    return pipeline_->evaluate_on(config, sizes);
  }
  // A rendered source, evaluated as it is (tests, benchmarks, `evojit run` of a file).
  Evaluation evaluate_source(const std::string& source,
                             const std::map<std::string, Value>& bindings,
                             const std::vector<ProblemSize>& sizes);
  std::size_t concurrency() const override { return pipeline_->concurrency(); }
  double elapsed_s() const override { return pipeline_->elapsed_s(); }

  std::string source(const Config& config) const { return pipeline_->render(config).source; }
  const std::vector<ProblemSize>& sizes() const { return pipeline_->sizes(); }

 private:
  std::unique_ptr<CudaBackend> backend_;
  std::unique_ptr<CandidatePipeline> pipeline_;
};

}  // namespace evojit
