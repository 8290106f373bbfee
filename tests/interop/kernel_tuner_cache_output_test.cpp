// kernel_tuner_cache.json: what evojit writes is read back by evojit's own cache
// reader and, when it can be installed, by Kernel Tuner itself (its read_cache and
// its simulation mode).
#include "interop/kernel_tuner_cache_output.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "interop/kernel_tuner_cache.hpp"
#include "runs/run.hpp"
#include "tests/runs/replay_runs.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const fs::path kSpaces = fs::path(EVOJIT_TEST_DATA_DIR) / "spaces";

TEST(KernelTunerCacheOutput, KeysArePythonsStrOfEachValue) {
  EXPECT_EQ(python_str(Value{std::int64_t{16}}), "16");
  EXPECT_EQ(python_str(Value{1.0}), "1.0");
  EXPECT_EQ(python_str(Value{0.5}), "0.5");
  EXPECT_EQ(python_str(Value{0.1}), "0.1");
  EXPECT_EQ(python_str(Value{1e-05}), "1e-05");
  EXPECT_EQ(python_str(Value{1e16}), "1e+16");
  EXPECT_EQ(python_str(Value{123456.5}), "123456.5");
  EXPECT_EQ(python_str(Value{true}), "True");
  EXPECT_EQ(python_str(Value{std::string("fast")}), "fast");
}

T4Record record(std::int64_t a, const std::string& mode, EvalStatus status, double ms,
                std::string diagnostic = "") {
  T4Record r;
  r.configuration = {{"a", Value{a}}, {"mode", Value{mode}}};
  r.evaluation.status = status;
  r.evaluation.diagnostic = std::move(diagnostic);
  if (status == EvalStatus::ok) {
    SizeResult s;
    s.label = "64";
    s.ok = true;
    s.timing.median_s = ms * 1e-3;
    r.evaluation.sizes.push_back(s);
    r.evaluation.fitness = 1.0 / ms;
  }
  r.timestamp = "2026-01-01T00:00:00.000000+00:00";
  return r;
}

TEST(KernelTunerCacheOutput, WhatIsWrittenReadsBackWithEveryOutcome) {
  const KernelTunerCacheHeader header{"Test GPU",
                                      "k",
                                      64,
                                      {"a", "mode"},
                                      {{Value{std::int64_t{1}}, Value{std::int64_t{2}}},
                                       {Value{std::string("fast")}, Value{std::string("slow")}}}};
  std::vector<T4Record> records = {
      record(1, "fast", EvalStatus::ok, 2.0), record(1, "slow", EvalStatus::compile_error, 0, "x"),
      record(2, "fast", EvalStatus::crash, 0),
      record(2, "slow", EvalStatus::compile_error, 0, "InvalidConfig: not recorded")};
  records[0].recorded = T4RecordedTimes{{1.5, 2.5}, 100.0, 3.0, 20.0};
  const std::string text = kernel_tuner_cache_text(header, records);
  EXPECT_EQ(text.substr(text.size() - 3), "}\n}");  // closed as Kernel Tuner closes it
  const KernelTunerCache c = KernelTunerCache::parse(text, "written.json");
  EXPECT_EQ(c.device_name(), "Test GPU");
  EXPECT_EQ(c.objectives(), std::vector<std::string>{"time"});
  EXPECT_EQ(c.keys(), (std::vector<std::string>{"a", "mode"}));
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c.entry(0).outcome, CacheOutcome::ok);
  EXPECT_DOUBLE_EQ(c.entry(0).time_ms, 2.0);
  EXPECT_EQ(c.times(0).size(), 2u);
  EXPECT_DOUBLE_EQ(c.entry(0).compile_ms, 100.0);
  EXPECT_DOUBLE_EQ(c.entry(0).verification_ms, 3.0);
  EXPECT_EQ(c.entry(1).outcome, CacheOutcome::compilation_failed);
  EXPECT_EQ(c.entry(2).outcome, CacheOutcome::runtime_failed);
  EXPECT_EQ(c.entry(3).outcome, CacheOutcome::invalid);
  const json doc = json::parse(text);
  EXPECT_TRUE(doc["cache"].contains("1,fast"));
  EXPECT_EQ(doc["cache"]["1,slow"]["evojit_status"], "compile_error");
}

// Entries are written as text, not as documents: each is what nlohmann writes for it
// (re-dumping what was read changes nothing), members in Kernel Tuner's order.
TEST(KernelTunerCacheOutput, EachEntryIsWrittenAsItsDocumentWouldBe) {
  const KernelTunerCacheHeader header{"GPU",
                                      "k",
                                      64,
                                      {"a", "mode"},
                                      {{Value{std::int64_t{1}}, Value{std::int64_t{2}}},
                                       {Value{std::string("f\"ast")}, Value{std::string("slow")}}}};
  std::vector<T4Record> records = {record(1, "f\"ast", EvalStatus::ok, 2.0),
                                   record(2, "slow", EvalStatus::crash, 0)};
  records[0].recorded = T4RecordedTimes{{1.5, 2.5}, 100.0, 3.0, 20.0};
  records[0].evaluation.sizes[0].fraction = 0.125;
  records[0].search_algorithm_s = 1e-5;
  const std::string text = kernel_tuner_cache_text(header, records);
  std::vector<std::string> entries;
  for (std::size_t at = text.find("\n\"", text.find("\"cache\": {")); at != std::string::npos;
       at = text.find("\n\"", at + 1)) {
    const std::size_t end = text.find('\n', at + 1);
    entries.push_back(text.substr(at + 1, end - at - 1));
  }
  ASSERT_EQ(entries.size(), 2u);
  entries[0].pop_back();  // ","
  entries[1].pop_back();  // the "}" closing "cache"
  for (const std::string& entry : entries) {
    const std::size_t colon = entry.find("\": {");
    ASSERT_NE(colon, std::string::npos) << entry;
    const std::string body = entry.substr(colon + 3);
    EXPECT_EQ(nlohmann::ordered_json::parse(body).dump(), body);
  }
  const auto first = nlohmann::ordered_json::parse(entries[0].substr(entries[0].find("\": {") + 3));
  std::vector<std::string> names;
  for (const auto& [name, value] : first.items()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "mode", "roofline_fraction:64", "time", "fitness",
                                             "times", "compile_time", "verification_time",
                                             "benchmark_time", "strategy_time", "framework_time",
                                             "timestamp", "evojit_status"}));
}

// A replay's kernel_tuner_cache.json replays to the same measurements.
TEST(KernelTunerCacheOutput, AReplayRunWritesTheCacheOfWhatItMeasured) {
  const fs::path dir = fs::temp_directory_path() / ("evojit-ktc-out-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const Registries registries = replay_registries();
  const fs::path cache = kSpaces / "pnpoly_RTX_3090.json.gz";
  const RunSpec config = replay_spec(cache, "random", 200, 1, dir);
  run(config, registries);
  const KernelTunerCache original = KernelTunerCache::load(cache);
  const KernelTunerCache written = KernelTunerCache::load(dir / kKernelTunerCacheFile);
  EXPECT_EQ(written.size(), 200u);
  EXPECT_EQ(written.device_name(), original.device_name());
  EXPECT_EQ(written.keys(), original.keys());
  for (std::size_t i = 0; i < written.size(); ++i) {
    const auto index = written.entry_index(i);
    std::vector<std::uint32_t> in_original;
    for (std::size_t k = 0; k < index.size(); ++k) {
      const Value& v = written.values()[k][index[k]];
      const auto& list = original.values()[k];
      in_original.push_back(
          static_cast<std::uint32_t>(std::find(list.begin(), list.end(), v) - list.begin()));
    }
    const auto j = original.find(in_original);
    if (!j) {  // a configuration the cache does not hold: InvalidConfig, never ran
      EXPECT_EQ(written.entry(i).outcome, CacheOutcome::invalid);
      continue;
    }
    EXPECT_EQ(written.entry(i).outcome, original.entry(*j).outcome);
    EXPECT_DOUBLE_EQ(written.entry(i).time_ms, original.entry(*j).time_ms);
    EXPECT_EQ(written.times(i).size(), original.times(*j).size());
    EXPECT_DOUBLE_EQ(written.entry(i).compile_ms, original.entry(*j).compile_ms);
  }
  fs::remove_all(dir);
}

// A Python with kernel_tuner: $EVOJIT_KERNEL_TUNER_PYTHON, else a venv in the build
// tree, installed there from PyPI on first use (scripts/kernel_tuner_venv.sh).
// Empty (with the reason in `why`) when it cannot be had, e.g. without a network.
std::string kernel_tuner_python(std::string& why) {
  if (const char* given = std::getenv("EVOJIT_KERNEL_TUNER_PYTHON")) return given;
  const fs::path venv = fs::path(EVOJIT_BINARY_DIR) / "kernel-tuner-venv";
  const fs::path log = fs::path(EVOJIT_BINARY_DIR) / "kernel-tuner-venv.log";
  const std::string script = std::string(EVOJIT_SOURCE_DIR) + "/scripts/kernel_tuner_venv.sh";
  if (std::system(
          ("bash " + script + " " + venv.string() + " > " + log.string() + " 2>&1").c_str()) != 0) {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    why = "kernel_tuner could not be installed from PyPI (" + log.string() +
          "): " + text.substr(text.size() > 400 ? text.size() - 400 : 0);
    return "";
  }
  return (venv / "bin" / "python3").string();
}

TEST(KernelTunerCacheOutput, KernelTunerItselfLoadsAndSimulatesTheCacheEvojitWrites) {
  std::string why;
  const std::string python = kernel_tuner_python(why);
  if (python.empty()) GTEST_SKIP() << why;

  const fs::path dir = fs::temp_directory_path() / ("evojit-ktc-kt-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const Registries registries = replay_registries();
  const fs::path cache = kSpaces / "convolution_milo_A6000.json.gz";  // has failures
  const RunSpec config = replay_spec(cache, "random", 300, 1, dir);
  const EvolveResult result = run(config, registries).result;
  const KernelTunerCache written = KernelTunerCache::load(dir / kKernelTunerCacheFile);

  const std::string command = python + " " + EVOJIT_SOURCE_DIR +
                              "/tests/interop/kernel_tuner_check.py " +
                              (dir / kKernelTunerCacheFile).string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  ASSERT_EQ(::pclose(pipe), 0) << output;
  const json seen = json::parse(output.substr(output.rfind('{')));
  EXPECT_EQ(seen["results"], written.size()) << output;
  EXPECT_EQ(seen["valid"], written.ok_count()) << output;
  EXPECT_EQ(seen["device_name"], written.device_name());
  ASSERT_TRUE(result.best);
  EXPECT_NEAR(seen["best_time"].get<double>(), 1.0 / result.best->fitness, 1e-9) << output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evojit
