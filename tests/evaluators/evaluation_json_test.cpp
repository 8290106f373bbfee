// Evaluation records and measurement options as JSON (evaluators/evaluation_json.hpp):
// what is written reads back the same, and a missing field keeps its default.
#include "evaluators/evaluation_json.hpp"

#include <gtest/gtest.h>

namespace evojit {
namespace {

TEST(EvaluationJson, MeasureOptionsReadBackAsWritten) {
  MeasureOptions o;
  o.warmup = 3;
  o.min_repetitions = 7;
  o.max_repetitions = 50;
  o.target_relative_error = 0.02;
  o.max_seconds = 0.25;
  const MeasureOptions back = measure_options_from_json(to_json(o));
  EXPECT_EQ(back.warmup, 3);
  EXPECT_EQ(back.min_repetitions, 7);
  EXPECT_EQ(back.max_repetitions, 50);
  EXPECT_DOUBLE_EQ(back.target_relative_error, 0.02);
  EXPECT_DOUBLE_EQ(back.max_seconds, 0.25);
}

TEST(EvaluationJson, MissingMeasureFieldsKeepTheirDefaults) {
  const MeasureOptions back = measure_options_from_json({{"warmup", 0}});
  const MeasureOptions defaults;
  EXPECT_EQ(back.warmup, 0);
  EXPECT_EQ(back.min_repetitions, defaults.min_repetitions);
  EXPECT_EQ(back.max_repetitions, defaults.max_repetitions);
  EXPECT_DOUBLE_EQ(back.max_seconds, defaults.max_seconds);
}

TEST(EvaluationJson, KernelResourcesTravelWithTheEvaluationOnlyWhenPresent) {
  Evaluation e;
  EXPECT_FALSE(to_json(e).contains("resources"));
  EXPECT_FALSE(evaluation_from_json(to_json(e)).resources.present);

  e.resources = kernel_resources_from_json(
      {{"registers", 40}, {"local_bytes", 16}, {"binary", "cubin sm_90"}});
  EXPECT_TRUE(e.resources.present);
  const KernelResources back = evaluation_from_json(to_json(e)).resources;
  EXPECT_TRUE(back.present);
  EXPECT_EQ(back.registers, 40);
  EXPECT_EQ(back.shared_bytes, 0);
  EXPECT_EQ(back.local_bytes, 16);
  EXPECT_EQ(back.binary, "cubin sm_90");
}

TEST(EvaluationJson, CacheFieldsAppearOnlyWhenACacheAnswered) {
  Evaluation e;
  e.fitness = 0.5;
  const nlohmann::json plain = to_json(e);
  EXPECT_FALSE(plain.contains("cache_hit"));
  EXPECT_FALSE(plain.contains("saved_s"));
  // A journal line of a run without caches is what it was before the fields existed.
  EXPECT_EQ(plain.dump(),
            R"({"compile":{"cache_hit":false,"code_hash":"0000000000000000","codegen_s":0.0,)"
            R"("frontend_s":0.0,"link_s":0.0,"optimize_s":0.0,"total_s":0.0},"fitness":0.5,)"
            R"("sizes":[],"status":"ok","wall_s":0.0})");

  e.cache_hit = "code";
  e.saved_s = 1.25;
  const Evaluation back = evaluation_from_json(to_json(e));
  EXPECT_EQ(back.cache_hit, "code");
  EXPECT_DOUBLE_EQ(back.saved_s, 1.25);
  EXPECT_EQ(evaluation_from_json(plain).cache_hit, "");
}

}  // namespace
}  // namespace evojit
