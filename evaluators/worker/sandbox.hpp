// Confinement of a worker process before it compiles or runs any candidate.
//
// Filesystem: with Landlock (Linux 5.13+), the process may open files only beneath
// its scratch directory (read-write) and the read-only directories it names (the
// compiler's builtin headers); every other open, creation, rename or execve fails
// with EACCES. Network: Landlock (ABI 4+) denies TCP bind/connect, and a seccomp-BPF
// filter denies socket creation outright, plus process-escaping calls (fork, execve,
// ptrace, mount, namespaces, io_uring, bpf...). Landlock ABI 6+ also scopes signals
// and abstract UNIX sockets to the sandbox. Where Landlock is missing, the seccomp
// filter denies every open instead (the worker needs none after its warm-up).
//
// Before either, the worker gives up root and takes its limits (a uid of its own,
// a size-limited scratch, a thread limit: evaluators/worker/sandbox_identity.hpp); the
// filter is described in evaluators/worker/sandbox_filter.hpp. The CUDA worker confines
// identity and system calls but not the filesystem (confine_filesystem = false):
// its driver opens device files lazily, and its candidates are device code.
//
// Both mechanisms bind the calling thread and the threads and children it creates
// afterwards; seccomp is synchronised onto existing threads too, Landlock cannot be,
// so enter the sandbox while the process is single-threaded (the report says how
// many threads there were).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace evojit {

struct SandboxOptions {
  std::string scratch_dir;                  // read-write; empty = no writable directory
  std::vector<std::string> read_only_dirs;  // e.g. clang's resource directory
  bool use_landlock = true;                 // false: test the seccomp-only fallback
  bool confine_filesystem = true;           // false: neither Landlock nor denied opens
  bool deny_network = true;
  bool deny_processes = true;           // fork, execve (evaluators/worker/sandbox_filter.hpp)
  bool deny_shared_memory = true;       // SysV shm, memfd, shared anonymous mappings
  bool drop_privileges = true;          // as root: switch to a uid of its own
  std::size_t scratch_limit_bytes = 0;  // tmpfs size and RLIMIT_FSIZE; 0 = none
  unsigned max_threads = 0;             // RLIMIT_NPROC under its own uid; 0 = none
};

struct SandboxReport {
  bool landlock = false;          // filesystem confined by Landlock
  int landlock_abi = 0;           // 0 when the kernel has no Landlock
  bool landlock_network = false;  // TCP bind/connect denied by Landlock (ABI 4+)
  bool seccomp = false;           // the syscall filter is installed
  bool opens_denied = false;      // the fallback: seccomp denies every open
  int threads_at_entry = 0;
  bool privileges_dropped = false;  // root gave way to a uid of its own
  unsigned uid = 0;                 // the uid it runs under
  bool scratch_tmpfs = false;       // the scratch is a tmpfs of scratch_limit_bytes
  bool threads_limited = false;     // RLIMIT_NPROC bounds its threads
  std::string detail;               // why a mechanism is missing
};

// Confines the calling process; never throws. What the kernel allowed is reported.
SandboxReport enter_sandbox(const SandboxOptions& options);

}  // namespace evojit
