// End-to-end tests of the evaluation cache on the command line (cli/cache_command.hpp):
// bad cache flags are one clear error with exit code 2 and nothing written; a repeated
// run is answered by the persistent store and says so; `evojit cache stats|export|clear`.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using evojit::testing::read_json;
using evojit::testing::run_cli;
using nlohmann::json;

class CacheCommandTest : public evojit::testing::CliTestBase {
 protected:
  std::string triad(const fs::path& out, const std::string& extra) const {
    return "run --task triad --budget 3 --seed 2 --set VEC=4 --quiet --max-seconds-per-size "
           "0.02 --profile " +
           profile_.string() + " --out " + out.string() + " " + extra;
  }
};

TEST_F(CacheCommandTest, BadCacheFlagsExitWith2AndWriteNothing) {
  const fs::path out = dir_ / "run";
  std::ofstream(dir_ / "plain") << "a file";
  const std::pair<std::string, std::string> cases[] = {
      {"--cache-measurements 0", "--cache-measurements"},
      {"--cache-forget 1.5", "--cache-forget"},
      {"--cache-forget nan", "--cache-forget"},
      {"--cache " + (dir_ / "plain" / "cache.sqlite").string(), "evaluation cache"},
      {"--cache " + dir_.string(), "not a folder"},
      {"--cache x.sqlite --no-cache", "--no-cache"}};
  for (const auto& [flags, said] : cases) {
    const auto r = run_cli(triad(out, flags));
    EXPECT_EQ(r.exit_code, 2) << flags << "\n" << r.output;
    EXPECT_NE(r.output.find(said), std::string::npos) << flags << "\n" << r.output;
    EXPECT_FALSE(fs::exists(out)) << flags;
  }
}

TEST_F(CacheCommandTest, ARepeatedRunIsAnsweredFromTheStoreAndTheCommandsSeeIt) {
  const fs::path cache = dir_ / "cache.sqlite";
  ASSERT_EQ(run_cli(triad(dir_ / "a", "--cache " + cache.string())).exit_code, 0);
  const auto second = run_cli(triad(dir_ / "b", "--cache " + cache.string()));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  std::ifstream journal(dir_ / "b" / "journal.jsonl");
  std::size_t persistent = 0;
  for (std::string line; std::getline(journal, line);) {
    persistent += json::parse(line).at("cache") == "persistent";
  }
  EXPECT_GT(persistent, 0u);
  EXPECT_EQ(
      read_json(dir_ / "b" / "summary.json").at("cache").at("answered").value("persistent", 0),
      static_cast<int>(persistent));
  const auto show = run_cli("show " + (dir_ / "b").string());
  EXPECT_NE(show.output.find("answered by a cache (persistent"), std::string::npos) << show.output;

  const auto stats = run_cli("cache --cache " + cache.string() + " stats");
  EXPECT_EQ(stats.exit_code, 0) << stats.output;
  EXPECT_NE(stats.output.find("entries"), std::string::npos);
  const auto exported = run_cli("cache --cache " + cache.string() + " export");
  EXPECT_EQ(exported.exit_code, 0);
  std::istringstream lines(exported.output);
  std::string first;
  std::getline(lines, first);
  EXPECT_TRUE(json::parse(first).contains("evaluation")) << first;
  EXPECT_EQ(run_cli("cache --cache " + cache.string() + " clear").exit_code, 0);
  EXPECT_NE(run_cli("cache --cache " + cache.string() + " stats").output.find("entries   0"),
            std::string::npos);
}

TEST_F(CacheCommandTest, NoCacheMeansNoAnswersAndNoFile) {
  ASSERT_EQ(run_cli(triad(dir_ / "a", "--no-cache")).exit_code, 0);
  const json run = read_json(dir_ / "a" / "run.json");
  EXPECT_FALSE(run.at("config").contains("cache"));
  EXPECT_FALSE(fs::exists(fs::path(std::getenv("EVOJIT_CACHE_DIR")) / "evaluations.sqlite"));
}

TEST_F(CacheCommandTest, TheConfigFileChoosesTheCache) {
  const fs::path config = dir_ / "config.json";
  std::ofstream(config) << json{{"cache",
                                 {{"file", (dir_ / "c.sqlite").string()},
                                  {"measurements", 2},
                                  {"forget_probability", 0.25}}}}
                               .dump();
  ASSERT_EQ(run_cli(triad(dir_ / "a", "--config " + config.string())).exit_code, 0);
  const json cache = read_json(dir_ / "a" / "run.json").at("config").at("cache");
  EXPECT_EQ(cache.at("measurements"), 2);
  EXPECT_EQ(cache.at("forget_probability"), 0.25);
  EXPECT_TRUE(fs::exists(dir_ / "c.sqlite"));
  std::ofstream(config) << json{{"cache", {{"measurements", 0}}}}.dump();
  const auto bad = run_cli(triad(dir_ / "b", "--config " + config.string()));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("/cache/measurements"), std::string::npos) << bad.output;
}

}  // namespace
