// The worker side of the driver/worker protocol. A worker is a long-lived process
// (evojit-worker) that compiles candidates with its one CpuJit and runs them on the
// task's inputs; the driver never runs candidate code. Requests and replies are JSON
// lines (evaluators/worker/line_channel.hpp):
//
//   {"op":"compile","source":S}                     ->
//   {"ok","compile","log","diagnostics","kernel"}
//   {"op":"run","task":T,"kernel":K,"sizes":[...],
//    "measure":{...}}                                -> {"status","diagnostic","sizes":[...]}
//   {"op":"roofline","max_threads":N,"stream_elements":E,
//    "caches":[...],"repetitions":K,"max_seconds":S} -> {"bandwidth":[...],"flops":[...],
//                                                        "levels":[...]}
//     (caches: evaluators/cache_topology.hpp's JSON, read by the driver)
//   {"op":"ping"}                                    -> {"ok":true,"sandbox":{...}}
//
// Replies are signed when the driver passed a key (evaluators/worker/worker_reply_auth.hpp).
// Every request may carry "cpu_seconds", the CPU-time budget for that request
// (evaluators/worker/worker_limits.hpp). Every reply carries "error" instead when the
// request itself was malformed.
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
