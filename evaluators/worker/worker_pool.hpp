// Long-lived worker processes and the pool that lends them out.
//
// The driver talks to each worker over two pipes (evaluators/worker/protocol.hpp);
// every request has a deadline. A worker that dies or misses its deadline is killed
// and reaped, the failure is classified from how it ended (signal, exit code,
// timeout), and a fresh worker is spawned for the next request: a misbehaving
// candidate costs one evaluation, never the run.
//
// Limits (the defaults are what runs use):
// - memory: RLIMIT_DATA (heap, anonymous mappings, thread stacks), by default a
//   share of the machine: three quarters of the physical memory divided among the
//   pool's workers (at least 512 MiB each). Shared memory, which RLIMIT_DATA does not
//   count, is closed to candidates by the sandbox. Not RLIMIT_AS: LLVM and TBB reserve
//   address space they never touch, so an address-space limit fails the JIT long
//   before memory is short; RLIMIT_DATA bounds what can become resident without
//   cgroups (RLIMIT_RSS is ignored by Linux).
// - CPU: a budget per request (evaluators/worker/worker_limits.hpp), by default the
//   request's wall-clock timeout times the number of CPUs, so it never fires before
//   the deadline on legitimate multi-threaded work and still stops a worker whose
//   driver no longer watches it; plus a lifetime ceiling (the hard limit, set before
//   the worker starts; the worker gave up root, so no candidate can raise it), and a
//   worker that has used half of it is recycled.
// - size: a worker is recycled (stopped and replaced at its next compile request)
//   after recycle_after_compiles compiles, so its JIT session, heap fragmentation and
//   whatever a candidate left behind do not accumulate (backends/cpu/cpu_jit.hpp bounds
//   the JIT's kernels in between); threads (RLIMIT_NPROC) and scratch size are
//   limited by the sandbox (evaluators/worker/sandbox_identity.hpp).
// - replies are authenticated with a key per worker process
//   (evaluators/worker/worker_reply_auth.hpp); a reply that fails is `forged`.
// - descriptors: only the protocol's (3, 4, and the key's 5) reach the worker.
// - no core files; the worker exits when the driver process dies (it watches for
//   being orphaned; PR_SET_PDEATHSIG would follow the spawning thread instead).
// - a scratch directory per worker process (created before it starts, removed when
//   it ends) that is its working directory and the only place it may write; the
//   worker sandboxes itself (evaluators/worker/sandbox.hpp). Directories left by a driver
//   that died (kill -9) are removed when the next driver starts its first worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evojit {

// Each of `workers` workers' share of the machine's memory: three quarters of the
// physical memory divided among them, at least 512 MiB.
std::size_t worker_memory_share(std::size_t workers);
// The share of a single worker (worker_memory_share(1)).
std::size_t default_worker_memory_limit();

// memory_limit_bytes' default: worker_memory_share(the pool's size), resolved by the
// pool (a lone WorkerProcess takes a single worker's share).
inline constexpr std::size_t kShareOfMemory = ~std::size_t{0};

struct WorkerOptions {
  std::string executable;                           // empty: default_worker_executable()
  std::size_t memory_limit_bytes = kShareOfMemory;  // RLIMIT_DATA; 0 = none
  std::size_t address_space_limit_bytes = 0;        // RLIMIT_AS; 0 = unlimited
  std::size_t cpu_seconds_limit = 4 * 3600;         // RLIMIT_CPU ceiling per worker; 0 = unlimited
  double cpu_seconds_per_request = 0.0;             // 0: timeout x CPUs (see above)
  std::string scratch_root;  // where scratch directories go; empty: $TMPDIR or /tmp
  bool sandbox = true;
  bool landlock = true;                                      // false: seccomp-only fallback (tests)
  std::size_t scratch_limit_bytes = std::size_t{256} << 20;  // 0 = none
  unsigned max_threads = 0;                                  // RLIMIT_NPROC; 0: 4 per CPU + 64
  std::size_t recycle_after_compiles = 100;                  // 0 = never
  std::size_t max_jit_kernels = 64;                          // kernels its JIT keeps linked
  bool authenticate_replies = true;
};

// EVOJIT_WORKER, else evojit-worker next to the running executable, else the path
// the build tree put it at.
std::string default_worker_executable();

class WorkerProcess {
 public:
  struct Reply {
    // forged: the reply failed authentication (candidate code wrote to the reply
    // channel); the worker was killed.
    enum class Kind { ok, timeout, died, forged } kind = Kind::ok;
    nlohmann::json body;      // when ok
    int signal = 0;           // when died by a signal
    int exit_code = 0;        // when died by exiting
    std::string stderr_tail;  // the worker's last words, when it died
    // From the dead (or killed) worker's resource usage.
    std::size_t peak_rss_bytes = 0;
    double cpu_seconds = 0.0;
    std::size_t memory_limit_bytes = 0;  // the RLIMIT_DATA it ran under; 0 = none
    // Out-of-memory kills the kernel counted (/proc/vmstat) while the request was in
    // flight; -1 = unknown. A SIGKILL with none was sent by someone else.
    long oom_kills = -1;
  };

  explicit WorkerProcess(WorkerOptions options);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Sends one request and waits for its reply. On timeout or death the worker is
  // killed and reaped; the next request spawns a new one.
  Reply request(const nlohmann::json& request, std::chrono::milliseconds timeout);
  // How many worker processes this slot has started (1 + replacements + recycles).
  std::size_t generation() const { return generation_; }
  // Compile requests the live worker has served.
  std::size_t compiles() const { return compiles_; }
  // The live worker's process id and scratch directory (-1 and empty when none).
  int pid() const;
  std::string scratch_dir() const;
  // The RLIMIT_DATA its workers get (the share resolved; 0 = none).
  std::size_t memory_limit_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t generation_ = 0;
  std::size_t compiles_ = 0;
};

class WorkerPool {
 public:
  WorkerPool(std::size_t workers, WorkerOptions options = {});

  // A worker lent for one evaluation; returned to the pool on destruction.
  class Lease {
   public:
    Lease(WorkerPool& pool, std::size_t slot) : pool_(&pool), slot_(slot) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(other.slot_) {
      other.pool_ = nullptr;
    }
    Lease(const Lease&) = delete;
    ~Lease();
    WorkerProcess& worker() const { return *pool_->workers_[slot_]; }

   private:
    WorkerPool* pool_;
    std::size_t slot_;
  };

  Lease acquire();
  std::size_t size() const { return workers_.size(); }
  // Held while a kernel is timed: one measurement at a time on this device, so
  // candidates do not disturb each other's timings while compiles overlap.
  std::mutex& device_mutex() { return device_mutex_; }

 private:
  std::vector<std::unique_ptr<WorkerProcess>> workers_;
  std::vector<bool> busy_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::mutex device_mutex_;
};

}  // namespace evojit
