#include "evaluators/worker/sandbox.hpp"

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

#include "evaluators/worker/sandbox_filter.hpp"
#include "evaluators/worker/sandbox_identity.hpp"

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
  // Identity first: mounting the scratch tmpfs needs root, and Landlock's rule must
  // name the mounted directory, not the one underneath.
  IdentityOptions identity;
  identity.scratch_dir = options.scratch_dir;
  identity.scratch_limit_bytes = options.scratch_limit_bytes;
  identity.max_threads = options.max_threads;
  identity.drop_privileges = options.drop_privileges;
  const IdentityReport who = confine_identity(identity, report.detail);
  report.privileges_dropped = who.privileges_dropped;
  report.uid = who.uid;
  report.scratch_tmpfs = who.scratch_tmpfs;
  report.threads_limited = who.threads_limited;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    report.detail += "no_new_privs refused; ";
    return report;
  }
  if (options.confine_filesystem && options.use_landlock) apply_landlock(options, report);
  report.opens_denied = options.confine_filesystem && !report.landlock;
  SyscallFilterOptions filter;
  filter.deny_opens = report.opens_denied;
  filter.deny_network = options.deny_network;
  filter.deny_processes = options.deny_processes;
  filter.deny_shared_memory = options.deny_shared_memory;
  report.seccomp = install_syscall_filter(filter, report.detail);
  if (!report.seccomp) report.opens_denied = false;
  return report;
}

}  // namespace evojit
