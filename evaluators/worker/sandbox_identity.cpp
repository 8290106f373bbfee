#include "evaluators/worker/sandbox_identity.hpp"

#include <cerrno>
#include <cstring>

#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace evojit {
namespace {

constexpr int kScratchInodes = 4096;

std::string error_text() { return std::strerror(errno); }

bool mount_scratch_tmpfs(const IdentityOptions& o, unsigned uid, std::string& detail) {
  if (o.scratch_dir.empty() || o.scratch_limit_bytes == 0) return false;
  // A private mount namespace: the tmpfs is visible to this worker only and is
  // unmounted by the kernel when the worker dies, however it dies.
  if (::unshare(CLONE_NEWNS) != 0) {
    detail += "no mount namespace for a size-limited scratch (" + error_text() + "); ";
    return false;
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    detail += "cannot make mounts private (" + error_text() + "); ";
    return false;
  }
  // nr_inodes too: empty files cost kernel memory that the size does not count.
  const std::string data = "size=" + std::to_string(o.scratch_limit_bytes) +
                           ",nr_inodes=" + std::to_string(kScratchInodes) +
                           ",mode=0700,uid=" + std::to_string(uid) + ",gid=" + std::to_string(uid);
  if (::mount("evojit-scratch", o.scratch_dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              data.c_str()) != 0) {
    detail += "cannot mount a tmpfs scratch (" + error_text() + "); ";
    return false;
  }
  // The working directory still points at the directory underneath.
  if (::chdir(o.scratch_dir.c_str()) != 0) detail += "cannot enter the tmpfs scratch; ";
  return true;
}

bool set_limit(int resource, rlim_t value) {
  rlimit current{};
  ::getrlimit(resource, &current);
  rlimit wanted{value, value};
  if (current.rlim_max != RLIM_INFINITY && current.rlim_max < value) wanted = current;
  return ::setrlimit(resource, &wanted) == 0;
}

}  // namespace

IdentityReport confine_identity(const IdentityOptions& o, std::string& detail) {
  IdentityReport report;
  report.uid = ::getuid();
  const bool root = ::geteuid() == 0;
  const unsigned own_uid = kWorkerUidBase + static_cast<unsigned>(::getpid());
  const bool switch_uid = root && o.drop_privileges;
  const unsigned target_uid = switch_uid ? own_uid : report.uid;

  if (root) report.scratch_tmpfs = mount_scratch_tmpfs(o, target_uid, detail);
  if (switch_uid && !report.scratch_tmpfs && !o.scratch_dir.empty()) {
    // A plain directory: hand it over, or the worker can no longer write its own.
    if (::chown(o.scratch_dir.c_str(), own_uid, own_uid) != 0) {
      detail += "cannot hand the scratch directory over (" + error_text() + "); ";
    }
  }
  if (o.scratch_limit_bytes && !set_limit(RLIMIT_FSIZE, o.scratch_limit_bytes)) {
    detail += "RLIMIT_FSIZE refused; ";
  }
  if (switch_uid) {
    if (o.max_threads) report.threads_limited = set_limit(RLIMIT_NPROC, o.max_threads);
    // Groups first: once the uid is gone, so is the right to change them.
    if (::setgroups(0, nullptr) != 0 || ::setresgid(own_uid, own_uid, own_uid) != 0 ||
        ::setresuid(own_uid, own_uid, own_uid) != 0) {
      detail += "cannot drop root privileges (" + error_text() + "); ";
      report.threads_limited = false;
    } else {
      report.privileges_dropped = ::getuid() == own_uid && ::geteuid() == own_uid;
      report.uid = ::getuid();
    }
  } else if (root) {
    detail += "runs as root (privileges not dropped); ";
  }
  return report;
}

void close_descriptors_from(int first) noexcept {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0u, 0u) == 0) return;
#endif
  const long max = ::sysconf(_SC_OPEN_MAX);
  for (long fd = first; fd < (max > 0 ? max : 65536); ++fd) ::close(static_cast<int>(fd));
}

}  // namespace evojit
