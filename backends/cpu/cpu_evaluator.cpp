#include "backends/cpu/cpu_evaluator.hpp"

namespace evojit {
namespace {

// The caller's fitness object, borrowed for the pipeline's Fitness.
struct BorrowedFitness {
  const FitnessFunction* f;
  std::string name() const { return f->name(); }
  double score(Evaluation& e, const std::vector<Workload>& w) const { return f->score(e, w); }
};

}  // namespace

CpuEvaluator::CpuEvaluator(const Task& task, ParameterSpace space, std::vector<ProblemSize> sizes,
                           WorkerPool& pool, const FitnessFunction& fitness,
                           CpuEvaluatorOptions options) {
  WorkerBackendOptions backend_options = default_cpu_backend_options();
  backend_options.measure = options.measure;
  backend_options.compile_timeout = options.compile_timeout;
  backend_options.run_timeout = options.run_timeout;
  backend_ = std::make_unique<CpuBackend>(task, pool, backend_options);
  pipeline_ = std::make_unique<CandidatePipeline>(*backend_, std::move(space), std::move(sizes),
                                                  Fitness(BorrowedFitness{&fitness}));
}

}  // namespace evojit
