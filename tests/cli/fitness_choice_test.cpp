// Choosing the fitness from the command line: --objective on a replayed Kernel Tuner
// cache picks the field and its direction; speedup compares with the seed (measured
// once, recorded in run.json) or with a given baseline.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace evojit::testing {
namespace {

using nlohmann::json;

class FitnessChoiceTest : public CliTestBase {
 protected:
  // Four block sizes whose energy order differs from their time order: the least
  // energy is block 2, the most block 3, the fastest block 3.
  fs::path write_cache() {
    const double time_ms[] = {1.0, 3.0, 0.5, 2.0};
    const double energy[] = {5.0, 2.0, 9.0, 4.0};
    json cache = json::object();
    for (int b = 1; b <= 4; ++b) {
      const double t = time_ms[b - 1];
      cache[std::to_string(b)] = {{"block", b},
                                  {"time", t},
                                  {"times", {t, t, t}},
                                  {"compile_time", 10.0},
                                  {"verification_time", 0},
                                  {"benchmark_time", 3 * t},
                                  {"energy", energy[b - 1]}};
    }
    const fs::path file = dir_ / "energy_cache.json";
    std::ofstream(file) << json{
        {"device_name", "test GPU"},
        {"kernel_name", "k"},
        {"problem_size", {1024}},
        {"tune_params_keys", {"block"}},
        {"tune_params", {{"block", {1, 2, 3, 4}}}},
        {"objective", "time"},
        {"cache", cache}}.dump();
    return file;
  }

  // The block of the run's best configuration.
  int best_block(const fs::path& out) {
    const json best = read_json(out / "best" / "best.json");
    std::ifstream in(out / "journal.jsonl");
    std::size_t id = best["id"].get<std::size_t>();
    std::string line;
    for (std::size_t i = 0; i <= id; ++i) std::getline(in, line);
    return json::parse(line)["genome"]["block"].get<int>();
  }

  CliResult replay(const std::string& flags, const fs::path& out,
                   const std::string& strategy = "random") {
    return run_cli("run --replay " + write_cache().string() + " --strategy " + strategy +
                   " --budget 4 --quiet --out " + out.string() + " " + flags);
  }
};

TEST_F(FitnessChoiceTest, AnObjectivePicksTheRecordedFieldAndItsDirection) {
  struct Case {
    std::string objective;
    int best;
  };
  for (const Case& c :
       std::vector<Case>{{"energy:min", 2}, {"energy:max", 3}, {"time:min", 3}, {"time:max", 2}}) {
    const fs::path out = dir_ / ("run-" + std::to_string(c.best) + c.objective.substr(0, 2) +
                                 c.objective.substr(c.objective.size() - 3));
    const CliResult r = replay("--objective " + c.objective, out);
    ASSERT_EQ(r.exit_code, 0) << c.objective << ": " << r.output;
    EXPECT_EQ(best_block(out), c.best) << c.objective;
    EXPECT_EQ(read_json(out / "run.json")["config"]["fitness"], "objective");
  }
}

TEST_F(FitnessChoiceTest, SeveralObjectivesRunNsga2) {
  const fs::path out = dir_ / "nsga2";
  const CliResult r = replay("--objective energy:min,time:min", out, "nsga2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // NSGA-II was told both objectives, minimized: [energy, time in ms] of each point.
  const json archive = read_json(out / "checkpoint.json")["strategy_state"]["archive"];
  ASSERT_FALSE(archive.empty());
  const double time_ms[] = {1.0, 3.0, 0.5, 2.0};
  const double energy[] = {5.0, 2.0, 9.0, 4.0};
  for (const json& point : archive) {
    const std::size_t block_index = point["config"][0].get<std::size_t>();
    ASSERT_LT(block_index, 4u);
    ASSERT_EQ(point["objectives"].size(), 2u) << point.dump();
    EXPECT_DOUBLE_EQ(point["objectives"][0].get<double>(), energy[block_index]);
    EXPECT_NEAR(point["objectives"][1].get<double>(), time_ms[block_index], 1e-12);
  }
}

TEST_F(FitnessChoiceTest, BadObjectivesAndFitnessChoicesAreRefused) {
  struct Case {
    std::string flags;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"--objective power:min", "no recorded field 'power'"},
           {"--objective energy:least", "the direction is min or max"},
           {"--objective energy:min --fitness time", "--objective chooses the objective fitness"},
           {"--fitness speedup", "no seed"},
           {"--fitness throughput", "gives no flops"}}) {
    const fs::path out = dir_ / "never";
    const CliResult r = replay(c.flags, out);
    EXPECT_EQ(r.exit_code, 2) << c.flags << ": " << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.flags << ": " << r.output;
    EXPECT_FALSE(fs::exists(out)) << c.flags;
  }
}

TEST_F(FitnessChoiceTest, SpeedupOverAGivenBaseline) {
  const fs::path out = dir_ / "speedup";
  const CliResult r = replay("--fitness speedup --fitness-params '{\"baseline_ms\": 2.0}'", out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(best_block(out), 3);
  EXPECT_DOUBLE_EQ(read_json(out / "best" / "best.json")["fitness"].get<double>(), 4.0);  // 2 / 0.5
}

TEST_F(FitnessChoiceTest, SpeedupOverTheSeedRecordsTheBaselineOnTheCpu) {
  const fs::path out = dir_ / "cpu";
  const CliResult r = run_cli(
      "run --task triad --strategy random --budget 2 --fitness speedup "
      "--quiet --max-seconds-per-size 0.02 --profile " +
      profile_.string() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json params = read_json(out / "run.json")["config"]["fitness_params"];
  ASSERT_TRUE(params.contains("baseline_ms")) << params.dump();
  EXPECT_GT(params["baseline_ms"].get<double>(), 0.0);
  // A resume compares with the recorded baseline: nothing to measure, the same figure.
  const CliResult resumed = run_cli("resume " + out.string() + " --budget 3 --quiet");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(read_json(out / "run.json")["config"]["fitness_params"], params);
}

}  // namespace
}  // namespace evojit::testing
