#include "evaluators/worker/worker_pool.hpp"

#include <csignal>

namespace evojit {

WorkerPool::WorkerPool(std::size_t workers, WorkerOptions options) {
  // Writing a request to a worker that just died must be an error we classify
  // (EPIPE, then the worker is reaped), not a SIGPIPE that kills the driver.
  std::signal(SIGPIPE, SIG_IGN);
  if (workers == 0) workers = 1;
  if (options.memory_limit_bytes == kShareOfMemory) {
    options.memory_limit_bytes = worker_memory_share(workers);
  }
  for (std::size_t i = 0; i < workers; ++i) {
    workers_.push_back(std::make_unique<WorkerProcess>(options));
  }
  busy_.assign(workers, false);
}

WorkerPool::Lease WorkerPool::acquire() {
  std::unique_lock lock(mutex_);
  while (true) {
    for (std::size_t i = 0; i < busy_.size(); ++i) {
      if (!busy_[i]) {
        busy_[i] = true;
        return Lease(*this, i);
      }
    }
    available_.wait(lock);
  }
}

WorkerPool::Lease::~Lease() {
  if (!pool_) return;
  {
    std::lock_guard lock(pool_->mutex_);
    pool_->busy_[slot_] = false;
  }
  pool_->available_.notify_one();
}

}  // namespace evojit
