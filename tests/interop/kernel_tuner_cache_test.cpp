// Over 400 lines: one suite per reader concern (formats 1.0-1.5, failures, metrics, gzip,
// repair, bounds) over one sample cache; split, the sample and helpers would be copied.
#include "interop/kernel_tuner_cache.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <cstdlib>

#include <gtest/gtest.h>
#include <zlib.h>

#include "support/error.hpp"

namespace evojit {
namespace {

const std::filesystem::path kSpaces = std::filesystem::path(EVOJIT_TEST_DATA_DIR) / "spaces";

// A two-parameter cache: a=1,2 and b=8,16, three of the four points recorded.
const char* kSmallCache = R"({
"device_name": "Test GPU", "kernel_name": "k", "problem_size": [64, 32],
"tune_params_keys": ["a", "b"], "tune_params": {"a": [1, 2], "b": [8, 16]},
"objective": "time",
"cache": {
"1,8": {"a": 1, "b": 8, "time": 2.0, "times": [1.0, 3.0], "compile_time": 100.0, "verification_time": 10.0, "benchmark_time": 5.0},
"1,16": {"a": 1, "b": 16, "time": "CompilationFailedConfig", "compile_time": 50.0, "verification_time": 0, "benchmark_time": 0},
"2,8": {"a": 2, "b": 8, "time": "InvalidConfig", "compile_time": 0, "verification_time": 0, "benchmark_time": 0}}
})";

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("evojit_ktc_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::vector<std::uint32_t> index_of(const KernelTunerCache& c, std::vector<double> values) {
  std::vector<std::uint32_t> index;
  for (std::size_t k = 0; k < values.size(); ++k) {
    const auto& list = c.values()[k];
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (std::get<std::int64_t>(list[i]) == static_cast<std::int64_t>(values[k])) {
        index.push_back(static_cast<std::uint32_t>(i));
      }
    }
  }
  return index;
}

struct Expected {
  const char* file;
  std::size_t entries;
  std::size_t ok;
  std::size_t params;
  std::size_t compile_failed;
};

TEST(KernelTunerCache, EveryRecordedSpaceLoadsWithItsEntryCounts) {
  const Expected expected[] = {
      {"convolution_milo_A100.json.gz", 4362, 4201, 10, 6},
      {"convolution_milo_A4000.json.gz", 4362, 4201, 10, 6},
      {"convolution_milo_A6000.json.gz", 4362, 3889, 10, 252},
      {"dedispersion_milo_A100.json.gz", 11130, 11130, 8, 0},
      {"dedispersion_milo_A4000.json.gz", 11130, 11130, 8, 0},
      {"gemm_RTX_3090.json.gz", 17956, 17956, 15, 0},
      {"pnpoly_RTX_3090.json.gz", 4092, 3774, 4, 0},
  };
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.file);
    KernelTunerCache c = KernelTunerCache::load(kSpaces / e.file);
    EXPECT_EQ(c.size(), e.entries);
    EXPECT_EQ(c.ok_count(), e.ok);
    EXPECT_EQ(c.keys().size(), e.params);
    EXPECT_EQ(c.objective(), "time");
    EXPECT_FALSE(c.device_name().empty());
    std::size_t compile_failed = 0, runtime_failed = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      // Every entry is found again through its own index tuple.
      auto found = c.find(c.entry_index(i));
      ASSERT_TRUE(found.has_value());
      EXPECT_EQ(*found, i);
      compile_failed += c.entry(i).outcome == CacheOutcome::compilation_failed;
      runtime_failed += c.entry(i).outcome == CacheOutcome::runtime_failed;
    }
    EXPECT_EQ(compile_failed, e.compile_failed);
    EXPECT_EQ(compile_failed + runtime_failed, e.entries - e.ok);
  }
}

TEST(KernelTunerCache, LookupReturnsTheRecordedMeasurement) {
  KernelTunerCache c = KernelTunerCache::load(kSpaces / "pnpoly_RTX_3090.json.gz");
  EXPECT_EQ(c.kernel_name(), "cn_pnpoly");
  EXPECT_EQ(c.problem_size(), std::vector<std::int64_t>{20000000});
  // "0,32,1,0": time 43.55386238098144 ms over 10 runs, the first at 43.2936...
  auto i = c.find(index_of(c, {0, 32, 1, 0}));
  ASSERT_TRUE(i.has_value());
  const CacheEntry& e = c.entry(*i);
  EXPECT_EQ(e.outcome, CacheOutcome::ok);
  EXPECT_DOUBLE_EQ(e.time_ms, 43.55386238098144);
  EXPECT_EQ(e.repetitions, 10u);
  EXPECT_NEAR(e.min_ms, 43.28633499145508, 1e-12);
  EXPECT_DOUBLE_EQ(e.compile_ms, 0.03068055957555771);
  EXPECT_DOUBLE_EQ(e.benchmark_ms, 436.0794024541974);
  // "3,992,20,2" failed at launch and keeps its class.
  auto f = c.find(index_of(c, {3, 992, 20, 2}));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(c.entry(*f).outcome, CacheOutcome::runtime_failed);
  EXPECT_STREQ(to_string(c.entry(*f).outcome), "RuntimeFailedConfig");
}

TEST(KernelTunerCache, FailuresKeepTheirClassAndAbsentPointsAreNotFound) {
  KernelTunerCache c = KernelTunerCache::parse(kSmallCache, "small");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.ok_count(), 1u);
  EXPECT_EQ(c.entry(*c.find(std::vector<std::uint32_t>{0, 0})).outcome, CacheOutcome::ok);
  EXPECT_EQ(c.entry(*c.find(std::vector<std::uint32_t>{0, 1})).outcome,
            CacheOutcome::compilation_failed);
  EXPECT_EQ(c.entry(*c.find(std::vector<std::uint32_t>{1, 0})).outcome, CacheOutcome::invalid);
  EXPECT_FALSE(c.find(std::vector<std::uint32_t>{1, 1}).has_value());
  EXPECT_FALSE(c.find(std::vector<std::uint32_t>{2, 0}).has_value());  // out of range
  const CacheEntry& ok = c.entry(*c.find(std::vector<std::uint32_t>{0, 0}));
  EXPECT_DOUBLE_EQ(ok.cost_ms(), 115.0);
  EXPECT_DOUBLE_EQ(ok.min_ms, 1.0);
  EXPECT_DOUBLE_EQ(ok.cv, 0.5);
  EXPECT_FALSE(c.repaired());
}

TEST(KernelTunerCache, PlainJsonFileLoadsLikeGzip) {
  auto path = write_temp("plain.json", kSmallCache);
  KernelTunerCache c = KernelTunerCache::load(path);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.source(), path.string());
  std::filesystem::remove(path);
}

TEST(KernelTunerCache, AFileCutShortByAKilledRunIsRepaired) {
  std::string text = kSmallCache;
  // Without the closing braces, as Kernel Tuner leaves it mid-run.
  std::string open = text.substr(0, text.rfind("}}") + 1) + ",\n";
  KernelTunerCache c = KernelTunerCache::parse(open, "cut");
  EXPECT_TRUE(c.repaired());
  EXPECT_EQ(c.size(), 3u);
  // Cut inside the last entry: the complete entries survive.
  std::string mid = text.substr(0, text.find("\"2,8\"") + 12);
  KernelTunerCache d = KernelTunerCache::parse(mid, "mid");
  EXPECT_TRUE(d.repaired());
  EXPECT_EQ(d.size(), 2u);
}

TEST(KernelTunerCache, ErrorsNameTheFileAndTheJsonPointer) {
  try {
    KernelTunerCache::load(kSpaces / "no_such_cache.json.gz");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_cache.json.gz"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos);
  }
  try {
    KernelTunerCache::parse("this is not json", "bad.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not a JSON document"), std::string::npos);
  }
  try {
    KernelTunerCache::parse(R"({"tune_params_keys": ["a"], "cache": {}})", "nokeys.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tune_params"), std::string::npos);
  }
  std::string bad_value = kSmallCache;
  bad_value.replace(bad_value.find("\"a\": 2, \"b\": 8"), 14, "\"a\": 3, \"b\": 8");
  try {
    KernelTunerCache::parse(bad_value, "v.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "v.json#/cache/2,8/a");
  }
  std::string bad_failure = kSmallCache;
  bad_failure.replace(bad_failure.find("InvalidConfig"), 13, "WeirdConfig");
  try {
    KernelTunerCache::parse(bad_failure, "f.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "f.json#/cache/2,8/time");
    EXPECT_NE(std::string(e.what()).find("WeirdConfig"), std::string::npos);
  }
}

// The InputError that parsing `text` throws; a failure when there is none (or when
// anything else is thrown: that would reach the user as an internal error).
InputError parse_error_of(const std::string& text) {
  try {
    KernelTunerCache::parse(text, "c.json");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for " << text.substr(0, 200);
  return InputError("none");
}

TEST(KernelTunerCache, ANumberTooLargeForADoubleIsABadInput) {
  std::string huge = kSmallCache;
  huge.replace(huge.find("2.0"), 3, "1e400");
  const InputError e = parse_error_of(huge);
  EXPECT_EQ(e.where(), "c.json");
  EXPECT_NE(std::string(e.what()).find("number overflow"), std::string::npos) << e.what();
}

TEST(KernelTunerCache, MetadataOfTheWrongTypeNamesItsPointer) {
  std::string text = kSmallCache;
  text.replace(text.find("\"Test GPU\""), 10, "42");
  EXPECT_EQ(parse_error_of(text).where(), "c.json#/device_name");
  EXPECT_EQ(
      parse_error_of(R"({"tune_params_keys": ["a"], "tune_params": [[1]], "cache": {}})").where(),
      "c.json#/tune_params");
}

TEST(KernelTunerCache, ANegativeOrOverflowingRepetitionTimeIsABadInput) {
  std::string text = kSmallCache;
  text.replace(text.find("[1.0, 3.0]"), 10, "[1.0, -3.0]");
  EXPECT_EQ(parse_error_of(text).where(), "c.json#/cache/1,8/times/1");
}

TEST(KernelTunerCache, AValueAboveInt64IsReadAsANumberNotWrapped) {
  std::string text = kSmallCache;
  text.replace(text.find("\"b\": [8, 16]"), 12, "\"b\": [8, 16, 18446744073709551615]");
  const KernelTunerCache c = KernelTunerCache::parse(text, "c.json");
  EXPECT_EQ(c.values()[1][2], Value{18446744073709551615.0});
}

TEST(KernelTunerCache, ATruncatedGzipFileIsABadInputNotAShorterCache) {
  const auto whole = kSpaces / "convolution_milo_A100.json.gz";
  std::ifstream in(whole, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 1000u);
  const auto cut = write_temp("cut.json.gz", bytes.substr(0, bytes.size() / 2));
  try {
    KernelTunerCache::load(cut);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), cut.string());
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  std::filesystem::remove(cut);
}

TEST(KernelTunerCache, AnythingButAnObjectAtTheTopIsABadInput) {
  for (const char* text : {"[]", "3", "\"cache\"", "null"}) {
    const InputError e = parse_error_of(text);
    EXPECT_EQ(e.where(), "c.json#") << text;
  }
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

const std::filesystem::path kKernelTunerData =
    std::filesystem::path(EVOJIT_TEST_DATA_DIR) / "kernel_tuner";

// Written by Kernel Tuner 1.5.0 itself (tests/data/kernel_tuner/make_vector_add_c_cache.py,
// its C backend): "objective" is a list, values are ints, strings and floats, and every
// entry carries a "GB/s" metric and three repetition times.
TEST(KernelTunerCacheFormats, ACacheWrittenByKernelTuner15Loads) {
  const KernelTunerCache c = KernelTunerCache::load(kKernelTunerData / "vector_add_c_kt1.5.json");
  EXPECT_EQ(c.objective(), "time");
  EXPECT_EQ(c.objectives(), std::vector<std::string>{"time"});
  EXPECT_EQ(c.kernel_name(), "vector_add");
  ASSERT_EQ(c.keys(), (std::vector<std::string>{"unroll", "mode", "scale"}));
  EXPECT_EQ(c.values()[1], (std::vector<Value>{std::string("fast"), std::string("slow")}));
  EXPECT_EQ(c.values()[2], (std::vector<Value>{0.5, 1.0}));
  EXPECT_EQ(c.size(), 10u);  // 3 x 2 x 2, less the two restricted away
  EXPECT_EQ(c.ok_count(), 10u);
  ASSERT_EQ(c.metric_names(), std::vector<std::string>{"GB/s"});
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(c.times(i).size(), 3u);
    ASSERT_EQ(c.metrics(i).size(), 1u);
    EXPECT_GT(c.metrics(i)[0].value, 0.0);
    EXPECT_EQ(c.entry(i).objective_value, c.entry(i).time_ms);
    EXPECT_GT(c.entry(i).compile_ms, 0.0);
  }
}

TEST(KernelTunerCacheFormats, AnyObjectiveFieldAsAStringOrAList) {
  for (const char* objective : {"\"GFLOP/s\"", "[\"GFLOP/s\", \"time\"]"}) {
    SCOPED_TRACE(objective);
    const std::string text =
        std::string(R"({"tune_params_keys": ["a"], "tune_params": {"a": [1, 2]},
      "objective": )") +
        objective + R"(, "cache": {
      "1": {"a": 1, "time": 2.0, "GFLOP/s": 500.0, "registers": 32},
      "2": {"a": 2, "time": 1.0, "GFLOP/s": 1000.0, "registers": 40}}})";
    const KernelTunerCache c = KernelTunerCache::parse(text, "objective.json");
    EXPECT_EQ(c.objective(), "GFLOP/s");
    EXPECT_TRUE(c.objective_higher_is_better());
    EXPECT_EQ(c.entry(1).objective_value, 1000.0);
    EXPECT_EQ(c.entry(1).time_ms, 1.0);
    EXPECT_EQ(c.metric_names(), (std::vector<std::string>{"GFLOP/s", "registers"}));
  }
  EXPECT_FALSE(KernelTunerCache::parse(kSmallCache, "small.json").objective_higher_is_better());
}

TEST(KernelTunerCacheFormats, PythonInfinityAndNaNReadAsAbsentValues) {
  const KernelTunerCache c = KernelTunerCache::parse(
      R"({"tune_params_keys": ["a"], "tune_params": {"a": [1, 2]}, "objective": ["time"],
      "cache": {"1": {"a": 1, "time": 2.0, "GB/s": Infinity, "power": NaN, "note": "NaN-free"},
                "2": {"a": 2, "time": 1.0, "GB/s": -Infinity}}})",
      "infinity.json");
  EXPECT_EQ(c.size(), 2u);
  EXPECT_TRUE(c.metrics(0).empty());
  EXPECT_TRUE(c.metrics(1).empty());
  // A time that is not a number is still an error, not a silent 0.
  EXPECT_THROW(KernelTunerCache::parse(R"({"tune_params_keys": ["a"], "tune_params": {"a": [1]},
      "cache": {"1": {"a": 1, "time": NaN}}})",
                                       "nan.json"),
               InputError);
}

TEST(KernelTunerCacheFormats, AFailureStringInAnyFieldFailsTheEntry) {
  const KernelTunerCache c = KernelTunerCache::parse(
      R"({"tune_params_keys": ["a"], "tune_params": {"a": [1, 2, 3]}, "objective": "GFLOP/s",
      "cache": {"1": {"a": 1, "time": 2.0, "GFLOP/s": "RuntimeFailedConfig"},
                "2": {"a": 2, "time": "ErrorConfig"},
                "3": {"a": 3, "time": 1.0, "__error__": "CompilationFailedConfig"}}})",
      "failures.json");
  EXPECT_EQ(c.ok_count(), 0u);
  EXPECT_EQ(c.entry(0).outcome, CacheOutcome::runtime_failed);
  EXPECT_EQ(c.entry(1).outcome, CacheOutcome::runtime_failed);
  EXPECT_EQ(c.entry(2).outcome, CacheOutcome::compilation_failed);
}

TEST(KernelTunerCacheFormats, AnObjectiveOfTheWrongTypeNamesItsPointer) {
  try {
    KernelTunerCache::parse(R"({"tune_params_keys": ["a"], "tune_params": {"a": [1]},
        "objective": ["time", 3], "cache": {}})",
                            "bad.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.where().find("bad.json#/objective/1"), std::string::npos) << e.where();
  }
  EXPECT_THROW(KernelTunerCache::parse(R"({"tune_params_keys": ["a"], "tune_params": {"a": [1]},
        "objective": [], "cache": {}})",
                                       "empty.json"),
               InputError);
}

// The reader streams the "cache" object (it never becomes one JSON tree), yet keeps
// what a JSON object holds: entries in key order, a key written twice keeping its last
// value (entries, fields, top-level members), wherever "cache" sits in the file.
TEST(KernelTunerCache, TheStreamedCacheReadsAsTheJsonObjectItWrites) {
  const KernelTunerCache c = KernelTunerCache::parse(
      R"({"cache": {
        "2,8": {"a": 2, "b": 8, "time": 9.0, "times": [9.0], "observed": {"x": [1, 2]}},
        "1,16": {"a": 1, "b": 16, "time": 4.0, "registers": 40, "time": 3.0},
        "1,8": {"a": 1, "b": 8, "time": 2.0, "times": [1.0, 3.0], "GFLOP/s": 7.5},
        "2,8": {"a": 2, "b": 8, "time": 5.0, "times": [4.0, 6.0], "registers": 32}},
      "tune_params_keys": ["a", "b"], "tune_params": {"a": [1, 2], "b": [8, 16]},
      "objective": "GFLOP/s", "device_name": "first", "device_name": "last"})",
      "streamed.json");
  EXPECT_EQ(c.device_name(), "last");
  EXPECT_EQ(c.objective(), "GFLOP/s");
  ASSERT_EQ(c.size(), 3u);  // "2,8" once
  // Key order: "1,16" < "1,8" < "2,8".
  EXPECT_EQ(c.entry_index(0)[0], 0u);
  EXPECT_EQ(c.entry_index(0)[1], 1u);
  EXPECT_EQ(c.entry(0).time_ms, 3.0);  // its second "time"
  EXPECT_EQ(c.entry(1).time_ms, 2.0);
  EXPECT_EQ(c.entry(1).objective_value, 7.5);
  EXPECT_EQ(c.entry(1).repetitions, 2u);
  const auto last = c.find(index_of(c, {2, 8}));
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, 2u);
  EXPECT_EQ(c.entry(*last).time_ms, 5.0);  // the entry written last
  ASSERT_EQ(c.times(*last).size(), 2u);
  EXPECT_EQ(c.times(*last)[1], 6.0);
  // Metric names in the order the sorted entries first show them.
  EXPECT_EQ(c.metric_names(), (std::vector<std::string>{"registers", "GFLOP/s"}));
  ASSERT_EQ(c.metrics(*last).size(), 1u);
  EXPECT_EQ(c.metrics(*last)[0].value, 32.0);
  // A "cache" written twice keeps the last one; one that is not an object is refused.
  const KernelTunerCache twice = KernelTunerCache::parse(
      R"({"tune_params_keys": ["a"], "tune_params": {"a": [1, 2]},
      "cache": {"1": {"a": 1, "time": 1.0}, "2": {"a": 2, "time": 2.0}},
      "cache": {"2": {"a": 2, "time": 4.0}}})",
      "twice.json");
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice.entry(0).time_ms, 4.0);
  try {
    KernelTunerCache::parse(R"({"tune_params_keys": ["a"], "tune_params": {"a": [1]},
        "cache": {"1": {"a": 1, "time": 1.0}}, "cache": [1]})",
                            "array.json");
    ADD_FAILURE() << "a cache that is an array was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "array.json#/cache") << e.what();
  }
}

TEST(KernelTunerCache, AGzipBombStopsAtTheDecompressionCap) {
  // 3 MiB of blanks inside a valid cache: a few KiB compressed. With a 1 MiB cap (the
  // default is 512 MiB, what a 1 MB bomb of zeros would otherwise exceed sixfold) it
  // must be refused while decompressing, not loaded.
  const auto path = std::filesystem::temp_directory_path() / "evojit_ktc_bomb.json.gz";
  {
    gzFile out = gzopen(path.c_str(), "wb9");
    ASSERT_NE(out, nullptr);
    const std::string head =
        std::string(kSmallCache).substr(0, std::string(kSmallCache).size() - 1);
    gzwrite(out, head.data(), static_cast<unsigned>(head.size()));
    const std::string blanks(1 << 20, ' ');
    for (int i = 0; i < 3; ++i) gzwrite(out, blanks.data(), static_cast<unsigned>(blanks.size()));
    gzwrite(out, "}", 1);
    gzclose(out);
  }
  ASSERT_LT(std::filesystem::file_size(path), 64u << 10);
  ::setenv("EVOJIT_MAX_INPUT_MB", "1", 1);
  try {
    KernelTunerCache::load(path);
    ADD_FAILURE() << "a cache decompressing past the cap loaded";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("decompressed text is larger than the 1 MiB limit"),
              std::string::npos)
        << e.what();
  }
  ::unsetenv("EVOJIT_MAX_INPUT_MB");
  // Under the default cap it is the small cache with blanks.
  EXPECT_EQ(KernelTunerCache::load(path).size(), KernelTunerCache::parse(kSmallCache, "x").size());
  std::filesystem::remove(path);
}

TEST(KernelTunerCache, ADeviceIsNotACacheFile) {
  EXPECT_THROW(KernelTunerCache::load("/dev/zero"), InputError);
}

}  // namespace
}  // namespace evojit
