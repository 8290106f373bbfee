// A 200-evaluation random search over the fault-injection task, through the real
// pipeline (EvolveLoop -> CpuEvaluator -> worker processes): the run must finish,
// every evaluation must end in the class its FAULT calls for, and the best must be a
// healthy (`none`) configuration. The counts per class are printed.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "backends/cpu/cpu_evaluator.hpp"
#include "evaluators/fitness.hpp"
#include "kernels/task_registry.hpp"
#include "search/evolve.hpp"
#include "search/random_search.hpp"
#include "support/rng.hpp"
#include "tests/kernels/fault_tasks.hpp"

namespace evojit {
namespace {

constexpr std::size_t kEvaluations = 200;

// The classes an evaluation with this FAULT may end in, and the signal for a crash.
struct Expected {
  std::set<EvalStatus> statuses;
  int signal = 0;
};

Expected expected_for(const std::string& fault) {
  if (fault == "none") return {{EvalStatus::ok}};
  if (fault == "segfault") return {{EvalStatus::crash}, SIGSEGV};
  if (fault == "abort") return {{EvalStatus::crash}, SIGABRT};
  if (fault == "loop_forever") return {{EvalStatus::timeout}};
  if (fault == "divide_by_zero") return {{EvalStatus::crash}, SIGFPE};
  if (fault == "allocate_unbounded") return {{EvalStatus::out_of_memory}};
  if (fault == "write_out_of_bounds") return {{EvalStatus::crash, EvalStatus::wrong_result}};
  if (fault == "wrong_values") return {{EvalStatus::wrong_result}};
  ADD_FAILURE() << "unknown fault " << fault;
  return {};
}

TEST(FaultInjection, TwoHundredEvaluationRunFinishesWithEveryFailureInItsClass) {
  TaskRegistry tasks;
  register_builtin_tasks(tasks);
  register_fault_tasks(tasks);  // the workers (evojit-test-worker) know them too
  const Task& task = tasks.get(kFaultInjectionTaskName);

  WorkerOptions worker_options;
  worker_options.memory_limit_bytes = std::size_t{256} << 20;  // OOM well within the timeout
  WorkerPool pool(2, worker_options);
  const RooflineFitness fitness(1e12, 1e11);
  CpuEvaluatorOptions options;
  options.measure.warmup = 1;
  options.measure.min_repetitions = 3;
  options.measure.max_repetitions = 5;
  options.measure.max_seconds = 0.01;
  // Generous: on a loaded 2-core machine, filling 256 MiB before the OOM can take over 1 s,
  // and a healthy candidate must never be classified as a timeout.
  options.run_timeout = std::chrono::milliseconds(3000);
  CpuEvaluator evaluator(task, task.space(), task.training_sizes(), pool, fitness, options);

  StrategyContext context;
  context.space = &task.space();
  RandomSearch strategy(context);
  EvolveLoop loop(strategy, evaluator, Budget{kEvaluations});

  std::mutex mutex;
  std::map<std::string, std::map<std::string, int>> counts;  // fault -> status -> n
  std::map<std::string, int> by_class;
  loop.on_evaluation([&](const EvaluationRecord& record) {
    const auto bindings = task.space().bindings(record.config);
    const std::string fault = std::get<std::string>(bindings.at("FAULT"));
    const Evaluation& e = record.evaluation;
    const Expected expected = expected_for(fault);
    EXPECT_TRUE(expected.statuses.count(e.status))
        << fault << " ended as " << to_string(e.status) << ": " << e.diagnostic;
    if (e.status == EvalStatus::crash && expected.signal) {
      EXPECT_EQ(e.signal, expected.signal) << fault << ": " << e.diagnostic;
    }
    std::lock_guard lock(mutex);
    ++counts[fault][to_string(e.status)];
    ++by_class[to_string(e.status)];
  });

  Rng rng(20240611);
  const EvolveResult result = loop.run(rng);
  EXPECT_EQ(result.evaluations, kEvaluations);
  ASSERT_TRUE(result.best.has_value());
  EXPECT_TRUE(result.best->ok);
  EXPECT_GT(result.best->fitness, 0.0);
  const auto best = task.space().bindings(result.best->config);
  EXPECT_EQ(std::get<std::string>(best.at("FAULT")), "none");

  std::printf("fault-injection run: %zu evaluations in %.1f s\n", result.evaluations,
              result.elapsed_s);
  for (const auto& [fault, statuses] : counts) {
    std::printf("  %-20s", fault.c_str());
    for (const auto& [status, n] : statuses) std::printf(" %s=%d", status.c_str(), n);
    std::printf("\n");
  }
  std::printf("  per class:");
  for (const auto& [status, n] : by_class) std::printf(" %s=%d", status.c_str(), n);
  std::printf("\n");
  // Every fault was drawn: 200 of 256 points leaves each of the 8 faults present.
  EXPECT_EQ(counts.size(), 8u);
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

TEST(FaultInjection, AnEvaluationLostToAWorkerKilledFromOutsideIsRetriedOnce) {
  TaskRegistry tasks;
  register_builtin_tasks(tasks);
  register_fault_tasks(tasks);  // the workers (evojit-test-worker) know them too
  const Task& task = tasks.get(kFaultInjectionTaskName);
  WorkerPool pool(1);
  {
    WorkerPool::Lease lease = pool.acquire();
    ASSERT_EQ(lease.worker().request({{"op", "ping"}}, std::chrono::milliseconds(60'000)).kind,
              WorkerProcess::Reply::Kind::ok);
    ::kill(lease.worker().pid(), SIGKILL);  // by someone else, between evaluations
  }
  const RooflineFitness fitness(1e12, 1e11);
  CpuEvaluatorOptions options;
  options.measure.max_seconds = 0.01;
  CpuEvaluator evaluator(task, task.space(), task.training_sizes(), pool, fitness, options);
  const Evaluation e = evaluator.evaluate(task.seed());
  EXPECT_EQ(e.status, EvalStatus::ok) << e.diagnostic;
}

}  // namespace
}  // namespace evojit
