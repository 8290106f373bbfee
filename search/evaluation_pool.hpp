// A fixed set of threads that run Evaluator::evaluate_at for the evolve loop, so
// that several candidates are in flight at once (compiles overlap; a backend
// serializes its own measurements per device). Results come back in completion
// order. Threads, not TBB tasks: an evaluation mostly blocks on a worker process,
// and TBB sizes its pool to the cores, so blocking tasks would cap the overlap at
// the core count (1 worker thread on a 2-core machine) whatever the backend allows.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "evaluators/evaluator.hpp"

namespace evojit {

class EvaluationPool {
 public:
  struct Job {
    Config config;
    std::size_t fidelity = 0;
    std::uint64_t id = 0;
  };
  struct Done {
    Job job;
    Evaluation evaluation;
  };

  EvaluationPool(Evaluator& evaluator, std::size_t threads);
  // Waits for the evaluations in flight, then joins the threads.
  ~EvaluationPool();
  EvaluationPool(const EvaluationPool&) = delete;
  EvaluationPool& operator=(const EvaluationPool&) = delete;

  void submit(Job job);
  // The next finished evaluation; blocks until there is one. Rethrows what an
  // evaluator threw (a bug: failing candidates are statuses, not exceptions).
  Done next();

 private:
  void work();

  Evaluator& evaluator_;
  std::size_t width_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable job_ready_;
  std::condition_variable done_ready_;
  std::deque<Job> jobs_;
  std::deque<Done> done_;
  std::exception_ptr error_;
  bool stopping_ = false;
};

}  // namespace evojit
