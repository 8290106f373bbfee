// Stopping a run cleanly from outside (SIGINT, SIGTERM). The signal handler (the
// CLI's, cli/signals.hpp) only records which signal came, which is all a handler may
// safely do; a run polls for it and asks its evolve loop to stop after the
// evaluations in flight. The loop then writes its checkpoint, and the run leaves
// summary.json unwritten: the directory stays a run that `evojit resume` continues.
#pragma once

#include <atomic>
#include <thread>

#include "search/evolve.hpp"

namespace evojit {

// Async-signal-safe: records `signal` (the first one wins).
void note_stop_signal(int signal) noexcept;
// The signal that asked the run to stop; 0 when none did.
int stop_signal() noexcept;

// While alive, turns a noted stop signal into loop.request_stop().
class StopWatch {
 public:
  explicit StopWatch(EvolveLoop& loop);
  ~StopWatch();
  StopWatch(const StopWatch&) = delete;
  StopWatch& operator=(const StopWatch&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace evojit
