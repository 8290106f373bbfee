#include <gtest/gtest.h>

#include "runs/held_out.hpp"
#include "runs/journal.hpp"
#include "runs/run_plan.hpp"

#include <filesystem>
#include <fstream>

namespace evojit {
namespace {

Evaluation ok_with(double fitness) {
  Evaluation e;
  e.fitness = fitness;
  return e;
}

TEST(HeldOut, PassesWhenTheHeldOutScoreHolds) {
  const HeldOutVerdict v = judge_held_out(0.8, ok_with(0.6), 0.5);
  EXPECT_EQ(v.verdict, "pass");
  EXPECT_DOUBLE_EQ(v.ratio, 0.75);
}

TEST(HeldOut, FlagsACollapse) {
  // The Metal-Sci 2.95x -> 0.23x kind of collapse.
  const HeldOutVerdict v = judge_held_out(2.95, ok_with(0.23), 0.5);
  EXPECT_EQ(v.verdict, "collapse");
  EXPECT_NE(v.note.find("0.08x"), std::string::npos) << v.note;
}

TEST(HeldOut, FlagsAWrongResultAtTheUnseenSize) {
  Evaluation wrong;
  wrong.status = EvalStatus::wrong_result;
  wrong.diagnostic = "size n=3000001: index 2999999";
  const HeldOutVerdict v = judge_held_out(0.9, wrong, 0.5);
  EXPECT_EQ(v.verdict, "fail");
  EXPECT_EQ(v.held_out_fitness, 0.0);
  EXPECT_NE(v.note.find("wrong_result"), std::string::npos);
}

TEST(Journal, AppendsRecordsAndIgnoresATornTail) {
  const auto path = std::filesystem::temp_directory_path() / "evojit-journal-test.jsonl";
  std::filesystem::remove(path);
  {
    JournalWriter w(path);
    w.append({{"id", 0}});
    w.append({{"id", 1}});
  }
  std::ofstream(path, std::ios::app) << "{\"id\": 2, \"trunc";  // a crash mid-write
  const auto records = read_journal(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["id"], 1);
  std::filesystem::remove(path);
}

TEST(RunPlan, RequireFreshDirectoryRejectsANonEmptyDirectory) {
  const auto dir = std::filesystem::temp_directory_path() / "evojit-fresh-dir-test";
  std::filesystem::remove_all(dir);
  EXPECT_NO_THROW(require_fresh_directory(dir));
  std::filesystem::create_directories(dir);
  EXPECT_NO_THROW(require_fresh_directory(dir));
  std::ofstream(dir / "x") << "x";
  EXPECT_THROW(require_fresh_directory(dir), InputError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace evojit
