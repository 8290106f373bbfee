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
// Both mechanisms bind the calling thread and the threads and children it creates
// afterwards; seccomp is synchronised onto existing threads too, Landlock cannot be,
// so enter the sandbox while the process is single-threaded (the report says how
// many threads there were).
#pragma once

#include <string>
#include <vector>

namespace evojit {

struct SandboxOptions {
  std::string scratch_dir;                  // read-write; empty = no writable directory
  std::vector<std::string> read_only_dirs;  // e.g. clang's resource directory
  bool use_landlock = true;                 // false: test the seccomp-only fallback
};

struct SandboxReport {
  bool landlock = false;          // filesystem confined by Landlock
  int landlock_abi = 0;           // 0 when the kernel has no Landlock
  bool landlock_network = false;  // TCP bind/connect denied by Landlock (ABI 4+)
  bool seccomp = false;           // the syscall filter is installed
  bool opens_denied = false;      // the fallback: seccomp denies every open
  int threads_at_entry = 0;
  std::string detail;  // why a mechanism is missing
};

// Confines the calling process; never throws. What the kernel allowed is reported.
SandboxReport enter_sandbox(const SandboxOptions& options);

}  // namespace evojit
