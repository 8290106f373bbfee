#include "runs/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <utility>

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
  if (syncer_.joinable()) {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    syncer_.join();  // after the group sync in flight, if any
  }
  if (fd_ < 0) return;
  try {
    write_buffer();
  } catch (...) {  // a destructor cannot throw; the lines not written are lost, as at a kill
  }
  if (pending_ > 0) ::fdatasync(fd_);
  ::close(fd_);
}

void JournalWriter::append(const nlohmann::json& record) { append_line(record.dump()); }

void JournalWriter::append_line(std::string_view record) {
  // Records wait in buffer_ for their group: one write() per group, not per record
  // (at 50k records a second the syscalls were a sixth of a replay's loop). A kill -9
  // takes at most the group not yet written; a checkpoint never counts it (sync()
  // writes and syncs it first), so a resumed run evaluates it again.
  buffer_.append(record);
  buffer_ += '\n';
  ++pending_;
  if (policy_.seconds <= 0.0) {
    sync();  // a sync per record: durable before append returns
  } else if (pending_ >= policy_.every || std::chrono::steady_clock::now() - last_sync_ >=
                                              std::chrono::duration<double>(policy_.seconds)) {
    write_buffer();
    start_group_sync();
  }
}

void JournalWriter::write_buffer() {
  // One write of whole lines: O_APPEND keeps them contiguous, and once it returns a
  // kill cannot take them (they are in the kernel's page cache).
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
  buffer_.clear();
}

void JournalWriter::start_group_sync() {
  {
    const std::lock_guard lock(mutex_);
    if (sync_failure_) std::rethrow_exception(std::exchange(sync_failure_, nullptr));
    // One in flight already: the request waits for it, and then covers these records too.
    sync_requested_ = true;
  }
  if (!syncer_.joinable()) syncer_ = std::thread([this] { group_sync_thread(); });
  wake_.notify_one();
  pending_ = 0;
  ++syncs_;
  last_sync_ = std::chrono::steady_clock::now();
}

void JournalWriter::group_sync_thread() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return sync_requested_ || stopping_; });
    if (!sync_requested_) return;  // stopping, nothing asked
    sync_requested_ = false;
    sync_running_ = true;
    lock.unlock();
    const int rc = ::fdatasync(fd_);
    const int error = errno;
    lock.lock();
    sync_running_ = false;
    if (rc != 0 && !sync_failure_) {
      sync_failure_ = std::make_exception_ptr(std::runtime_error(
          "cannot sync journal " + path_.string() + ": " + std::strerror(error)));
    }
    wake_.notify_all();
  }
}

void JournalWriter::wait_for_group_sync() {
  if (!syncer_.joinable()) return;
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return !sync_requested_ && !sync_running_; });
  if (sync_failure_) std::rethrow_exception(std::exchange(sync_failure_, nullptr));
}

void JournalWriter::sync() {
  wait_for_group_sync();
  write_buffer();
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

std::optional<nlohmann::json> read_journal_record(const std::filesystem::path& path,
                                                  std::uint64_t id) {
  // Read in chunks, not whole: a replay's journal is 80 MB, and a fresh 80 MB string
  // cost more in page faults than the scan.
  const std::uint64_t cap = input_cap(kRunStateFileCap);
  const int fd = open_bounded_file(path, cap, "journal");
  // Records are dumped compactly: the line of record `id` holds "id":<id> followed
  // by a non-digit. Only such lines are parsed, and their id compared.
  const std::string needle = "\"id\":" + std::to_string(id);
  std::optional<nlohmann::json> found;
  std::string buffer;  // the complete lines of the last chunk, then its unfinished tail
  std::vector<char> chunk(1 << 20);
  std::uint64_t total = 0;
  std::size_t line_number = 1;
  auto scan_line = [&](std::string_view line) {
    for (std::size_t at = line.find(needle); at != std::string_view::npos;
         at = line.find(needle, at + 1)) {
      const std::size_t after = at + needle.size();
      if (after < line.size() && line[after] >= '0' && line[after] <= '9') continue;
      try {
        nlohmann::json record = nlohmann::json::parse(line);
        if (record.is_object() && record.contains("id") && record.at("id") == id) {
          found = std::move(record);
        }
      } catch (const nlohmann::json::exception& e) {
        ::close(fd);
        throw_input_error(std::string("corrupt journal record: ") + e.what(),
                          path.string() + ":" + std::to_string(line_number));
      }
      return;
    }
  };
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw_input_error("cannot read the file (" + std::string(std::strerror(error)) + ")",
                        path.string());
    }
    if (n == 0) break;  // what is left in buffer is a torn tail: not a record
    total += static_cast<std::uint64_t>(n);
    if (total > cap) {
      ::close(fd);
      throw_input_too_large("the file", path.string(), cap);
    }
    buffer.append(chunk.data(), static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
      scan_line(std::string_view(buffer).substr(start, end - start));
      ++line_number;
    }
    buffer.erase(0, start);
  }
  ::close(fd);
  return found;
}

}  // namespace evojit
