#include "backends/replay/replay_evaluator.hpp"

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backends/replay/replay_space.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

const std::filesystem::path kSpaces = std::filesystem::path(EVOJIT_TEST_DATA_DIR) / "spaces";

// a = 1, 2; b = 8, 16; (2, 16) was not recorded.
const char* kSmallCache = R"({
"device_name": "Test GPU", "kernel_name": "k", "problem_size": [64, 32],
"tune_params_keys": ["a", "b"], "tune_params": {"a": [1, 2], "b": [8, 16]},
"objective": "time",
"cache": {
"1,8": {"a": 1, "b": 8, "time": 2.0, "times": [1.0, 3.0], "compile_time": 100.0, "verification_time": 10.0, "benchmark_time": 5.0},
"1,16": {"a": 1, "b": 16, "time": "CompilationFailedConfig", "compile_time": 50.0, "verification_time": 0, "benchmark_time": 0},
"2,8": {"a": 2, "b": 8, "time": 4.0, "compile_time": 200.0, "verification_time": 0, "benchmark_time": 20.0}}
})";

std::shared_ptr<const KernelTunerCache> small_cache() {
  return std::make_shared<const KernelTunerCache>(KernelTunerCache::parse(kSmallCache, "small"));
}

std::shared_ptr<const KernelTunerCache> pnpoly() {
  static auto cache = std::make_shared<const KernelTunerCache>(
      KernelTunerCache::load(kSpaces / "pnpoly_RTX_3090.json.gz"));
  return cache;
}

Config at(const ParameterSpace& space, std::map<std::string, Value> named) {
  return space.from_bindings(named);
}

TEST(ReplayEvaluator, ReturnsTheRecordedTimeAsTheObjective) {
  ReplayEvaluator replay(pnpoly());
  EXPECT_TRUE(replay.deterministic());
  EXPECT_EQ(replay.concurrency(), 1u);
  EXPECT_EQ(replay.space().size(), 4u);
  Config c = at(replay.space(), {{"between_method", std::int64_t{0}},
                                 {"block_size_x", std::int64_t{32}},
                                 {"tile_size", std::int64_t{1}},
                                 {"use_method", std::int64_t{0}}});
  Evaluation e = replay.evaluate(c);
  ASSERT_EQ(e.status, EvalStatus::ok);
  ASSERT_EQ(e.sizes.size(), 1u);
  EXPECT_TRUE(e.sizes[0].ok);
  EXPECT_DOUBLE_EQ(e.sizes[0].timing.median_s, 43.55386238098144e-3);
  EXPECT_EQ(e.sizes[0].timing.repetitions, 10);
  EXPECT_EQ(e.sizes[0].dims, std::vector<std::int64_t>{20000000});
  EXPECT_DOUBLE_EQ(e.fitness, 1.0 / 43.55386238098144);
  EXPECT_DOUBLE_EQ(e.compile.total_s, 0.03068055957555771e-3);
}

TEST(ReplayEvaluator, FasterConfigurationsHaveHigherFitness) {
  ReplayEvaluator replay(small_cache());
  Evaluation fast =
      replay.evaluate(at(replay.space(), {{"a", std::int64_t{1}}, {"b", std::int64_t{8}}}));
  Evaluation slow =
      replay.evaluate(at(replay.space(), {{"a", std::int64_t{2}}, {"b", std::int64_t{8}}}));
  ASSERT_EQ(fast.status, EvalStatus::ok);
  ASSERT_EQ(slow.status, EvalStatus::ok);
  EXPECT_GT(fast.fitness, slow.fitness);
}

TEST(ReplayEvaluator, RecordedFailuresKeepTheirClass) {
  ReplayEvaluator replay(pnpoly());
  Evaluation e = replay.evaluate(at(replay.space(), {{"between_method", std::int64_t{3}},
                                                     {"block_size_x", std::int64_t{992}},
                                                     {"tile_size", std::int64_t{20}},
                                                     {"use_method", std::int64_t{2}}}));
  EXPECT_EQ(e.status, EvalStatus::crash);
  EXPECT_EQ(e.diagnostic.rfind("RuntimeFailedConfig", 0), 0u) << e.diagnostic;
  EXPECT_EQ(e.fitness, 0.0);

  ReplayEvaluator small(small_cache());
  Evaluation c =
      small.evaluate(at(small.space(), {{"a", std::int64_t{1}}, {"b", std::int64_t{16}}}));
  EXPECT_EQ(c.status, EvalStatus::compile_error);
  EXPECT_EQ(c.diagnostic.rfind("CompilationFailedConfig", 0), 0u) << c.diagnostic;
}

TEST(ReplayEvaluator, TheSimulatedClockChargesOnlyTheFirstVisit) {
  ReplayEvaluator replay(small_cache());
  Config fast = at(replay.space(), {{"a", std::int64_t{1}}, {"b", std::int64_t{8}}});
  Config failed = at(replay.space(), {{"a", std::int64_t{1}}, {"b", std::int64_t{16}}});
  EXPECT_EQ(replay.elapsed_s(), 0.0);
  replay.evaluate(fast);
  EXPECT_DOUBLE_EQ(replay.elapsed_s(), 0.115);  // 100 + 10 + 5 ms
  Evaluation again = replay.evaluate(fast);
  EXPECT_DOUBLE_EQ(replay.elapsed_s(), 0.115);
  EXPECT_DOUBLE_EQ(again.wall_s, 0.115);  // the evaluation itself is the same each time
  replay.evaluate(failed);                // failures cost what they cost when recorded
  EXPECT_DOUBLE_EQ(replay.elapsed_s(), 0.165);
  replay.reset();
  EXPECT_EQ(replay.elapsed_s(), 0.0);
  replay.evaluate(fast);
  EXPECT_DOUBLE_EQ(replay.elapsed_s(), 0.115);
}

TEST(ReplayEvaluator, WithoutT1AnAbsentConfigurationIsAnInvalidConfigAtNoCost) {
  ReplayEvaluator replay(small_cache());
  Evaluation e =
      replay.evaluate(at(replay.space(), {{"a", std::int64_t{2}}, {"b", std::int64_t{16}}}));
  EXPECT_EQ(e.status, EvalStatus::compile_error);
  EXPECT_EQ(e.diagnostic.rfind(kInvalidConfigDiagnostic, 0), 0u) << e.diagnostic;
  EXPECT_EQ(replay.elapsed_s(), 0.0);
}

TEST(ReplayEvaluator, WithoutT1TheRecordedConfigurationsAreTheSpace) {
  // The restrictions the cache was recorded under are unknown: only what it holds
  // is valid, so a strategy cannot propose (2, 16) nor be charged for it.
  ReplayEvaluator replay(small_cache());
  const ParameterSpace& space = replay.space();
  const Config absent = at(space, {{"a", std::int64_t{2}}, {"b", std::int64_t{16}}});
  EXPECT_FALSE(space.is_valid(absent));
  ASSERT_NE(space.listed_points(), nullptr);
  EXPECT_EQ(space.listed_points()->size(), 3u);
  Rng rng(4);
  for (int i = 0; i < 200; ++i) {
    const std::optional<Config> c = space.sample(rng);
    ASSERT_TRUE(c);
    EXPECT_TRUE(replay.entry_of(*c));
    EXPECT_TRUE(replay.entry_of(space.mutate(rng, *c)));
  }
  EXPECT_FALSE(first_uncovered_point(replay));
}

TEST(ReplayEvaluator, WithoutT1ARecordedSpaceHoldsExactlyTheCacheEntries) {
  // gemm_RTX_3090: 82944 Cartesian points, 17956 recorded.
  ReplayEvaluator replay(std::make_shared<const KernelTunerCache>(
      KernelTunerCache::load(kSpaces / "gemm_RTX_3090.json.gz")));
  EXPECT_EQ(replay_points(replay).size(), replay.cache().size());
  Rng rng(1);
  std::size_t outside = 0;
  for (int i = 0; i < 2000; ++i) outside += !replay.entry_of(*replay.space().sample(rng));
  EXPECT_EQ(outside, 0u);
}

TEST(ReplayEvaluator, AValidConfigurationAbsentFromTheCacheIsAnErrorOfTheData) {
  // A T1-like space with a condition that keeps (2, 16): the cache does not cover it.
  ParameterSpace space({Parameter::list("a", {std::int64_t{1}, std::int64_t{2}}),
                        Parameter::list("b", {std::int64_t{8}, std::int64_t{16}})},
                       {"a * b <= 32"});
  ReplayEvaluator replay(small_cache(), space);
  EXPECT_TRUE(replay.from_t1());
  Config absent = at(replay.space(), {{"a", std::int64_t{2}}, {"b", std::int64_t{16}}});
  try {
    replay.evaluate(absent);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("a=2"), std::string::npos) << what;
    EXPECT_NE(what.find("b=16"), std::string::npos) << what;
    EXPECT_NE(what.find("no entry in the cache"), std::string::npos) << what;
  }
  auto uncovered = first_uncovered_point(replay);
  ASSERT_TRUE(uncovered.has_value());
  EXPECT_EQ(*uncovered, absent);

  // With a condition that excludes it, the same cache covers the space.
  ParameterSpace covered({Parameter::list("a", {std::int64_t{1}, std::int64_t{2}}),
                          Parameter::list("b", {std::int64_t{8}, std::int64_t{16}})},
                         {"a * b < 32"});
  ReplayEvaluator ok(small_cache(), covered);
  EXPECT_FALSE(first_uncovered_point(ok).has_value());
  Evaluation e = ok.evaluate(absent);
  EXPECT_EQ(e.status, EvalStatus::compile_error);  // invalid under the conditions
}

TEST(ReplayEvaluator, TheT1SpaceIsRestrictedToTheRecordedValues) {
  // The T1 file lists b = 4 too, and a parameter c the cache does not record.
  ParameterSpace space({Parameter::list("a", {std::int64_t{1}, std::int64_t{2}}),
                        Parameter::list("b", {std::int64_t{4}, std::int64_t{8}, std::int64_t{16}}),
                        Parameter::list("c", {std::int64_t{7}})},
                       {"a * b < 32"});
  ReplayEvaluator replay(small_cache(), space);
  const auto& b = replay.space().parameters()[*replay.space().find("b")];
  EXPECT_EQ(b.values.size(), 2u);
  Evaluation e =
      replay.evaluate(at(replay.space(), {{"a", std::int64_t{1}}, {"b", std::int64_t{8}}}));
  EXPECT_EQ(e.status, EvalStatus::ok);
}

TEST(ReplayEvaluator, MismatchedSpacesAreClearErrors) {
  ParameterSpace unknown({Parameter::list("a", {std::int64_t{1}, std::int64_t{2}}),
                          Parameter::list("b", {std::int64_t{8}, std::int64_t{16}}),
                          Parameter::list("unrecorded", {std::int64_t{1}, std::int64_t{2}})},
                         {});
  try {
    ReplayEvaluator replay(small_cache(), unknown);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unrecorded"), std::string::npos) << e.what();
  }
  ParameterSpace missing({Parameter::list("a", {std::int64_t{1}, std::int64_t{2}})}, {});
  try {
    ReplayEvaluator replay(small_cache(), missing);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("parameter b"), std::string::npos) << e.what();
  }
  ParameterSpace disjoint({Parameter::list("a", {std::int64_t{5}}),
                           Parameter::list("b", {std::int64_t{8}, std::int64_t{16}})},
                          {});
  EXPECT_THROW(ReplayEvaluator(small_cache(), disjoint), InputError);
}

TEST(ReplayEvaluator, MissingOrBrokenCacheFilesAreClearErrors) {
  try {
    ReplayEvaluator replay(std::make_shared<const KernelTunerCache>(
        KernelTunerCache::load(kSpaces / "missing_RTX_0000.json.gz")));
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing_RTX_0000.json.gz: no such file"),
              std::string::npos)
        << e.what();
  }
  // A T1 file is JSON but not a cache.
  try {
    KernelTunerCache::load(kSpaces / "gemm_milo.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tune_params_keys"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace evojit
