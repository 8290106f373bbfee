// The former CPU Evaluator, now a shim over the one candidate path: a CpuBackend on
// the caller's pool and a CandidatePipeline scoring with the caller's fitness. Kept
// for callers not yet ported to the pipeline (runs/tuning_run.cpp, benchmarks);
// to be deleted with them.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/cpu/cpu_backend.hpp"
#include "evaluators/evaluator.hpp"
#include "evaluators/fitness.hpp"
#include "evaluators/pipeline.hpp"

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

  const ParameterSpace& space() const override { return pipeline_->space(); }
  Evaluation evaluate(const Config& config) override { return pipeline_->evaluate(config); }
  Evaluation evaluate_on(const Config& config, std::span<const ProblemSize> sizes) {
    return pipeline_->evaluate_on(config, sizes);
  }
  std::size_t concurrency() const override { return pipeline_->concurrency(); }
  double elapsed_s() const override { return pipeline_->elapsed_s(); }

  std::string source(const Config& config) const { return pipeline_->render(config).source; }
  const std::vector<ProblemSize>& sizes() const { return pipeline_->sizes(); }

 private:
  std::unique_ptr<CpuBackend> backend_;
  std::unique_ptr<CandidatePipeline> pipeline_;
};

}  // namespace evojit
