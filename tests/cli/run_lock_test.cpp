// One writer per run directory, with two real processes: while `evojit run --out D`
// is alive, a second `run --out D` and a `resume D` exit 2 ("run in progress, pid N")
// and write nothing; once the holder is killed with SIGKILL the kernel has dropped
// its lock and `resume` continues the run to a journal with ids 0..N-1 exactly.
#include <signal.h>

#include <set>

#include <gtest/gtest.h>

#include "tests/cli/process_fixture.hpp"

namespace {

using namespace evojit::testing;
using nlohmann::json;

class RunLockCliTest : public CliTestBase {};

TEST_F(RunLockCliTest, ASecondWriterIsRefusedAndAKilledHolderReleasesTheLock) {
  const fs::path out = dir_ / "run";
  const pid_t holder = spawn_cli(
      {"run", "--task", "triad", "--budget", "40", "--seed", "3", "--max-seconds-per-size", "0.02",
       "--out", out.string(), "--profile", profile_.string()},
      {dir_ / "holder.log"});
  ASSERT_TRUE(wait_until(holder, [&] { return journal_lines(out) >= 1; }))
      << read_text(dir_ / "holder.log");
  const std::string in_progress = "run in progress, pid " + std::to_string(holder);

  const CliResult second = run_cli("run --task triad --budget 5 --out " + out.string() +
                                   " --profile " + profile_.string());
  EXPECT_EQ(second.exit_code, 2) << second.output;
  EXPECT_NE(second.output.find(in_progress), std::string::npos) << second.output;

  const CliResult resume = run_cli("resume " + out.string() + " --budget 60");
  EXPECT_EQ(resume.exit_code, 2) << resume.output;
  EXPECT_NE(resume.output.find(in_progress), std::string::npos) << resume.output;
  // The refused resume did not extend the run it was refused.
  EXPECT_EQ(read_json(out / "run.json")["config"]["budget_evaluations"], 40);

  ::kill(holder, SIGKILL);
  EXPECT_EQ(wait_cli(holder), -SIGKILL);
  const std::size_t done = journal_lines(out);
  const CliResult resumed =
      run_cli("resume " + out.string() + " --budget " + std::to_string(done + 2));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;

  std::ifstream in(out / "journal.jsonl");
  std::string line;
  std::set<std::uint64_t> ids;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    ids.insert(json::parse(line).at("id").get<std::uint64_t>());
    ++lines;
  }
  EXPECT_EQ(lines, done + 2);
  EXPECT_EQ(ids.size(), lines);  // no duplicate id
  EXPECT_EQ(*ids.rbegin(), lines - 1);
}

TEST_F(RunLockCliTest, ALockLeftByAKilledRunIsNoRunInProgress) {
  // A run killed before run.json leaves only run.lock: not a run, and not "in progress".
  const fs::path out = dir_ / "left";
  fs::create_directories(out);
  std::ofstream(out / "run.lock") << "999999\n";
  const CliResult r = run_cli("run --task triad --budget 1 --max-seconds-per-size 0.02 --out " +
                              out.string() + " --profile " + profile_.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(out / "summary.json"));
}

}  // namespace
