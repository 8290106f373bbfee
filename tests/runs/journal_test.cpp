// The journal's group sync: records reach the file one write each (a killed process
// loses none of them), fdatasync runs once per group (by count, by time) and on
// demand (before a checkpoint).
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

TEST_F(JournalSyncTest, RecordsAreWrittenAtOnceAndSyncedInGroupsByCount) {
  JournalWriter journal(path_, JournalSync{256, 3600.0});
  for (int i = 0; i < 1000; ++i) {
    journal.append({{"id", i}});
    // Written through at once: a kill -9 now would lose nothing appended.
    if (i == 10) {
      EXPECT_EQ(read_journal(path_).size(), 11u);
    }
  }
  EXPECT_EQ(journal.syncs(), 3u);  // after records 256, 512 and 768
  journal.sync();                  // what the recorder does before a checkpoint
  EXPECT_EQ(journal.syncs(), 4u);
  journal.sync();  // nothing new: no second sync
  EXPECT_EQ(journal.syncs(), 4u);
  EXPECT_EQ(read_journal(path_).size(), 1000u);
}

TEST_F(JournalSyncTest, ASyncEveryRecordWhenTheGroupPeriodIsZero) {
  JournalWriter journal(path_, JournalSync{256, 0.0});
  for (int i = 0; i < 5; ++i) journal.append({{"id", i}});
  EXPECT_EQ(journal.syncs(), 5u);
}

}  // namespace
}  // namespace evojit
