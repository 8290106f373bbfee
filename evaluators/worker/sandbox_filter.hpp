// The seccomp-BPF program a worker installs on itself (evaluators/worker/sandbox.hpp): the
// system calls candidate code has no business making fail with EPERM (an error code
// it can report; the worker lives on), a foreign ABI kills the process.
//
// Denied: new processes (fork, clone without CLONE_THREAD, execve), sockets, ptrace
// and cross-process memory, mounts and namespaces, kernel modules, bpf, io_uring,
// keyrings; device nodes (mknod), the clock (settimeofday, clock_settime, adjtimex),
// the host's name, real-time scheduling; every limit but the CPU soft limit the worker
// moves per request (prlimit/setrlimit may read, and only the CPU limit may change:
// the hard ceiling the driver set stays out of reach once root is gone); shared
// memory that would escape RLIMIT_DATA (SysV shm/msg/sem, memfd, MAP_SHARED|
// MAP_ANONYMOUS; POSIX shm is a file under /dev/shm, which the filesystem rules
// close); signals to any process but itself (kill, tgkill, sigqueue to its own pid).
// With deny_opens, every open as well (the fallback when Landlock is missing).
#pragma once

#include <string>

namespace evojit {

struct SyscallFilterOptions {
  bool deny_opens = false;
  bool deny_network = true;  // false for the CUDA worker: its driver may talk to MPS
  bool deny_processes = true;
  // SysV shm/msg/sem, memfd, MAP_SHARED|MAP_ANONYMOUS. The CUDA worker keeps them
  // (its driver may use them; its candidates cannot make system calls).
  bool deny_shared_memory = true;
};

// Installs the filter on every thread of the process (TSYNC). False, with `detail`
// saying why, when the kernel refused it or the architecture has no filter.
bool install_syscall_filter(const SyscallFilterOptions& options, std::string& detail);

}  // namespace evojit
