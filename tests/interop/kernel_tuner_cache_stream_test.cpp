// The streamed reading of a cache (the one a valid file takes) against the document
// reading (the one that reports problems): the same text must give the same cache,
// entry for entry, in the same order, with the same tables. The document reading is
// forced by putting a metadata member after "cache".
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "interop/kernel_tuner_cache.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

// Keys out of order (as Kernel Tuner writes them: "16,..." before "2,..."), a key
// written twice (the last one counts), metrics that first appear in different
// entries, failures, a NaN and an objective other than time.
const char* kEntries = R"(
"16,1": {"a": 16, "b": 1, "time": 3.0, "times": [2.5, 3.5], "GFLOP/s": 7.0, "compile_time": 1.0, "verification_time": 0, "benchmark_time": 2},
"2,1": {"a": 2, "b": 1, "time": 2.0, "times": [2.0], "registers": 40, "GFLOP/s": 9.0, "compile_time": 1.0, "verification_time": 0, "benchmark_time": 2},
"16,2": {"a": 16, "b": 2, "time": "RuntimeFailedConfig", "compile_time": 1.0, "verification_time": 0, "benchmark_time": 0},
"2,2": {"a": 2, "b": 2, "time": 9.0, "GFLOP/s": NaN, "compile_time": 1.0, "verification_time": 0, "benchmark_time": 2},
"2,1": {"a": 2, "b": 1, "time": 1.5, "times": [1.0, 2.0], "occupancy": 0.5, "GFLOP/s": 11.0, "compile_time": 3.0, "verification_time": 1, "benchmark_time": 4},
"16,3": {"a": 16, "b": 3, "time": 4.0, "strategy_time": 2.0, "framework_time": 1.0, "GFLOP/s": 5.0, "compile_time": 1.0, "verification_time": 0, "benchmark_time": 2}
)";

const char* kHeader =
    R"("device_name": "GPU", "kernel_name": "k", "problem_size": [8, 8],
"tune_params_keys": ["a", "b"], "tune_params": {"a": [2, 16], "b": [1, 2, 3]},
"objective": ["GFLOP/s"])";

std::string streamed_text() {
  return std::string("{") + kHeader + ",\n\"cache\": {" + kEntries + "}}";
}

std::string document_text() {  // "cache" first: the metadata come after the entries
  return std::string("{\"cache\": {") + kEntries + "},\n" + kHeader + "}";
}

void expect_same_number(double a, double b) {
  if (std::isnan(a)) {
    EXPECT_TRUE(std::isnan(b));
  } else {
    EXPECT_EQ(a, b);
  }
}

TEST(KernelTunerCacheStream, GivesTheCacheTheDocumentReadingGives) {
  const KernelTunerCache s = KernelTunerCache::parse(streamed_text(), "s.json");
  const KernelTunerCache d = KernelTunerCache::parse(document_text(), "s.json");
  ASSERT_EQ(s.size(), 5u);  // six entries, one key twice
  ASSERT_EQ(d.size(), s.size());
  EXPECT_EQ(s.ok_count(), d.ok_count());
  EXPECT_EQ(s.device_name(), d.device_name());
  EXPECT_EQ(s.objectives(), d.objectives());
  EXPECT_EQ(s.problem_size(), d.problem_size());
  EXPECT_EQ(s.keys(), d.keys());
  EXPECT_EQ(s.metric_names(), d.metric_names());
  for (std::size_t i = 0; i < s.size(); ++i) {
    SCOPED_TRACE(i);
    const auto si = s.entry_index(i);
    const auto di = d.entry_index(i);
    EXPECT_EQ(std::vector<std::uint32_t>(si.begin(), si.end()),
              std::vector<std::uint32_t>(di.begin(), di.end()));
    const CacheEntry& a = s.entry(i);
    const CacheEntry& b = d.entry(i);
    EXPECT_EQ(a.outcome, b.outcome);
    EXPECT_EQ(a.time_ms, b.time_ms);
    EXPECT_EQ(a.min_ms, b.min_ms);
    EXPECT_EQ(a.cv, b.cv);
    EXPECT_EQ(a.repetitions, b.repetitions);
    EXPECT_EQ(a.cost_ms(), b.cost_ms());
    EXPECT_EQ(a.strategy_ms, b.strategy_ms);
    EXPECT_EQ(a.framework_ms, b.framework_ms);
    expect_same_number(a.objective_value, b.objective_value);
    const auto st = s.times(i);
    const auto dt = d.times(i);
    EXPECT_EQ(std::vector<double>(st.begin(), st.end()), std::vector<double>(dt.begin(), dt.end()));
    const auto sm = s.metrics(i);
    const auto dm = d.metrics(i);
    ASSERT_EQ(sm.size(), dm.size());
    for (std::size_t m = 0; m < sm.size(); ++m) {
      EXPECT_EQ(sm[m].name, dm[m].name);
      EXPECT_EQ(sm[m].value, dm[m].value);
    }
    EXPECT_EQ(s.find(si), std::optional<std::size_t>(i));
  }
  // The key written twice holds its last entry.
  const auto second = s.find(std::vector<std::uint32_t>{0, 0});  // a=2, b=1
  ASSERT_TRUE(second);
  EXPECT_EQ(s.entry(*second).time_ms, 1.5);
  EXPECT_EQ(s.entry(*second).objective_value, 11.0);
}

TEST(KernelTunerCacheStream, ABadEntryIsReportedAsTheDocumentReadingReportsIt) {
  std::string text = streamed_text();
  text.replace(text.find("\"a\": 16, \"b\": 3"), 15, "\"a\": 16, \"b\": 4");
  try {
    (void)KernelTunerCache::parse(text, "bad.json");
    FAIL() << "accepted a value outside tune_params";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("value 4 is not in tune_params"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.json#/cache/16,3/b"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace evojit
