#include "support/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "support/error.hpp"

namespace evojit {
namespace {

// Disk full, a read-only or missing directory, a file size limit: the user's to fix,
// so an InputError (exit code 2) that names the file and says how.
[[noreturn]] void fail(const std::filesystem::path& path, int error) {
  throw_input_error(std::string("cannot write the file: ") + std::strerror(error), path.string(),
                    error == ENOSPC || error == EFBIG || error == EDQUOT
                        ? "free space on that disk (a stopped run can then be resumed)"
                        : "choose a location you can write to");
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) fail(path.parent_path(), ec.value());
  }
  const std::filesystem::path temp =
      path.string() + ".tmp." + std::to_string(static_cast<long>(::getpid()));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(path, errno);
  // On any failure the temporary file goes: nothing half-written stays behind.
  auto give_up = [&](int error) {
    ::close(fd);
    ::unlink(temp.c_str());
    fail(path, error);
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) give_up(n < 0 ? errno : ENOSPC);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 && errno != EINVAL) give_up(errno);
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    fail(path, error);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    fail(path, error);
  }
}

}  // namespace evojit
