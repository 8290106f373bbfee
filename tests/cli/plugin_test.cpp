// Plug-ins end to end (runs/plugin_api.hpp): a fitness and a strategy built as MODULE
// libraries (tests/cli/plugins/) are loaded by the CLI, used by a run, recorded in
// run.json and loaded again by `evojit resume`; every kind of bad plug-in is refused
// with one message and exit code 2, nothing written.
#include <cmath>
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

const std::string kCache =
    std::string(EVOJIT_TEST_DATA_DIR) + "/kernel_tuner/vector_add_c_kt1.5.json";

std::string plugin(const std::string& name) {
  return std::string(EVOJIT_TEST_PLUGIN_DIR) + "/libevojit_test_" + name + ".so";
}

std::vector<json> journal(const fs::path& dir) {
  std::vector<json> out;
  std::ifstream in(dir / "journal.jsonl");
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

class PluginTest : public CliTestBase {};

TEST_F(PluginTest, APluginFitnessAndStrategyRunEndToEndAndResume) {
  const fs::path out = dir_ / "run";
  const CliResult r = run_cli("run --replay " + kCache + " --plugin " + plugin("fitness_plugin") +
                              " --plugin " + plugin("strategy_plugin") +
                              " --fitness test-time-ms --strategy test-in-order --budget 4 --out " +
                              out.string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json run = read_json(out / "run.json");
  ASSERT_EQ(run["plugins"].size(), 2u);
  EXPECT_EQ(run["plugins"][0]["path"], plugin("fitness_plugin"));
  EXPECT_FALSE(run["plugins"][0]["hash"].get<std::string>().empty());
  // The plug-in fitness scored every record (time in ms, which no built-in gives).
  const std::vector<json> records = journal(out);
  ASSERT_EQ(records.size(), 4u);
  for (const json& rec : records) {
    const double median_s = rec["evaluation"]["sizes"][0]["timing"]["median_s"].get<double>();
    EXPECT_NEAR(rec["fitness"].get<double>(), median_s * 1e3, 1e-9 * median_s * 1e3);
  }
  // The plug-in strategy walked the cache in its order: four distinct points first.
  EXPECT_NE(records[0]["canonical"], records[1]["canonical"]);

  // resume loads the recorded plug-ins (the command line names none).
  const CliResult resumed = run_cli("resume " + out.string() + " --budget 6 --quiet");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(journal(out).size(), 6u);

  // ... and refuses, exit 2, when one is gone.
  const fs::path moved = dir_ / "fitness_plugin.so";
  fs::copy_file(plugin("fitness_plugin"), moved);
  const fs::path run_dir2 = dir_ / "run2";
  const CliResult second =
      run_cli("run --replay " + kCache + " --plugin " + moved.string() +
              " --fitness test-time-ms --budget 2 --out " + run_dir2.string() + " --quiet");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  fs::remove(moved);
  const CliResult refused = run_cli("resume " + run_dir2.string() + " --budget 4 --quiet");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("missing"), std::string::npos) << refused.output;
  EXPECT_EQ(journal(run_dir2).size(), 2u);
}

TEST_F(PluginTest, TasksListsWhatAPluginRegisters) {
  const CliResult r = run_cli("tasks --plugin " + plugin("fitness_plugin") + " --plugin " +
                              plugin("strategy_plugin"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("test-time-ms"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("test-in-order"), std::string::npos) << r.output;
}

TEST_F(PluginTest, APluginTaskIsListedAndACpuRunOfItIsRefused) {
  const CliResult listed = run_cli("tasks --plugin " + plugin("task_plugin"));
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("test-plugin-task [plug-in, C++ API]"), std::string::npos)
      << listed.output;
  const fs::path out = dir_ / "never";
  const CliResult r =
      run_cli("run --task test-plugin-task --plugin " + plugin("task_plugin") +
              " --budget 2 --profile " + profile_.string() + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("loads no plug-ins"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(PluginTest, AFitnessThatReturnsNaNFailsTheEvaluationNamingIt) {
  const fs::path out = dir_ / "run";
  const CliResult r = run_cli("run --replay " + kCache + " --plugin " + plugin("fitness_plugin") +
                              " --fitness test-nan --budget 3 --out " + out.string() + " --quiet");
  EXPECT_EQ(r.exit_code, 3) << r.output;  // done, no valid evaluation
  for (const json& rec : journal(out)) {
    EXPECT_EQ(rec["status"], "wrong_result");
    EXPECT_NE(rec["evaluation"]["diagnostic"].get<std::string>().find("fitness 'test-nan'"),
              std::string::npos)
        << rec.dump();
  }
}

struct BadPlugin {
  std::string file;
  std::string message;
};

TEST_F(PluginTest, BadPluginsAreRefusedWithOneMessageAndNothingWritten) {
  const fs::path garbage = dir_ / "garbage.so";
  std::ofstream(garbage) << "not a shared object\n";
  const std::vector<BadPlugin> cases = {
      {(dir_ / "absent.so").string(), "no such plug-in file"},
      {garbage.string(), "does not load"},
      {plugin("bad_plugin_1"), "has no evojit_plugin_abi() entry function"},
      {plugin("bad_plugin_2"), "was built for \"evojit 0.0.9 plugin-abi 1\""},
      {plugin("bad_plugin_3"), "registers nothing"},
      {plugin("bad_plugin_4"), "fitness 'time', a name that is already taken"},
      {plugin("bad_plugin_5"), "evojit_test_symbol_nobody_defines"},
  };
  for (const BadPlugin& c : cases) {
    const fs::path out = dir_ / "never";
    const CliResult r = run_cli("run --replay " + kCache + " --plugin " + c.file +
                                " --budget 2 --out " + out.string());
    EXPECT_EQ(r.exit_code, 2) << c.file << ": " << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.file << ": " << r.output;
    EXPECT_NE(r.output.find("--plugin " + c.file), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out)) << c.file;
  }
}

TEST_F(PluginTest, AConfigFileNamesPlugins) {
  const fs::path config = dir_ / "run.json";
  std::ofstream(config) << json{
      {"fitness", "test-time-ms"},
      {"plugins", {plugin("fitness_plugin")}},
      {"budget",
       {{"evaluations", 2}}}}.dump();
  const fs::path out = dir_ / "run";
  const CliResult r = run_cli("run --config " + config.string() + " --replay " + kCache +
                              " --out " + out.string() + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_json(out / "run.json")["plugins"].size(), 1u);
}

}  // namespace
}  // namespace evojit::testing
