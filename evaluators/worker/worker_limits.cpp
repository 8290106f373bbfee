#include "evaluators/worker/worker_limits.hpp"

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <initializer_list>

#include <sys/resource.h>
#include <unistd.h>

namespace evojit {
namespace {

std::atomic<bool> allocation_failed{false};
rlimit original_cpu_limit{RLIM_INFINITY, RLIM_INFINITY};
bool cpu_limit_known = false;

void on_fatal_signal(int sig) {
  if (allocation_failed.load(std::memory_order_relaxed)) ::_exit(kWorkerExitOutOfMemory);
  // Die of the signal itself, as without the handler: the driver reads it.
  std::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void note_allocation_failure() noexcept {
  allocation_failed.store(true, std::memory_order_relaxed);
}

void install_out_of_memory_classifier() {
  // The handler must run even when the fault is a stack overflow.
  static char alternate_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alternate_stack;
  ss.ss_size = sizeof(alternate_stack);
  ::sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = on_fatal_signal;
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT}) ::sigaction(sig, &sa, nullptr);
}

void begin_request(double cpu_seconds) {
  allocation_failed.store(false, std::memory_order_relaxed);
  if (!cpu_limit_known) {
    ::getrlimit(RLIMIT_CPU, &original_cpu_limit);
    cpu_limit_known = true;
  }
  if (cpu_seconds <= 0) return;
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const double used = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                      1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  rlimit limit = original_cpu_limit;
  const auto soft = static_cast<rlim_t>(std::ceil(used + cpu_seconds));
  if (limit.rlim_max == RLIM_INFINITY || soft < limit.rlim_max) limit.rlim_cur = soft;
  ::setrlimit(RLIMIT_CPU, &limit);
}

void end_request() {
  if (cpu_limit_known) ::setrlimit(RLIMIT_CPU, &original_cpu_limit);
}

}  // namespace evojit
