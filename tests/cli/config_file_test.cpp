// End-to-end tests of `evojit run --config FILE.json`: the file configures the run,
// flags given on the command line override it, and a bad file is a bad input (exit
// code 2, the JSON pointer in the message, nothing written).
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using evojit::testing::read_json;
using evojit::testing::run_cli;
using Result = evojit::testing::CliResult;

class ConfigFileTest : public evojit::testing::CliTestBase {
 protected:
  fs::path write_config(const json& config) const {
    const fs::path path = dir_ / "run.json";
    std::ofstream(path) << config.dump(2);
    return path;
  }

  json triad_config(const fs::path& out) const {
    return {{"task", "triad"},
            {"budget", {{"evaluations", 2}}},
            {"seed", 5},
            {"out", out.string()},
            {"overrides", {{"VEC", 4}}},
            {"measure", {{"max_seconds", 0.02}}},
            {"profile", profile_.string()}};
  }
};

TEST_F(ConfigFileTest, TheFileConfiguresTheRunAndFlagsOverrideIt) {
  const fs::path out = dir_ / "from-file";
  const fs::path config = write_config(triad_config(out));
  const Result r = run_cli("run --config " + config.string() + " --budget 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const json run = read_json(out / "run.json");
  EXPECT_EQ(run["config"]["task"], "triad");
  EXPECT_EQ(run["seed"], 5);                               // from the file
  EXPECT_EQ(run["config"]["budget_evaluations"], 3);       // the flag wins
  EXPECT_EQ(run["config"]["overrides"], json({"VEC=4"}));  // from the file
  EXPECT_DOUBLE_EQ(run["config"]["measure"]["max_seconds"].get<double>(), 0.02);
  EXPECT_EQ(read_json(out / "summary.json")["evaluations"], 3);
}

TEST_F(ConfigFileTest, ABadFileExitsWith2NamesThePointerAndWritesNothing) {
  const fs::path out = dir_ / "never";
  json config = triad_config(out);
  config["budget"]["evaluations"] = -3;
  const Result r = run_cli("run --config " + write_config(config).string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("run.json: /budget/evaluations: expected a positive integer"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out)) << "a bad configuration must not create the run directory";
}

TEST_F(ConfigFileTest, AnUnknownKeyIsABadInput) {
  const fs::path out = dir_ / "never";
  json config = triad_config(out);
  config["stratgy"] = "random";
  const Result r = run_cli("run --config " + write_config(config).string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/stratgy: unknown key"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("did you mean \"strategy\"?"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ConfigFileTest, AMissingFileIsABadInput) {
  const Result r = run_cli("run --config " + (dir_ / "nope.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("nope.json: no such file"), std::string::npos) << r.output;
}

}  // namespace
