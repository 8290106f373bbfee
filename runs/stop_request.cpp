#include "runs/stop_request.hpp"

#include <chrono>

namespace evojit {
namespace {

std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "stored from a signal handler");

}  // namespace

void note_stop_signal(int signal) noexcept {
  int none = 0;
  g_stop_signal.compare_exchange_strong(none, signal);
}

int stop_signal() noexcept { return g_stop_signal.load(); }

StopWatch::StopWatch(EvolveLoop& loop)
    : thread_([this, &loop] {
        // Polling, not a condition variable: a signal handler cannot notify one.
        while (!done_.load()) {
          if (stop_signal() != 0) {
            loop.request_stop();
            return;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }) {}

StopWatch::~StopWatch() {
  done_.store(true);
  thread_.join();
}

}  // namespace evojit
