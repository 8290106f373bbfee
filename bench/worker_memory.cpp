// Resident memory of a CPU worker over a 300-evaluation run (300 distinct kernels
// through the candidate path a run takes: CandidatePipeline over CpuBackend, compile,
// check and a short timing each), side by side:
//   unbounded: every JITDylib kept, the worker never recycled (the old behaviour)
//   bounded:   the defaults (JIT keeps 64 kernels; recycled after 100 compiles)
// The worker's VmRSS is read from /proc every 50 evaluations; growth per compile is
// measured over the second half of the run (steady state: the bounded worker has
// filled its JIT cache and been recycled by then), with the peak RSS. Each mode runs `repetitions`
// times (argv[1], default 1); medians are printed.
//
//   bench_worker_memory [repetitions] [evaluations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/cpu/cpu_backend.hpp"
#include "evaluators/pipeline.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "kernels/task_registry.hpp"

namespace {

using evojit::WorkerOptions;
using evojit::WorkerPool;

// The task's seed, rendered as a new kernel every time (a comment differs), so every
// evaluation compiles: the JIT's bound and the recycling are what is measured.
class DistinctVariants final : public evojit::Task {
 public:
  explicit DistinctVariants(const evojit::Task& base) : base_(base) {}
  std::string name() const override { return base_.name(); }
  std::string summary() const override { return base_.summary(); }
  const evojit::ParameterSpace& space() const override { return base_.space(); }
  evojit::Config seed() const override { return base_.seed(); }
  std::string render(const std::map<std::string, evojit::Value>& bindings) const override {
    return base_.render(bindings) + "\n// variant " + std::to_string(++variant_);
  }
  std::vector<evojit::ProblemSize> training_sizes() const override {
    return {base_.training_sizes()[0]};
  }
  std::vector<evojit::ProblemSize> held_out_sizes() const override { return {}; }
  evojit::Workload workload(const evojit::ProblemSize& size) const override {
    return base_.workload(size);
  }
  std::unique_ptr<evojit::ProblemInstance> instantiate(
      const evojit::ProblemSize& size) const override {
    return base_.instantiate(size);
  }

 private:
  const evojit::Task& base_;
  mutable int variant_ = 0;
};

long rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      status >> kib;
      return kib;
    }
  }
  return -1;
}

struct Trace {
  std::vector<long> rss;  // after 0, 50, 100, ... evaluations
  std::size_t generations = 0;
};

Trace run(const evojit::Task& base, int evaluations, bool bounded) {
  WorkerOptions options;
  if (!bounded) {
    options.max_jit_kernels = 1'000'000;
    options.recycle_after_compiles = 0;
  }
  WorkerPool pool(1, options);
  const DistinctVariants task(base);
  evojit::WorkerBackendOptions backend_options = evojit::default_cpu_backend_options();
  backend_options.measure.warmup = 0;
  backend_options.measure.min_repetitions = 1;
  backend_options.measure.max_repetitions = 3;
  backend_options.measure.max_seconds = 0.001;
  evojit::CpuBackend backend(task, pool, backend_options);
  evojit::CandidatePipeline pipeline(backend, task.space(), task.training_sizes(),
                                     evojit::Fitness(evojit::RooflineFitness(1e12, 1e11)));
  auto worker_pid = [&] {
    WorkerPool::Lease lease = pool.acquire();
    return lease.worker().pid();
  };
  Trace trace;
  for (int i = 1; i <= evaluations; ++i) {
    const evojit::Evaluation e = pipeline.evaluate(task.seed());
    if (e.status != evojit::EvalStatus::ok) {
      std::fprintf(stderr, "evaluation %d failed: %s\n", i, e.diagnostic.c_str());
      std::exit(1);
    }
    // The first point is the worker after its first evaluation (it starts lazily).
    if (i == 1) trace.rss.push_back(rss_kib(worker_pid()));
    if (i % 50 == 0) trace.rss.push_back(rss_kib(worker_pid()));
  }
  WorkerPool::Lease lease = pool.acquire();
  trace.generations = lease.worker().generation();
  return trace;
}

long median(std::vector<long> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
  const int evaluations = argc > 2 ? std::max(50, std::atoi(argv[2])) : 300;
  evojit::TaskRegistry tasks;
  evojit::register_builtin_tasks(tasks);
  const evojit::Task& task = tasks.get("triad");
  std::printf("worker RSS over %d evaluations of distinct triad kernels, %d repetition(s)\n",
              evaluations, repetitions);
  long growth[2] = {0, 0};
  long final_rss[2] = {0, 0};
  for (int mode = 0; mode < 2; ++mode) {
    const bool bounded = mode == 1;
    std::vector<Trace> traces;
    for (int r = 0; r < repetitions; ++r) traces.push_back(run(task, evaluations, bounded));
    std::printf("%-10s", bounded ? "bounded" : "unbounded");
    for (std::size_t k = 0; k < traces[0].rss.size(); ++k) {
      std::vector<long> at;
      for (const Trace& t : traces) at.push_back(t.rss[k]);
      std::printf("  %3zu: %7ld KiB", k * 50, median(at));
    }
    std::vector<long> per_compile, last;
    for (const Trace& t : traces) {
      const std::size_t half = t.rss.size() / 2;
      const long compiles = static_cast<long>((t.rss.size() - 1 - half) * 50);
      per_compile.push_back((t.rss.back() - t.rss[half]) / std::max(1L, compiles));
      last.push_back(*std::max_element(t.rss.begin(), t.rss.end()));
    }
    growth[mode] = median(per_compile);
    final_rss[mode] = median(last);
    std::printf("  | peak %ld KiB, %+ld KiB/compile in the second half, %zu worker process(es)\n",
                final_rss[mode], growth[mode], traces[0].generations);
  }
  std::printf("peak RSS bounded/unbounded: %.2f; growth per compile: %ld -> %ld KiB\n",
              static_cast<double>(final_rss[1]) / static_cast<double>(final_rss[0]), growth[0],
              growth[1]);
  return 0;
}
