#include "backends/cuda/cuda_evaluator.hpp"

namespace evojit {
namespace {

// The caller's fitness object, borrowed for the pipeline's Fitness.
struct BorrowedFitness {
  const FitnessFunction* f;
  std::string name() const { return f->name(); }
  double score(Evaluation& e, const std::vector<Workload>& w) const { return f->score(e, w); }
};

}  // namespace

CudaEvaluator::CudaEvaluator(const CudaTask& task, ParameterSpace space,
                             std::vector<ProblemSize> sizes, WorkerPool& pool,
                             const FitnessFunction& fitness, CudaEvaluatorOptions options) {
  WorkerBackendOptions backend_options = default_cuda_backend_options();
  backend_options.measure = options.measure;
  backend_options.compile_timeout = options.compile_timeout;
  backend_options.run_timeout = options.run_timeout;
  CudaSettings settings;
  settings.flush_l2 = options.flush_l2;
  settings.force_ptx = options.force_ptx;
  backend_ = std::make_unique<CudaBackend>(task, pool, settings, backend_options);
  pipeline_ = std::make_unique<CandidatePipeline>(*backend_, std::move(space), std::move(sizes),
                                                  Fitness(BorrowedFitness{&fitness}));
}

Evaluation CudaEvaluator::evaluate_source(const std::string& source,
                                          const std::map<std::string, Value>& bindings,
                                          const std::vector<ProblemSize>& sizes) {
  // The pipeline's compile, measure and score stages, on an artifact it did not render.
  const auto started = std::chrono::steady_clock::now();
  Evaluation e;
  const Compiled compiled = backend_->compile(Artifact{{}, bindings, source});
  e.compile = compiled.stats;
  e.resources = compiled.resources;
  e.status = compiled.status;
  e.diagnostic = compiled.diagnostic;
  e.source_diagnostics = compiled.source_diagnostics;
  e.signal = compiled.signal;
  if (e.status == EvalStatus::ok) {
    Measured m = backend_->run(compiled, sizes);
    e.status = m.status;
    e.diagnostic = std::move(m.diagnostic);
    e.signal = m.signal;
    e.sizes = std::move(m.sizes);
    if (e.status == EvalStatus::ok) {
      std::vector<Workload> workloads;
      for (const SizeResult& r : e.sizes) {
        workloads.push_back(backend_->task().workload(ProblemSize{r.label, r.dims}));
      }
      pipeline_->fitness().score(e, workloads);
    }
  }
  if (e.status != EvalStatus::ok) e.fitness = 0.0;
  e.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return e;
}

}  // namespace evojit
