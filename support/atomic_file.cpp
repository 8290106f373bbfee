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
  AtomicFileWriter file(path);
  file.write(content);
  file.commit();
}

AtomicFileWriter::AtomicFileWriter(const std::filesystem::path& path) : path_(path) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) fail(path.parent_path(), ec.value());
  }
  temp_ = path.string() + ".tmp." + std::to_string(static_cast<long>(::getpid()));
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail(path, errno);
}

AtomicFileWriter::~AtomicFileWriter() {
  // Not committed: nothing half-written stays behind.
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

void AtomicFileWriter::give_up(int error) {
  ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
  fail(path_, error);
}

void AtomicFileWriter::write_out(std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) give_up(n < 0 ? errno : ENOSPC);
    done += static_cast<std::size_t>(n);
  }
}

void AtomicFileWriter::flush() {
  write_out(buffer_);
  buffer_.clear();
}

void AtomicFileWriter::write(std::string_view text) {
  flush();
  write_out(text);
}

void AtomicFileWriter::commit() {
  flush();
  if (::fsync(fd_) != 0 && errno != EINVAL) give_up(errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp_.c_str());
    fail(path_, error);
  }
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp_.c_str());
    fail(path_, error);
  }
}

}  // namespace evojit
