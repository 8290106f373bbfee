// Candidates per second through the parallel evaluation pipeline on heat2d: the same
// random-search run with 1 worker and with one worker per core, side by side.
// Compiles overlap across workers; measurements stay serialized on the device lock.
//
//   bench_pipeline_throughput [--candidates 40] [--workers N] [--reps 3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "backends/cpu/cpu_evaluator.hpp"
#include "kernels/task_registry.hpp"
#include "backends/cpu/cpu_machine_profile.hpp"
#include "search/evolve.hpp"
#include "search/strategy.hpp"

namespace {

double candidates_per_second(const evojit::Task& task, const evojit::FitnessFunction& fitness,
                             const evojit::StrategyRegistry& strategies, std::size_t workers,
                             std::size_t candidates, std::uint64_t seed) {
  evojit::WorkerPool pool(workers);
  evojit::CpuEvaluatorOptions options;
  options.measure.max_seconds = 0.05;
  evojit::CpuEvaluator evaluator(task, task.space(), task.training_sizes(), pool, fitness,
                                 options);
  evojit::StrategyContext context;
  context.space = &evaluator.space();
  auto strategy = strategies.create("random", context);
  evojit::Budget budget;
  budget.evaluations = candidates;
  evojit::EvolveLoop loop(*strategy, evaluator, budget);
  evojit::Rng rng(seed);
  const auto start = std::chrono::steady_clock::now();
  const evojit::EvolveResult result = loop.run(rng);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(result.evaluations) / s;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t candidates = 40;
  std::size_t workers = std::max(1u, std::thread::hardware_concurrency());
  int reps = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--candidates")) candidates = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--workers")) workers = std::stoul(argv[i + 1]);
    if (!std::strcmp(argv[i], "--reps")) reps = std::stoi(argv[i + 1]);
  }
  evojit::TaskRegistry tasks;
  evojit::register_builtin_tasks(tasks);
  evojit::StrategyRegistry strategies;
  evojit::register_builtin_strategies(strategies);
  const evojit::Task& task = tasks.get("heat2d");
  const evojit::RooflineFitness fitness(evojit::ensure_machine_profile({}));

  std::printf("heat2d, random search, %zu candidates per run, %d repetitions (median)\n",
              candidates, reps);
  std::vector<double> one, all;
  for (int r = 0; r < reps; ++r) {  // interleaved so drift hits both alike
    one.push_back(candidates_per_second(task, fitness, strategies, 1, candidates, 100 + r));
    all.push_back(candidates_per_second(task, fitness, strategies, workers, candidates, 100 + r));
  }
  std::sort(one.begin(), one.end());
  std::sort(all.begin(), all.end());
  const double m1 = one[one.size() / 2];
  const double mn = all[all.size() / 2];
  std::printf("  1 worker     %8.2f candidates/s\n", m1);
  std::printf("  %zu workers    %8.2f candidates/s   (%.2fx)\n", workers, mn, mn / m1);
  return 0;
}
