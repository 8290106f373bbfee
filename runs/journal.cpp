#include "runs/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/error.hpp"
#include "support/files.hpp"

namespace evojit {
namespace {

// Cuts the file after its last newline (everything when it has none).
void cut_torn_tail(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size == 0) return;
  off_t keep = 0;  // up to and including the last newline
  char buffer[4096];
  for (off_t end = st.st_size; end > 0 && keep == 0; end -= sizeof buffer) {
    const off_t start = end > static_cast<off_t>(sizeof buffer) ? end - sizeof buffer : 0;
    const ssize_t n = ::pread(fd, buffer, static_cast<std::size_t>(end - start), start);
    if (n != end - start) throw std::runtime_error("cannot read journal " + path.string());
    for (ssize_t i = n; i > 0 && keep == 0; --i) {
      if (buffer[i - 1] == '\n') keep = start + i;
    }
  }
  if (keep == st.st_size) return;
  if (::ftruncate(fd, keep) != 0)
    throw std::runtime_error("cannot repair journal " + path.string());
  ::fdatasync(fd);
}

}  // namespace

JournalWriter::JournalWriter(const std::filesystem::path& path, JournalSync sync)
    : path_(path), policy_(sync), last_sync_(std::chrono::steady_clock::now()) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open journal " + path.string() + ": " + std::strerror(errno));
  }
  try {
    cut_torn_tail(fd_, path_);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

JournalWriter::~JournalWriter() {
  if (fd_ < 0) return;
  if (pending_ > 0) ::fdatasync(fd_);
  ::close(fd_);
}

void JournalWriter::append(const nlohmann::json& record) { append_line(record.dump()); }

void JournalWriter::append_line(std::string_view record) {
  // One write of the whole line (the record and its newline): O_APPEND keeps it
  // contiguous, and a kill after it returns cannot take the record (it is in the
  // kernel's page cache).
  buffer_.assign(record);
  buffer_ += '\n';
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // disk full, or a file size limit: the user's to fix (exit code 2)
      throw_input_error(
          std::string("cannot append to the journal: ") + std::strerror(n < 0 ? errno : ENOSPC),
          path_.string(), "free space on that disk, then `evojit resume` the run");
    }
    done += static_cast<std::size_t>(n);
  }
  ++pending_;
  if (pending_ >= policy_.every || policy_.seconds <= 0.0 ||
      std::chrono::steady_clock::now() - last_sync_ >=
          std::chrono::duration<double>(policy_.seconds)) {
    sync();
  }
}

void JournalWriter::sync() {
  if (pending_ == 0) return;
  if (::fdatasync(fd_) != 0) {
    throw std::runtime_error("cannot sync journal " + path_.string() + ": " + std::strerror(errno));
  }
  pending_ = 0;
  ++syncs_;
  last_sync_ = std::chrono::steady_clock::now();
}

std::vector<nlohmann::json> read_journal(const std::filesystem::path& path) {
  std::string text = read_bounded_file(path, kRunStateFileCap, "journal");
  std::vector<nlohmann::json> records;
  std::size_t start = 0;
  std::size_t line_number = 1;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // torn tail: the write in flight at a crash
    const std::string line = text.substr(start, end - start);
    if (!line.empty()) {
      try {
        records.push_back(nlohmann::json::parse(line));
      } catch (const nlohmann::json::exception& e) {
        throw_input_error(std::string("corrupt journal record: ") + e.what(),
                          path.string() + ":" + std::to_string(line_number));
      }
    }
    start = end + 1;
    ++line_number;
  }
  return records;
}

}  // namespace evojit
