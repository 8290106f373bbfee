// One JSON message per line over a pair of pipe file descriptors: the transport
// between the driver and its worker processes. Reads take a deadline so that a hung
// worker is noticed rather than waited for.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace evojit {

class LineChannel {
 public:
  enum class ReadStatus { line, timeout, closed };

  LineChannel() = default;
  LineChannel(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}

  // Writes `line` plus a newline. False when the other end is gone.
  bool write_line(const std::string& line);
  // Reads the next line (without its newline), waiting at most `timeout`
  // (std::nullopt: wait forever).
  ReadStatus read_line(std::string& line,
                       std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  void close();

  int read_fd() const { return read_fd_; }
  int write_fd() const { return write_fd_; }

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::string buffer_;
};

}  // namespace evojit
