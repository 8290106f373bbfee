#include "runs/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include "support/error.hpp"

namespace evojit {

JournalWriter::JournalWriter(const std::filesystem::path& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open journal " + path.string() + ": " + std::strerror(errno));
  }
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const nlohmann::json& record) {
  // One write() of the whole line: O_APPEND keeps it contiguous.
  const std::string line = record.dump() + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot append to journal " + path_.string());
    done += static_cast<std::size_t>(n);
  }
  ::fdatasync(fd_);
}

std::vector<nlohmann::json> read_journal(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_input_error("cannot read the journal", path.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
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
