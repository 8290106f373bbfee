#include "evaluators/sandbox.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#endif

namespace evojit {
namespace {

// Landlock's UAPI, spelled out here: the installed <linux/landlock.h> may predate the
// network and scope fields, while the running kernel has them. Newer fields are
// passed as zero where the kernel's ABI is older.
#ifndef SYS_landlock_create_ruleset
constexpr long kSysLandlockCreateRuleset = 444;
constexpr long kSysLandlockAddRule = 445;
constexpr long kSysLandlockRestrictSelf = 446;
#else
constexpr long kSysLandlockCreateRuleset = SYS_landlock_create_ruleset;
constexpr long kSysLandlockAddRule = SYS_landlock_add_rule;
constexpr long kSysLandlockRestrictSelf = SYS_landlock_restrict_self;
#endif
constexpr unsigned kLandlockCreateRulesetVersion = 1u << 0;
constexpr int kLandlockRulePathBeneath = 1;

struct LandlockRulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;
  std::uint64_t scoped;
};

struct __attribute__((packed)) LandlockPathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};

constexpr std::uint64_t kFsExecute = 1ull << 0;
constexpr std::uint64_t kFsReadFile = 1ull << 2;
constexpr std::uint64_t kFsReadDir = 1ull << 3;
constexpr std::uint64_t kNetBindTcp = 1ull << 0;
constexpr std::uint64_t kNetConnectTcp = 1ull << 1;
constexpr std::uint64_t kScopeAbstractUnixSocket = 1ull << 0;
constexpr std::uint64_t kScopeSignal = 1ull << 1;

// Every filesystem right the kernel's ABI knows: v1 has 13, v2 adds REFER, v3
// TRUNCATE, v5 IOCTL_DEV.
std::uint64_t fs_rights(int abi) {
  std::uint64_t rights = (1ull << 13) - 1;
  if (abi >= 2) rights |= 1ull << 13;
  if (abi >= 3) rights |= 1ull << 14;
  if (abi >= 5) rights |= 1ull << 15;
  return rights;
}

bool add_path_rule(int ruleset, const std::string& path, std::uint64_t rights) {
  const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return false;
  LandlockPathBeneathAttr rule{rights, fd};
  const long r = ::syscall(kSysLandlockAddRule, ruleset, kLandlockRulePathBeneath, &rule, 0);
  ::close(fd);
  return r == 0;
}

void apply_landlock(const SandboxOptions& options, SandboxReport& report) {
  const long abi = ::syscall(kSysLandlockCreateRuleset, nullptr, 0, kLandlockCreateRulesetVersion);
  if (abi < 1) {
    report.detail += "landlock unavailable (" + std::string(std::strerror(errno)) + "); ";
    return;
  }
  report.landlock_abi = static_cast<int>(abi);
  const std::uint64_t all_fs = fs_rights(report.landlock_abi);
  LandlockRulesetAttr attr{};
  attr.handled_access_fs = all_fs;
  if (abi >= 4) attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
  if (abi >= 6) attr.scoped = kScopeAbstractUnixSocket | kScopeSignal;
  // The kernel accepts a shorter struct from older ABIs only: size it to the ABI.
  const std::size_t size = abi >= 6   ? sizeof(attr)
                           : abi >= 4 ? offsetof(LandlockRulesetAttr, scoped)
                                      : offsetof(LandlockRulesetAttr, handled_access_net);
  const int ruleset = static_cast<int>(::syscall(kSysLandlockCreateRuleset, &attr, size, 0));
  if (ruleset < 0) {
    report.detail += "landlock ruleset refused (" + std::string(std::strerror(errno)) + "); ";
    return;
  }
  bool rules_ok = true;
  if (!options.scratch_dir.empty()) {
    rules_ok &= add_path_rule(ruleset, options.scratch_dir, all_fs & ~kFsExecute);
  }
  for (const std::string& dir : options.read_only_dirs) {
    // A missing read-only directory only narrows what the compiler can read.
    add_path_rule(ruleset, dir, kFsReadFile | kFsReadDir);
  }
  if (!rules_ok) report.detail += "scratch directory rule refused; ";
  if (::syscall(kSysLandlockRestrictSelf, ruleset, 0) == 0) {
    report.landlock = true;
    report.landlock_network = abi >= 4;
  } else {
    report.detail += "landlock_restrict_self failed (" + std::string(std::strerror(errno)) + "); ";
  }
  ::close(ruleset);
}

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#else
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#endif

// Calls a candidate has no business making. EPERM, not a kill: a kernel that tries
// gets an error code it can report, and the worker lives on.
std::vector<long> denied_syscalls(bool deny_opens) {
  std::vector<long> nrs = {
      SYS_socket,
      SYS_connect,
      SYS_bind,
      SYS_listen,
      SYS_accept,
      SYS_accept4,
      SYS_execve,
      SYS_execveat,
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
  };
#ifdef SYS_fork
  nrs.push_back(SYS_fork);
  nrs.push_back(SYS_vfork);
#endif
  if (deny_opens) {
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

bool apply_seccomp(bool deny_opens, SandboxReport& report) {
  std::vector<sock_filter> prog;
  auto stmt = [&](std::uint16_t code, std::uint32_t k) { prog.push_back(BPF_STMT(code, k)); };
  auto jump = [&](std::uint16_t code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
    prog.push_back(BPF_JUMP(code, k, jt, jf));
  };
  constexpr std::uint32_t kErrno = SECCOMP_RET_ERRNO | EPERM;
  // A foreign ABI would bypass every number below.
  stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch));
  jump(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0);
  stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr));
#if defined(__x86_64__)
  jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);  // x32 syscalls
  stmt(BPF_RET | BPF_K, kErrno);
#endif
  // clone3 hides its flags in memory BPF cannot read: ENOSYS makes glibc fall back
  // to clone, whose flags it can check. Threads (CLONE_THREAD) yes, processes no.
  jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1);
  stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4);
  stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0]));
  jump(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1);
  stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  stmt(BPF_RET | BPF_K, kErrno);
  for (long nr : denied_syscalls(deny_opens)) {
    jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(nr), 0, 1);
    stmt(BPF_RET | BPF_K, kErrno);
  }
  stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

  sock_fprog fprog{static_cast<unsigned short>(prog.size()), prog.data()};
  // TSYNC: every thread the process already has gets the filter too.
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fprog) != 0) {
    report.detail += "seccomp refused (" + std::string(std::strerror(errno)) + "); ";
    return false;
  }
  return true;
}

#else

bool apply_seccomp(bool, SandboxReport& report) {
  report.detail += "seccomp filter not built for this architecture; ";
  return false;
}

#endif

int thread_count() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "Threads:") {
      int n = 0;
      status >> n;
      return n;
    }
  }
  return 0;
}

}  // namespace

SandboxReport enter_sandbox(const SandboxOptions& options) {
  SandboxReport report;
  report.threads_at_entry = thread_count();
  // Both mechanisms require it of an unprivileged process; it also stops set-uid
  // binaries from regaining privileges (moot: execve is denied as well).
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    report.detail += "no_new_privs refused; ";
    return report;
  }
  if (options.use_landlock) apply_landlock(options, report);
  report.opens_denied = !report.landlock;
  report.seccomp = apply_seccomp(report.opens_denied, report);
  if (!report.seccomp) report.opens_denied = false;
  return report;
}

}  // namespace evojit
