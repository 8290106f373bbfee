#include "runs/run_config_file.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

// The message of the InputError that parsing `text` throws ("" when none).
std::string error_of(const std::string& text) {
  try {
    parse_run_config(text, "run.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(RunConfigFile, ReadsEveryKey) {
  const RunSpec c = parse_run_config(R"({
    "task": "heat2d", "strategy": "regularized-evolution",
    "strategy_params": {"population": 16},
    "budget": {"evaluations": 200, "seconds": 60.5}, "seed": 3, "out": "runs/h",
    "overrides": {"THREADS": 1, "NONTEMPORAL": true, "MODE": "fast", "SCALE": 0.5},
    "constraints": ["TILE_X >= 64"], "workers": 2,
    "measure": {"warmup": 1, "min_repetitions": 3, "max_repetitions": 50,
                "target_relative_error": 0.02, "max_seconds": 0.25},
    "collapse_ratio": 0.4, "profile": "p.json"})",
                                       "run.json");
  EXPECT_EQ(c.task, "heat2d");
  EXPECT_EQ(c.strategy, "regularized-evolution");
  EXPECT_EQ(c.strategy_params["population"], 16);
  EXPECT_EQ(c.budget_evaluations, 200u);
  EXPECT_DOUBLE_EQ(c.budget_seconds, 60.5);
  EXPECT_EQ(c.seed, 3u);
  EXPECT_EQ(c.out_dir, "runs/h");
  // Object keys come back sorted (nlohmann orders them); each as NAME=VALUE text.
  EXPECT_EQ(c.overrides,
            (std::vector<std::string>{"MODE=fast", "NONTEMPORAL=True", "SCALE=0.5", "THREADS=1"}));
  EXPECT_EQ(c.constraints, std::vector<std::string>{"TILE_X >= 64"});
  EXPECT_EQ(c.workers, 2u);
  EXPECT_EQ(c.measure.warmup, 1);
  EXPECT_EQ(c.measure.min_repetitions, 3);
  EXPECT_EQ(c.measure.max_repetitions, 50);
  EXPECT_DOUBLE_EQ(c.measure.target_relative_error, 0.02);
  EXPECT_DOUBLE_EQ(c.measure.max_seconds, 0.25);
  EXPECT_DOUBLE_EQ(c.collapse_ratio, 0.4);
  EXPECT_EQ(c.profile_path, "p.json");
}

TEST(RunConfigFile, MissingKeysKeepTheDefaults) {
  const RunSpec c = parse_run_config(R"({"task": "triad", "overrides": ["VEC=4"]})", "r.json");
  const RunSpec defaults;
  EXPECT_EQ(c.task, "triad");
  EXPECT_EQ(c.overrides, std::vector<std::string>{"VEC=4"});
  EXPECT_EQ(c.strategy, defaults.strategy);
  EXPECT_EQ(c.budget_evaluations, defaults.budget_evaluations);
  EXPECT_EQ(c.seed, defaults.seed);
  EXPECT_EQ(c.measure.max_repetitions, defaults.measure.max_repetitions);
}

TEST(RunConfigFile, AnIntegralFloatCountsAsAnInteger) {
  EXPECT_EQ(parse_run_config(R"({"budget": {"evaluations": 50.0}})", "r").budget_evaluations, 50u);
}

TEST(RunConfigFile, ErrorsNameTheFileAndTheJsonPointer) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {R"({"budget": {"evaluations": -3}})",
       "run.json: /budget/evaluations: expected a positive integer or 0 (no limit), got -3"},
      {R"({"budget": {"evaluations": 2.5}})", "run.json: /budget/evaluations: "},
      {R"({"budget": {"seconds": -1}})", "run.json: /budget/seconds: expected a non-negative"},
      {R"({"budget": 100})", "run.json: /budget: expected an object, got 100"},
      {R"({"seed": "seven"})", "run.json: /seed: expected a non-negative integer, got \"seven\""},
      {R"({"workers": 0})", "run.json: /workers: expected a positive integer"},
      {R"({"workers": 100000})", "run.json: /workers: "},
      {R"({"task": 3})", "run.json: /task: expected a string, got 3"},
      {R"({"task": ""})", "run.json: /task: expected a non-empty string"},
      {R"({"strategy_params": [1]})", "run.json: /strategy_params: expected an object, got a list"},
      {R"({"overrides": ["VEC"]})", "run.json: /overrides/0: expected NAME=VALUE, got \"VEC\""},
      {R"({"overrides": {"VEC": [4]}})", "run.json: /overrides/VEC: expected a number"},
      {R"({"overrides": "VEC=4"})", "run.json: /overrides: expected an object"},
      {R"({"constraints": ["VEC > 1", 7]})", "run.json: /constraints/1: expected a string, got 7"},
      {R"({"constraints": ["VEC * * 2"]})",
       "run.json: /constraints/0: constraint \"VEC * * 2\" "
       "does not parse at column"},
      {R"({"measure": {"warmup": -1}})", "run.json: /measure/warmup: expected a non-negative"},
      {R"({"measure": {"min_repetitions": 0}})", "run.json: /measure/min_repetitions: "},
      {R"({"measure": {"min_repetitions": 9, "max_repetitions": 4}})",
       "run.json: /measure/max_repetitions: max_repetitions (4) is below min_repetitions (9)"},
      {R"({"measure": {"max_seconds": 0}})", "run.json: /measure/max_seconds: expected a positive"},
      {R"({"measure": {"warmup": 1e300}})", "run.json: /measure/warmup: "},
      {R"({"collapse_ratio": 1.5})",
       "run.json: /collapse_ratio: expected a number between 0 and 1"},
      {R"({"out": null})", "run.json: /out: expected a string, got null"},
      {R"({"profile": "a\u0000b"})", "run.json: /profile: a path cannot contain a NUL"},
  };
  for (const Case& c : cases) {
    const std::string message = error_of(c.text);
    EXPECT_EQ(message.rfind(c.message, 0), 0u) << c.text << "\n  gave: " << message;
  }
}

TEST(RunConfigFile, UnknownKeysAreErrorsThatListTheKnownOnes) {
  const std::string top = error_of(R"({"task": "triad", "budgets": {"evaluations": 3}})");
  EXPECT_EQ(top.rfind("run.json: /budgets: unknown key \"budgets\"", 0), 0u) << top;
  EXPECT_NE(top.find("did you mean \"budget\"?"), std::string::npos) << top;
  EXPECT_NE(top.find("known keys: task, strategy"), std::string::npos) << top;

  const std::string nested = error_of(R"({"measure": {"max_second": 1}})");
  EXPECT_EQ(nested.rfind("run.json: /measure/max_second: unknown key", 0), 0u) << nested;
  EXPECT_NE(nested.find("did you mean \"max_seconds\"?"), std::string::npos) << nested;

  const std::string far = error_of(R"({"colour": "blue"})");
  EXPECT_NE(far.find("unknown key \"colour\""), std::string::npos) << far;
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
}

TEST(RunConfigFile, EmptyTextIsAnError) {
  EXPECT_EQ(error_of(""),
            "run.json: the file is empty (write a JSON object, e.g. {\"task\": "
            "\"triad\"})");
  EXPECT_EQ(error_of(" \n\t").rfind("run.json: the file is empty", 0), 0u);
}

TEST(RunConfigFile, TextThatIsNotJsonIsAnErrorWithItsLineAndColumn) {
  const std::string message = error_of("{\n  \"task\": triad\n}");
  EXPECT_EQ(message.rfind("run.json: not JSON: ", 0), 0u) << message;
  EXPECT_NE(message.find("line 2"), std::string::npos) << message;
  EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
}

TEST(RunConfigFile, TheTopLevelMustBeAnObject) {
  EXPECT_EQ(error_of("[1, 2]").rfind("run.json: expected a JSON object at the top level, got a "
                                     "list",
                                     0),
            0u);
}

TEST(RunConfigFile, DeeplyNestedValuesAreRejectedWithoutRecursingIntoThem) {
  const std::string deep = R"({"task": )" + std::string(20000, '[') + std::string(20000, ']') + "}";
  EXPECT_EQ(error_of(deep), "run.json: /task: expected a string, got a list");
}

TEST(RunConfigFile, LoadNamesTheFile) {
  const auto dir = std::filesystem::temp_directory_path() / "evojit_run_config_file_test";
  std::filesystem::create_directories(dir);
  const auto good = dir / "good.json";
  std::ofstream(good) << R"({"task": "triad", "seed": 9})";
  EXPECT_EQ(load_run_config(good).seed, 9u);

  const auto bad = dir / "bad.json";
  std::ofstream(bad) << R"({"seed": -9})";
  try {
    load_run_config(bad);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(bad.string() + ": /seed: ", 0), 0u) << e.what();
  }
  EXPECT_THROW(load_run_config(dir / "missing.json"), InputError);
  EXPECT_THROW(load_run_config(dir), InputError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace evojit
