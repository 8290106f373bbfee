// `evojit resume` refuses what is not its run's own, having written nothing: an
// edited run.json, a checkpoint or journal copied from another run (every file
// carries the run id), a replayed cache that changed, journal records with values no
// evaluation has. Replay runs keep these fast.
#include <gtest/gtest.h>

#include "tests/cli/process_fixture.hpp"

namespace {

using namespace evojit::testing;
using nlohmann::json;

const std::string kCache = std::string(EVOJIT_TEST_DATA_DIR) + "/spaces/gemm_RTX_3090.json.gz";

class ResumeRefusalTest : public CliTestBase {
 protected:
  // A finished replay run of 20 evaluations with `seed`.
  fs::path replay(const std::string& name, int seed) {
    const fs::path out = dir_ / name;
    const CliResult r = run_cli("run --replay " + kCache + " --budget 20 --seed " +
                                std::to_string(seed) + " --out " + out.string());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return out;
  }
  // Resuming `out` with a larger budget fails with `expected`, leaving its files as
  // they were.
  void expect_refused(const fs::path& out, const std::string& expected) {
    const std::string run = read_text(out / "run.json");
    const std::string journal = read_text(out / "journal.jsonl");
    const CliResult r = run_cli("resume " + out.string() + " --budget 30");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
    EXPECT_EQ(read_text(out / "run.json"), run);
    EXPECT_EQ(read_text(out / "journal.jsonl"), journal);
  }
};

TEST_F(ResumeRefusalTest, AnEditedRunJsonIsRefused) {
  const fs::path out = replay("a", 1);
  json run = read_json(out / "run.json");
  run["config"]["seed"] = 2;
  std::ofstream(out / "run.json") << run.dump(2);
  expect_refused(out, "run.json was edited");
}

TEST_F(ResumeRefusalTest, ACheckpointOfAnotherRunIsRefused) {
  const fs::path a = replay("a", 1);
  const fs::path b = replay("b", 2);
  fs::copy_file(b / "checkpoint.json", a / "checkpoint.json", fs::copy_options::overwrite_existing);
  expect_refused(a, "belongs to another run");
}

TEST_F(ResumeRefusalTest, AJournalOfAnotherRunIsRefused) {
  const fs::path a = replay("a", 1);
  const fs::path b = replay("b", 2);
  fs::copy_file(b / "journal.jsonl", a / "journal.jsonl", fs::copy_options::overwrite_existing);
  expect_refused(a, "belongs to another run");
}

TEST_F(ResumeRefusalTest, ARecordWithAnImpossibleValueIsRefused) {
  const fs::path out = replay("a", 1);
  std::string journal = read_text(out / "journal.jsonl");
  const std::size_t at = journal.find("\"elapsed_s\":");
  ASSERT_NE(at, std::string::npos);
  journal.insert(at + std::string("\"elapsed_s\":").size(), "-");  // a negative time
  std::ofstream(out / "journal.jsonl") << journal;
  expect_refused(out, "impossible journal record");
}

TEST_F(ResumeRefusalTest, AReplayedCacheThatChangedIsRefused) {
  const fs::path cache = dir_ / "cache.json.gz";
  fs::copy_file(kCache, cache);
  const fs::path out = dir_ / "a";
  ASSERT_EQ(
      run_cli("run --replay " + cache.string() + " --budget 20 --out " + out.string()).exit_code,
      0);
  fs::copy_file(std::string(EVOJIT_TEST_DATA_DIR) + "/spaces/pnpoly_RTX_3090.json.gz", cache,
                fs::copy_options::overwrite_existing);
  expect_refused(out, "not the one this run replays");
}

}  // namespace
