#include "evaluators/worker/sandbox_filter.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mman.h>
#endif

namespace evojit {

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
namespace {

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#else
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#endif
constexpr std::uint32_t kErrno = SECCOMP_RET_ERRNO | EPERM;
constexpr std::uint32_t kAllow = SECCOMP_RET_ALLOW;

// Offsets of the low and high 32 bits of argument i (little-endian: both targets).
constexpr std::uint32_t arg_low(int i) {
  return static_cast<std::uint32_t>(offsetof(seccomp_data, args) + 8 * i);
}
constexpr std::uint32_t arg_high(int i) { return arg_low(i) + 4; }

class Program {
 public:
  void stmt(std::uint16_t code, std::uint32_t k) { code_.push_back(BPF_STMT(code, k)); }
  void jump(std::uint16_t code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
    code_.push_back(BPF_JUMP(code, k, jt, jf));
  }
  void ret(std::uint32_t action) { stmt(BPF_RET | BPF_K, action); }
  void load(std::uint32_t offset) { stmt(BPF_LD | BPF_W | BPF_ABS, offset); }
  // if (nr == `nr`) { block (which must end in a return) } -- the block reloads what
  // it needs, so the syscall number is reloaded after it.
  void on_syscall(long nr, const Program& block) {
    jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(nr), 0,
         static_cast<std::uint8_t>(block.code_.size()));
    code_.insert(code_.end(), block.code_.begin(), block.code_.end());
  }
  void deny(long nr) {
    jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(nr), 0, 1);
    ret(kErrno);
  }
  std::vector<sock_filter>& code() { return code_; }

 private:
  std::vector<sock_filter> code_;
};

// Allowed only when argument `arg` is the calling process's pid; then the number is
// reloaded for the checks that follow.
Program own_pid_only(int arg, std::uint32_t pid) {
  Program p;
  p.load(arg_low(arg));
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, pid, 0, 1);
  p.ret(kAllow);
  p.ret(kErrno);
  return p;
}

// prlimit64(pid, resource, new, old): reading is fine; changing only the caller's
// own CPU limit (the soft one moves per request; the hard one cannot rise without
// CAP_SYS_RESOURCE, which a worker no longer has).
Program prlimit_rules() {
  Program p;
  p.load(arg_low(2));
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3);
  p.load(arg_high(2));
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
  p.ret(kAllow);
  p.load(arg_low(0));
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3);
  p.load(arg_low(1));
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, RLIMIT_CPU, 0, 1);
  p.ret(kAllow);
  p.ret(kErrno);
  return p;
}

Program setrlimit_rules() {
  Program p;
  p.load(arg_low(0));
  p.jump(BPF_JMP | BPF_JEQ | BPF_K, RLIMIT_CPU, 0, 1);
  p.ret(kAllow);
  p.ret(kErrno);
  return p;
}

// mmap(addr, len, prot, flags, fd, off): anonymous shared memory is shmem, which
// RLIMIT_DATA does not count.
Program mmap_rules() {
  Program p;
  p.load(arg_low(3));
  p.jump(BPF_JMP | BPF_JSET | BPF_K, MAP_ANONYMOUS, 0, 2);
  p.jump(BPF_JMP | BPF_JSET | BPF_K, MAP_SHARED, 0, 1);
  p.ret(kErrno);
  p.ret(kAllow);
  return p;
}

std::vector<long> denied_syscalls(const SyscallFilterOptions& o) {
  std::vector<long> nrs = {
      SYS_ptrace,
      SYS_process_vm_readv,
      SYS_process_vm_writev,
      SYS_mount,
      SYS_umount2,
      SYS_pivot_root,
      SYS_chroot,
      SYS_unshare,
      SYS_setns,
      SYS_kexec_load,
      SYS_init_module,
      SYS_finit_module,
      SYS_delete_module,
      SYS_reboot,
      SYS_bpf,
      SYS_perf_event_open,
      SYS_userfaultfd,
      SYS_keyctl,
      SYS_add_key,
      SYS_request_key,
      SYS_io_uring_setup,
      SYS_swapon,
      SYS_swapoff,
      // device nodes, the clock, the host's name, real-time scheduling
      SYS_mknodat,
      SYS_settimeofday,
      SYS_clock_settime,
      SYS_adjtimex,
      SYS_clock_adjtime,
      SYS_sethostname,
      SYS_setdomainname,
      SYS_sched_setscheduler,
      SYS_sched_setparam,
      SYS_sched_setattr,
      SYS_acct,
      SYS_quotactl,
      SYS_syslog,
      SYS_vhangup,
      // signals to others
      SYS_tkill,
      SYS_pidfd_open,
      SYS_pidfd_send_signal,
      // identity: the worker has dropped root and must not juggle ids
      SYS_setuid,
      SYS_setgid,
      SYS_setreuid,
      SYS_setregid,
      SYS_setresuid,
      SYS_setresgid,
      SYS_setgroups,
      SYS_capset,
  };
#ifdef SYS_mknod
  nrs.push_back(SYS_mknod);
#endif
  if (o.deny_shared_memory) {
    // Shared memory and IPC objects that outlive or escape the memory limit.
    nrs.insert(nrs.end(),
               {SYS_shmget, SYS_shmat, SYS_shmctl, SYS_msgget, SYS_semget, SYS_memfd_create});
#ifdef SYS_memfd_secret
    nrs.push_back(SYS_memfd_secret);
#endif
  }
#ifdef SYS_iopl
  nrs.push_back(SYS_iopl);
  nrs.push_back(SYS_ioperm);
#endif
  if (o.deny_network) {
    nrs.insert(nrs.end(), {SYS_socket, SYS_connect, SYS_bind, SYS_listen, SYS_accept, SYS_accept4});
  }
  if (o.deny_processes) {
    nrs.insert(nrs.end(), {SYS_execve, SYS_execveat});
#ifdef SYS_fork
    nrs.push_back(SYS_fork);
    nrs.push_back(SYS_vfork);
#endif
  }
  if (o.deny_opens) {
    nrs.insert(nrs.end(), {SYS_openat, SYS_open_by_handle_at, SYS_name_to_handle_at});
#ifdef SYS_openat2
    nrs.push_back(SYS_openat2);
#endif
#ifdef SYS_open
    nrs.push_back(SYS_open);
    nrs.push_back(SYS_creat);
#endif
  }
  return nrs;
}

}  // namespace

bool install_syscall_filter(const SyscallFilterOptions& options, std::string& detail) {
  const auto pid = static_cast<std::uint32_t>(::getpid());
  Program prog;
  // A foreign ABI would bypass every number below.
  prog.load(offsetof(seccomp_data, arch));
  prog.jump(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0);
  prog.ret(SECCOMP_RET_KILL_PROCESS);
  prog.load(offsetof(seccomp_data, nr));
#if defined(__x86_64__)
  prog.jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);  // x32 syscalls
  prog.ret(kErrno);
#endif
  // clone3 hides its flags in memory BPF cannot read: ENOSYS makes glibc fall back
  // to clone, whose flags it can check. Threads (CLONE_THREAD) yes, processes no.
  prog.jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1);
  prog.ret(SECCOMP_RET_ERRNO | ENOSYS);
  if (options.deny_processes) {
    Program clone;
    clone.load(arg_low(0));
    clone.jump(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1);
    clone.ret(kAllow);
    clone.ret(kErrno);
    prog.on_syscall(SYS_clone, clone);
  }
  prog.on_syscall(SYS_kill, own_pid_only(0, pid));
  prog.on_syscall(SYS_tgkill, own_pid_only(0, pid));
  prog.on_syscall(SYS_rt_sigqueueinfo, own_pid_only(0, pid));
  prog.on_syscall(SYS_rt_tgsigqueueinfo, own_pid_only(0, pid));
  prog.on_syscall(SYS_prlimit64, prlimit_rules());
  prog.on_syscall(SYS_setrlimit, setrlimit_rules());
  if (options.deny_shared_memory) prog.on_syscall(SYS_mmap, mmap_rules());
  for (long nr : denied_syscalls(options)) prog.deny(nr);
  prog.ret(kAllow);

  sock_fprog fprog{static_cast<unsigned short>(prog.code().size()), prog.code().data()};
  // TSYNC: every thread the process already has gets the filter too.
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog) != 0) {
    detail += "seccomp refused (" + std::string(std::strerror(errno)) + "); ";
    return false;
  }
  return true;
}

#else

bool install_syscall_filter(const SyscallFilterOptions&, std::string& detail) {
  detail += "seccomp filter not built for this architecture; ";
  return false;
}

#endif

}  // namespace evojit
