// The journal's group sync: records reach the file in groups, one write each, and
// are synced (fdatasync) as a group (by count, by time) and on demand (before a
// checkpoint); what a kill can take is the group not yet written, which no
// checkpoint counts.
#include "runs/journal.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace evojit {
namespace {

namespace fs = std::filesystem;

class JournalSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("evojit-journal-" + std::to_string(::getpid()) + ".jsonl");
    fs::remove(path_);
  }
  void TearDown() override { fs::remove(path_); }
  fs::path path_;
};

TEST_F(JournalSyncTest, RecordsAreWrittenAndSyncedInGroupsByCount) {
  JournalWriter journal(path_, JournalSync{256, 3600.0});
  for (int i = 0; i < 1000; ++i) {
    journal.append({{"id", i}});
    // A group reaches the file whole when it is complete, not before.
    if (i == 10) EXPECT_EQ(read_journal(path_).size(), 0u);
    if (i == 255 || i == 256) EXPECT_EQ(read_journal(path_).size(), 256u);
  }
  EXPECT_EQ(journal.syncs(), 3u);  // after records 256, 512 and 768
  EXPECT_EQ(read_journal(path_).size(), 768u);
  journal.sync();  // what the recorder does before a checkpoint: the rest written too
  EXPECT_EQ(journal.syncs(), 4u);
  EXPECT_EQ(read_journal(path_).size(), 1000u);
  journal.sync();  // nothing new: no second sync
  EXPECT_EQ(journal.syncs(), 4u);
}

TEST_F(JournalSyncTest, ASlowRunWritesEveryRecordAsItComes) {
  // A group is also due once its period is over: a run slower than that writes
  // (and syncs) each record at once.
  JournalWriter journal(path_, JournalSync{256, 0.001});
  for (int i = 0; i < 3; ++i) {
    ::usleep(2000);
    journal.append({{"id", i}});
    EXPECT_EQ(read_journal(path_).size(), static_cast<std::size_t>(i + 1));
  }
}

TEST_F(JournalSyncTest, RecordsNotYetWrittenAreWrittenWhenTheWriterCloses) {
  {
    JournalWriter journal(path_, JournalSync{256, 3600.0});
    for (int i = 0; i < 10; ++i) journal.append({{"id", i}});
  }
  EXPECT_EQ(read_journal(path_).size(), 10u);
}

TEST_F(JournalSyncTest, ASyncEveryRecordWhenTheGroupPeriodIsZero) {
  JournalWriter journal(path_, JournalSync{256, 0.0});
  for (int i = 0; i < 5; ++i) journal.append({{"id", i}});
  EXPECT_EQ(journal.syncs(), 5u);
}

}  // namespace
}  // namespace evojit
