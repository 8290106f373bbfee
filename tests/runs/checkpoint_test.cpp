// checkpoint.json round trip, its errors, and the journal's torn-tail repair that a
// resume relies on.
#include "runs/checkpoint.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "runs/journal.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-checkpoint-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string read(const fs::path& p) const {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  fs::path dir_;
};

TEST_F(CheckpointTest, RoundTripsEverythingARunNeeds) {
  Rng rng(42);
  for (int i = 0; i < 1000; ++i) rng();
  Checkpoint c;
  c.strategy = "regularized-evolution";
  c.strategy_state = {{"population", {{{"config", {1, 2}}, {"fitness", 0.1 + 0.2}}}},
                      {"random_asked", 7}};
  c.rng = rng.save();
  c.loop = {37, 5, 2, 12.345678901234567};
  write_checkpoint(dir_, c);

  const std::optional<Checkpoint> back = read_checkpoint(dir_);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->strategy, c.strategy);
  EXPECT_EQ(back->strategy_state, c.strategy_state);
  EXPECT_EQ(back->loop.evaluations, 37u);
  EXPECT_EQ(back->loop.duplicates, 5u);
  EXPECT_EQ(back->loop.duplicate_streak, 2u);
  EXPECT_EQ(back->loop.elapsed_s, c.loop.elapsed_s);  // exact: JSON keeps every bit
  Rng restored;
  restored.restore(back->rng);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(restored(), rng());
  EXPECT_EQ(to_json(*back)["last_id"], 36);
}

TEST_F(CheckpointTest, ARunWithoutOneHasNone) { EXPECT_FALSE(read_checkpoint(dir_)); }

TEST_F(CheckpointTest, ACorruptOneIsAnInputError) {
  for (const char* text : {"{\"format\": 1, \"strat", "[1, 2]", "{\"format\": 99}",
                           "{\"format\": 1, \"strategy\": \"random\", \"strategy_state\": {}, "
                           "\"rng\": \"1 2\", \"evaluations\": -3, \"duplicates\": 0, "
                           "\"duplicate_streak\": 0, \"elapsed_s\": 0}"}) {
    std::ofstream(dir_ / kCheckpointFile) << text;
    EXPECT_THROW(read_checkpoint(dir_), InputError) << text;
  }
}

TEST_F(CheckpointTest, RewritingReplacesTheWholeFile) {
  Checkpoint c;
  c.strategy = "random";
  c.strategy_state = {{"proposed", nlohmann::json::array()}};
  c.rng = Rng(1).save();
  c.loop.evaluations = 10;
  write_checkpoint(dir_, c);
  c.loop.evaluations = 20;
  write_checkpoint(dir_, c);
  EXPECT_EQ(read_checkpoint(dir_)->loop.evaluations, 20u);
  // Nothing but the checkpoint is left beside it (no temporary files).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(CheckpointTest, AReopenedJournalCutsATornLastLineBeforeAppending) {
  const fs::path journal = dir_ / "journal.jsonl";
  std::ofstream(journal) << "{\"id\":0}\n{\"id\":1}\n{\"id\":2,\"genome\":{\"VE";
  {
    JournalWriter writer(journal);
    writer.append({{"id", 2}});
  }
  EXPECT_EQ(read(journal), "{\"id\":0}\n{\"id\":1}\n{\"id\":2}\n");
  EXPECT_EQ(read_journal(journal).size(), 3u);
}

TEST_F(CheckpointTest, AJournalWithOnlyATornLineStartsEmpty) {
  const fs::path journal = dir_ / "journal.jsonl";
  std::ofstream(journal) << std::string(10000, 'x');  // longer than one read block
  { JournalWriter writer(journal); }
  EXPECT_EQ(read(journal), "");
}

TEST_F(CheckpointTest, ACompleteJournalIsLeftAsItIs) {
  const fs::path journal = dir_ / "journal.jsonl";
  std::string text;
  for (int i = 0; i < 500; ++i) text += "{\"id\":" + std::to_string(i) + "}\n";
  std::ofstream(journal) << text;
  { JournalWriter writer(journal); }
  EXPECT_EQ(read(journal), text);
}

}  // namespace
}  // namespace evojit
