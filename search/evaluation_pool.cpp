#include "search/evaluation_pool.hpp"

#include <algorithm>
#include <utility>

namespace evojit {

EvaluationPool::EvaluationPool(Evaluator& evaluator, std::size_t threads)
    : evaluator_(evaluator), width_(std::max<std::size_t>(1, threads)) {}

EvaluationPool::~EvaluationPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  job_ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void EvaluationPool::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  // Threads are started as the work needs them, never more than the width.
  if (threads_.size() < width_) threads_.emplace_back([this] { work(); });
  job_ready_.notify_one();
}

EvaluationPool::Done EvaluationPool::next() {
  std::unique_lock lock(mutex_);
  done_ready_.wait(lock, [&] { return !done_.empty() || error_; });
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  Done d = std::move(done_.front());
  done_.pop_front();
  return d;
}

void EvaluationPool::work() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      job_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      Evaluation e = evaluator_.evaluate_at(job.config, job.fidelity);
      std::lock_guard lock(mutex_);
      done_.push_back({std::move(job), std::move(e)});
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    done_ready_.notify_one();
  }
}

}  // namespace evojit
