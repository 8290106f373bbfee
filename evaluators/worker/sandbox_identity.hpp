// Who a worker is and how much it may hold, set just before its syscall filter goes
// on (evaluators/worker/sandbox.hpp):
//
// - privileges: a worker started as root switches to a user id of its own,
//   kWorkerUidBase + its pid (no such user exists; none is needed), with no
//   supplementary groups. Leaving uid 0 drops every capability, so it can no longer
//   create device nodes, set the clock, rename the host, take real-time priority or
//   raise a hard limit; and being the only process with that uid, RLIMIT_NPROC
//   counts exactly its own threads, and no other worker can signal or trace it.
//   A worker started unprivileged keeps its uid (it had no capabilities to drop).
// - scratch size: where it may mount (root), the scratch directory becomes a tmpfs
//   of scratch_limit_bytes (and 4096 files) in a mount namespace of the worker's own, so files, and
//   shared mappings of files, count against that size and vanish with the worker.
//   Everywhere, RLIMIT_FSIZE bounds each file it writes (its stderr log included).
// - threads: RLIMIT_NPROC = max_threads when it runs under its own uid.
#pragma once

#include <cstddef>
#include <string>

namespace evojit {

inline constexpr unsigned kWorkerUidBase = 2'000'000'000u;

struct IdentityOptions {
  std::string scratch_dir;
  std::size_t scratch_limit_bytes = 0;  // 0 = no limit
  unsigned max_threads = 0;             // 0 = no limit
  bool drop_privileges = true;
};

struct IdentityReport {
  bool privileges_dropped = false;  // switched from root to a uid of its own
  unsigned uid = 0;                 // the uid it runs under afterwards
  bool scratch_tmpfs = false;       // the scratch directory is a size-limited tmpfs
  bool threads_limited = false;     // RLIMIT_NPROC bounds its threads
};

// Applies the above to the calling (single-threaded) process; never throws. What
// failed is appended to `detail`.
IdentityReport confine_identity(const IdentityOptions& options, std::string& detail);

// Closes every descriptor numbered `first` or above (close_range, or one by one
// where the kernel lacks it). Async-signal-safe.
void close_descriptors_from(int first) noexcept;

}  // namespace evojit
