// A run that cannot do its job fails before it writes anything (exit code 2, no run
// directory): no worker can start, no point of the space is valid or a condition
// cannot be evaluated, a replayed cache is empty, holds one configuration, or is
// truncated. Before, these "finished" with worker_lost records, a silently smaller
// space, or a replay of nothing.
#include <cstdlib>

#include <gtest/gtest.h>

#include "tests/cli/process_fixture.hpp"

namespace {

using namespace evojit::testing;

class FailingRunTest : public CliTestBase {
 protected:
  CliResult run_triad(const std::string& extra) {
    return run_cli("run --task triad --budget 3 --max-seconds-per-size 0.02 " + extra + " --out " +
                   out().string() + " --profile " + profile_.string());
  }
  fs::path out() const { return dir_ / "out"; }

  // A Kernel Tuner cache of one parameter X in 1..3 with `entries` entries (X = 1..entries),
  // cut after the first entry when `truncated`.
  fs::path write_cache(int entries, bool truncated) {
    std::string cache;
    std::string values;
    for (int i = 1; i <= entries; ++i) {
      cache += (i > 1 ? ", " : "") + std::string("\"") + std::to_string(i) +
               "\": {\"X\": " + std::to_string(i) + ", \"time\": " + std::to_string(1.0 + i) +
               ", \"times\": [" + std::to_string(1.0 + i) + "]}";
    }
    for (int i = 1; i <= 3; ++i) values += (i > 1 ? ", " : "") + std::to_string(i);
    std::string text =
        "{\"device_name\": \"test\", \"kernel_name\": \"k\", \"problem_size\": "
        "[1], \"tune_params_keys\": [\"X\"], \"tune_params\": {\"X\": [" +
        values + "]}, \"objective\": \"time\", \"cache\": {" + cache + "}}";
    if (truncated) text = text.substr(0, text.find("}, \"2\"") + 1);
    const fs::path file =
        dir_ / ("cache" + std::to_string(entries) + (truncated ? "-cut" : "") + ".json");
    std::ofstream(file) << text;
    return file;
  }
};

TEST_F(FailingRunTest, NoWorkerCanStart) {
  const char* built = std::getenv("EVOJIT_WORKER");
  const std::string saved = built ? built : "";
  for (const char* worker : {"/bin/false", "/nonexistent/evojit-worker"}) {
    ::setenv("EVOJIT_WORKER", worker, 1);  // the evojit process inherits it
    const CliResult r = run_triad("");
    EXPECT_EQ(r.exit_code, 2) << worker << ": " << r.output;
    EXPECT_NE(r.output.find("no worker can start"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(worker), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out())) << worker;
  }
  if (built) {
    ::setenv("EVOJIT_WORKER", saved.c_str(), 1);
  } else {
    ::unsetenv("EVOJIT_WORKER");
  }
}

TEST_F(FailingRunTest, AConditionThatDividesByZeroIsAnError) {
  // Valid points exist (VEC != 4), but the condition fails at VEC = 4.
  CliResult r = run_triad("--constraint 'VEC / (VEC - 4) > 0'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("ZeroDivisionError"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("VEC=4"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out()));
  r = run_triad("--constraint 'VEC / 0 == 1'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("ZeroDivisionError"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(FailingRunTest, AReplayOfAnEmptySingleOrTruncatedCacheIsRefused) {
  struct Case {
    int entries;
    bool truncated;
    const char* expected;
  };
  for (const Case& c : {Case{0, false, "no configurations"}, Case{1, false, "single"},
                        Case{3, true, "truncated"}}) {
    const fs::path cache = write_cache(c.entries, c.truncated);
    const CliResult r =
        run_cli("run --replay " + cache.string() + " --budget 5 --out " + out().string());
    EXPECT_EQ(r.exit_code, 2) << cache << ": " << r.output;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out())) << cache;
  }
  // The same cache, complete, replays.
  const CliResult r = run_cli("run --replay " + write_cache(3, false).string() +
                              " --budget 2 --out " + out().string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
