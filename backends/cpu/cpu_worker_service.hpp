// The worker side of the driver/worker protocol. A worker is a long-lived process
// (evojit-worker) that compiles candidates with its one CpuJit and runs them on the
// task's inputs; the driver never runs candidate code. It speaks the worker protocol
// (evaluators/worker/protocol.hpp) through the shared request loop
// (evaluators/worker/worker_service.hpp): compile, run (on the task the request
// names), roofline (the cache sizes come with the request) and ping (its reply
// reports the sandbox). Each request's "cpu_seconds" budget is enforced
// (evaluators/worker/worker_limits.hpp); replies are signed when the driver passed a
// key (evaluators/worker/worker_reply_auth.hpp).
//
// Before the first request the worker warms up (creates its JIT, compiles a kernel,
// starts TBB's scheduler: everything that reads files) and then enters its sandbox
// (evaluators/worker/sandbox.hpp) inside its scratch directory, so no candidate, at compile
// time (#include "/etc/passwd") or at run time, can open files outside it or reach
// the network. The ping reply reports what the kernel allowed.
#pragma once

#include <cstddef>
#include <string>

namespace evojit {

struct WorkerSetup {
  std::string scratch_dir;  // the worker's working directory; empty = stay put
  bool sandbox = true;
  bool landlock = true;  // false: the seccomp-only fallback (tests)
  // The driver's pid: the worker exits when it is orphaned. 0 = do not watch.
  long driver_pid = 0;
  std::size_t scratch_limit_bytes = 0;  // evaluators/worker/sandbox_identity.hpp; 0 = none
  unsigned max_threads = 0;             // RLIMIT_NPROC once it runs as its own uid
  std::size_t max_kernels = 64;         // kernels its JIT keeps linked
};

class TaskRegistry;

// Serves requests until the input closes, running kernels of the tasks in `tasks`
// (the built-in ones in evojit-worker; the test worker adds its own). Returns the
// process exit code.
int serve_worker(int in_fd, int out_fd, const WorkerSetup& setup, const TaskRegistry& tasks);

}  // namespace evojit
