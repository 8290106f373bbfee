// Writing files so that a reader (or a crash) never sees half of one: write a
// temporary file beside the target, flush it to disk, rename it over the target.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace evojit {

// Creates parent directories as needed. Throws InputError naming the file on I/O
// failure (disk full, unwritable location), having removed its temporary file.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

// The same, for a file written piece by piece (a T4 file of 10^5 results is 50 MB:
// made whole in memory it cost more in page faults and copies than to format).
// The pieces are appended to buffer() and handed to the temporary file whenever it
// holds a megabyte; commit() writes the rest, syncs and renames. Destroyed without
// commit() (an exception while formatting), it removes the temporary file.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::filesystem::path& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  std::string& buffer() { return buffer_; }
  // Writes the buffer out once it is large; call between pieces.
  void flush_if_full() {
    if (buffer_.size() >= kChunk) flush();
  }
  // Writes what the buffer holds, then `text` as it is (no copy).
  void write(std::string_view text);
  void commit();

 private:
  static constexpr std::size_t kChunk = std::size_t{1} << 20;
  void flush();
  void write_out(std::string_view text);
  [[noreturn]] void give_up(int error);

  std::filesystem::path path_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace evojit
