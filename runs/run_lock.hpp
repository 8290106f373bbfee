// One writer per run directory. `evojit run --out D`, `evojit resume D` (and a CUDA
// or replay run) hold an exclusive flock(2) on D/run.lock for as long as they write
// there; a second process finds it held and stops with "run in progress, pid N"
// before writing anything. The kernel drops the lock when its holder dies, kill -9
// included, so a killed run can always be resumed. The file itself stays (an
// unlocked run.lock means nothing) and holds the holder's pid for the message.
#pragma once

#include <filesystem>
#include <optional>

namespace evojit {

inline constexpr const char* kRunLockFile = "run.lock";

class RunLock {
 public:
  RunLock() = default;
  RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

  bool held() const { return fd_ >= 0; }

 private:
  friend RunLock lock_run_directory(const std::filesystem::path& dir, bool create);
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Locks `dir` for writing. `create`: a new run; the directory is made here when
// missing (a parent that cannot be written is an InputError naming it). Throws
// InputError "run in progress, pid N" when another process holds the lock.
RunLock lock_run_directory(const std::filesystem::path& dir, bool create);

// The pid of the process holding dir's lock, if one does (0 when it holds the lock
// but has not written its pid yet). Changes nothing.
std::optional<long> run_lock_holder(const std::filesystem::path& dir);

// Throws the "run in progress" InputError when another process holds dir's lock.
void require_no_run_in_progress(const std::filesystem::path& dir);

}  // namespace evojit
