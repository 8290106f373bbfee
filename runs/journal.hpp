// The journal: one JSON line per evaluation, appended and flushed to disk record by
// record (fdatasync), so a killed run loses at most the evaluation in flight. A
// torn last line (a crash in mid-write) is ignored by the reader.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evojit {

class JournalWriter {
 public:
  // Opens for appending; creates the file when missing. A torn last line (the write
  // in flight when a run was killed) is cut off first, so that the next record
  // starts on a line of its own.
  explicit JournalWriter(const std::filesystem::path& path);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void append(const nlohmann::json& record);

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

// Every complete record, in order. Throws InputError naming the line when a
// complete (newline-terminated) line is not JSON.
std::vector<nlohmann::json> read_journal(const std::filesystem::path& path);

}  // namespace evojit
