#include "support/files.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/error.hpp"

namespace evojit {
namespace {

constexpr const char* kCapVariable = "EVOJIT_MAX_INPUT_MB";

std::string mib_text(std::uint64_t bytes) {
  if (bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::uint64_t input_cap(std::uint64_t default_cap) {
  const char* text = std::getenv(kCapVariable);
  if (!text || !*text) return default_cap;
  char* end = nullptr;
  errno = 0;
  const unsigned long long mib = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || text[0] == '-' || mib == 0 || mib > (1ull << 30)) {
    throw_input_error("EVOJIT_MAX_INPUT_MB must be a whole number of MiB from 1 to 2^30",
                      kCapVariable, "unset it or give, e.g., EVOJIT_MAX_INPUT_MB=4096");
  }
  return static_cast<std::uint64_t>(mib) * kMiB;
}

void throw_input_too_large(std::string_view what, const std::string& where, std::uint64_t cap) {
  throw_input_error(
      std::string(what) + " is larger than the " + mib_text(cap) + " limit", where,
      std::string("if it is genuine, raise the limit with ") + kCapVariable + "=<MiB>");
}

int open_bounded_file(const std::filesystem::path& path, std::uint64_t cap, std::string_view kind) {
  const std::string where = path.string();
  const std::string hint = "give the path of a " + std::string(kind) + " file";
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the file type is checked
  // on the descriptor itself, so nothing can be swapped in between.
  const int fd = ::open(where.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw_input_error("no such file", where, hint);
    throw_input_error("cannot open the file (" + std::string(std::strerror(errno)) + ")", where,
                      "check that it exists and that you may read it");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool directory = S_ISDIR(st.st_mode);
    ::close(fd);
    throw_input_error(directory ? "is a directory, not a file"
                                : "is not a regular file (a device, FIFO or socket)",
                      where, hint);
  }
  if (static_cast<std::uint64_t>(st.st_size) > cap) {
    ::close(fd);
    throw_input_too_large("the file", where, cap);
  }
  // Regular files never block; reads may now wait as usual.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

std::string read_bounded_file(const std::filesystem::path& path, std::uint64_t default_cap,
                              std::string_view kind) {
  const std::uint64_t cap = input_cap(default_cap);
  const int fd = open_bounded_file(path, cap, kind);
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw_input_error("cannot read the file (" + std::string(std::strerror(error)) + ")",
                        path.string());
    }
    if (n == 0) break;
    // The file may grow while it is read (a journal being appended to elsewhere).
    if (text.size() + static_cast<std::size_t>(n) > cap) {
      ::close(fd);
      throw_input_too_large("the file", path.string(), cap);
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace evojit
