// SIGINT (to the whole process group, as a terminal's Ctrl-C) and SIGTERM stop a run
// cleanly: exit 130 / 143, the checkpoint written and matching the journal, no
// summary (the run is unfinished), no worker scratch directory left, the `evojit
// resume` command printed, and resume then finishes the run. A disk that fills up
// (here a file size limit, which fails write() as a full disk does) or an unwritable
// --out, --profile or TMPDIR is exit 2 naming the path, with no temporary file left.
#include <signal.h>
#include <stdlib.h>

#include <gtest/gtest.h>

#include "tests/cli/process_fixture.hpp"

namespace {

using namespace evojit::testing;

class SignalCliTest : public CliTestBase {
 protected:
  void SetUp() override {
    CliTestBase::SetUp();
    scratch_ = dir_ / "tmp";
    fs::create_directories(scratch_);
    const char* tmp = std::getenv("TMPDIR");
    saved_tmpdir_ = tmp ? tmp : "";
    had_tmpdir_ = tmp != nullptr;
    ::setenv("TMPDIR", scratch_.c_str(), 1);  // the workers' scratch directories go here
  }
  void TearDown() override {
    if (had_tmpdir_) {
      ::setenv("TMPDIR", saved_tmpdir_.c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
    CliTestBase::TearDown();
  }
  std::vector<std::string> run_args(const fs::path& out, const char* budget) const {
    return {"run",  "--task", "triad",      "--budget",  budget,           "--max-seconds-per-size",
            "0.02", "--out",  out.string(), "--profile", profile_.string()};
  }

  // Starts a run, waits for its first journaled evaluation, sends `signal` (to its
  // process group when `group`) and checks the clean stop.
  void stop_with(int signal, bool group) {
    const fs::path out = dir_ / "run";
    const fs::path log = dir_ / "run.log";
    const pid_t pid = spawn_cli(run_args(out, "500"), {log, /*own_process_group=*/true});
    ASSERT_TRUE(wait_until(pid, [&] { return journal_lines(out) >= 1; })) << read_text(log);
    ::kill(group ? -pid : pid, signal);
    EXPECT_EQ(wait_cli(pid), 128 + signal) << read_text(log);
    const std::string output = read_text(log);
    EXPECT_NE(output.find("evojit resume " + out.string()), std::string::npos) << output;
    ASSERT_TRUE(fs::exists(out / "checkpoint.json"));
    EXPECT_FALSE(fs::exists(out / "summary.json"));
    const std::size_t done = journal_lines(out);
    EXPECT_LT(done, 500u);
    EXPECT_EQ(read_json(out / "checkpoint.json")["evaluations"], done);
    // No worker failed because of the signal: each evaluation in flight finished.
    std::ifstream in(out / "journal.jsonl");
    for (std::string line; std::getline(in, line);) {
      EXPECT_EQ(nlohmann::json::parse(line)["status"], "ok") << line;
    }
    EXPECT_TRUE(fs::is_empty(scratch_)) << "scratch directories left in " << scratch_;
    EXPECT_TRUE(temp_files(out).empty());

    const CliResult resumed =
        run_cli("resume " + out.string() + " --budget " + std::to_string(done + 1));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_EQ(journal_lines(out), done + 1);
    EXPECT_TRUE(fs::exists(out / "summary.json"));
  }

  fs::path scratch_;
  std::string saved_tmpdir_;
  bool had_tmpdir_ = false;
};

TEST_F(SignalCliTest, CtrlCToTheProcessGroupStopsCleanlyWith130) { stop_with(SIGINT, true); }

TEST_F(SignalCliTest, SigtermStopsCleanlyWith143) { stop_with(SIGTERM, false); }

TEST_F(SignalCliTest, AFullDiskIsExitCode2WithNoTemporaryFileLeft) {
  const fs::path out = dir_ / "full";
  const fs::path log = dir_ / "full.log";
  // Room for run.json (about 1.3 KB) and a few journal records (1.4 KB each), not 40.
  const pid_t pid = spawn_cli(run_args(out, "40"), {log, false, 6000});
  EXPECT_EQ(wait_cli(pid), 2) << read_text(log);
  const std::string output = read_text(log);
  EXPECT_NE(output.find(out.string()), std::string::npos) << output;
  EXPECT_NE(output.find("free space"), std::string::npos) << output;
  EXPECT_TRUE(temp_files(out).empty());
  EXPECT_TRUE(fs::is_empty(scratch_));
  // Space freed, the run goes on from where the disk filled up.
  const CliResult resumed =
      run_cli("resume " + out.string() + " --budget " + std::to_string(journal_lines(out) + 1));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
}

TEST_F(SignalCliTest, UnwritableOutProfileOrTmpdirIsExitCode2NamingThePath) {
  const fs::path file = dir_ / "a-file";
  std::ofstream(file) << "not a directory\n";
  const std::string base = "run --task triad --budget 1 --max-seconds-per-size 0.02 ";

  CliResult r =
      run_cli(base + "--out " + (file / "run").string() + " --profile " + profile_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find((file / "run").string()), std::string::npos) << r.output;

  // A profile that does not exist yet would be measured: refused before measuring.
  r = run_cli(base + "--out " + (dir_ / "p").string() + " --profile " +
              (file / "profile.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--profile"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "p"));

  ::setenv("TMPDIR", file.c_str(), 1);
  r = run_cli(base + "--out " + (dir_ / "t").string() + " --profile " + profile_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("TMPDIR=" + file.string()), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "t"));
}

}  // namespace
