// The journal: one JSON line per evaluation, appended as it finishes. Records are
// kept and written in groups: once `sync_every` records or `sync_seconds` have gone by
// since the last group, they are handed to the kernel in one write() and synced
// (fdatasync), and whenever sync() is called (the run recorder does so before every
// checkpoint, so a checkpoint never counts an evaluation that is not on disk). A
// killed process (kill -9) or a power loss takes at most the records since the last
// group, which no checkpoint counts: a resumed run evaluates them again, and loses
// and repeats nothing. A slow run (an evaluation a second or slower) writes and syncs
// every record. One sync per record cost a replay 6 ms an evaluation; a group of 256
// costs ~0.02 ms.
// A torn last line (a crash in mid-write) is ignored by the reader.
// A group's fdatasync runs on a thread of the writer's own (a replay appends 50k
// records a second; waiting 3 ms a group for the disk took a third of its time): the
// records before it are on disk when it returns, as before, and the loop goes on
// meanwhile. sync() waits for it and syncs what came after, so a checkpoint still
// never counts an evaluation that is not on disk.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace evojit {

struct JournalSync {
  std::size_t every = 256;  // records between syncs (1: every record)
  double seconds = 1.0;     // and at most this long between a record and its sync
};

class JournalWriter {
 public:
  // Opens for appending; creates the file when missing. A torn last line (the write
  // in flight when a run was killed) is cut off first, so that the next record
  // starts on a line of its own.
  explicit JournalWriter(const std::filesystem::path& path, JournalSync sync = {});
  ~JournalWriter();  // syncs what is pending
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void append(const nlohmann::json& record);
  // `line` is one record's JSON text without its newline.
  void append_line(std::string_view line);
  // fdatasync now if anything was appended since the last one (the group sync in
  // flight, if any, finished first).
  void sync();
  // Syncs started, in groups or on demand.
  std::size_t syncs() const { return syncs_; }

 private:
  void write_buffer();  // the records kept, in one write()
  void start_group_sync();
  void wait_for_group_sync();  // rethrows its failure
  void group_sync_thread();

  int fd_ = -1;
  std::filesystem::path path_;
  JournalSync policy_;
  std::size_t pending_ = 0;
  std::size_t syncs_ = 0;
  std::chrono::steady_clock::time_point last_sync_;
  std::string buffer_;  // records not yet written (complete lines)
  // The group-sync thread (started at the first group) and what it shares.
  std::thread syncer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool sync_requested_ = false;
  bool sync_running_ = false;
  bool stopping_ = false;
  std::exception_ptr sync_failure_;
};

// Every complete record, in order. Throws InputError naming the line when a
// complete (newline-terminated) line is not JSON.
std::vector<nlohmann::json> read_journal(const std::filesystem::path& path);

// The last complete record whose "id" is `id`, or nullopt; parses only the lines
// that can be it (the run outputs want one record of a journal of 10^5).
std::optional<nlohmann::json> read_journal_record(const std::filesystem::path& path,
                                                  std::uint64_t id);

}  // namespace evojit
