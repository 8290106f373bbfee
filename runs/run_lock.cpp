#include "runs/run_lock.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/error.hpp"

namespace evojit {
namespace {

long read_pid(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return 0;
  return std::strtol(text, nullptr, 10);
}

[[noreturn]] void throw_in_progress(const std::filesystem::path& dir, long pid) {
  throw_input_error(
      "run in progress, pid " + (pid > 0 ? std::to_string(pid) : "unknown"), dir.string(),
      "wait for it to finish or stop it (Ctrl-C, or kill " +
          (pid > 0 ? std::to_string(pid) : "it") + "), then `evojit resume " + dir.string() + "`");
}

// mkdir, not create_directories, for the run directory itself: exactly one process
// creates it; the others find it (and then its lock).
void make_run_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return;
  const std::string reason = std::strerror(errno);
  throw_input_error("cannot create the run directory: " + reason, dir.string(),
                    "choose an --out in a directory you can write to");
}

}  // namespace

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

RunLock lock_run_directory(const std::filesystem::path& dir, bool create) {
  if (create) make_run_directory(dir);
  const std::filesystem::path path = dir / kRunLockFile;
  // O_CLOEXEC: a worker forked from this process must not inherit (and keep) the lock.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    const std::string reason = std::strerror(errno);
    throw_input_error("cannot create the run's lock file: " + reason, path.string(),
                      create ? "choose an --out in a directory you can write to"
                             : "the run directory must be writable to resume it");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const long pid = read_pid(fd);
    ::close(fd);
    throw_in_progress(dir, pid);
  }
  RunLock lock(fd);
  // Another process may have created the directory and finished its run between our
  // check and our lock: a new run still needs an empty directory.
  if (create) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().filename() == kRunLockFile) continue;
      throw_input_error("output directory exists and is not empty", dir.string(),
                        "choose another --out, or `evojit show` the run that is there");
    }
  }
  const std::string pid = std::to_string(static_cast<long>(::getpid())) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    const std::string reason = std::strerror(errno);
    throw_input_error("cannot write the run's lock file: " + reason, path.string(),
                      "free space on that disk or choose another --out");
  }
  return lock;
}

std::optional<long> run_lock_holder(const std::filesystem::path& dir) {
  const int fd = ::open((dir / kRunLockFile).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<long> holder;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    holder = read_pid(fd);
  } else {
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
  return holder;
}

void require_no_run_in_progress(const std::filesystem::path& dir) {
  if (const std::optional<long> pid = run_lock_holder(dir)) throw_in_progress(dir, *pid);
}

}  // namespace evojit
