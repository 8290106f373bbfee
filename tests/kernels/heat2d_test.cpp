#include "kernels/heat2d.hpp"

#include <cmath>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/kernel_abi.hpp"

namespace evojit {
namespace {

// The plain algorithm, written independently of the task's reference.
void naive_heat(const KernelArgs& args) {
  const std::int64_t ny = args.dims[0], nx = args.dims[1], steps = args.dims[2];
  const float alpha = args.scalars[0];
  std::vector<float> u(args.buffers[0], args.buffers[0] + ny * nx), v = u;
  for (std::int64_t t = 0; t < steps; ++t) {
    for (std::int64_t y = 1; y < ny - 1; ++y) {
      for (std::int64_t x = 1; x < nx - 1; ++x) {
        const float* p = &u[y * nx + x];
        v[y * nx + x] = p[0] + alpha * (p[-nx] + p[nx] + p[-1] + p[1] - 4.0f * p[0]);
      }
    }
    std::swap(u, v);
  }
  std::copy(u.begin(), u.end(), args.buffers[0]);
}

TEST(Heat2d, SpaceIsNonTrivialAndSeedIsTheNaiveLoop) {
  const auto task = make_heat2d_task();
  const ParameterSpace& space = task->space();
  for (const char* name : {"TILE_Y", "TILE_X", "UNROLL_X", "VEC", "THREADS", "FUSE_STEPS"}) {
    EXPECT_TRUE(space.find(name).has_value()) << name;
  }
  EXPECT_GT(space.cartesian_size(), 100u);
  const Config seed = task->seed();
  ASSERT_TRUE(space.is_valid(seed));
  const auto bindings = space.bindings(seed);
  EXPECT_EQ(bindings.at("FUSE_STEPS"), Value(std::int64_t{1}));
  EXPECT_EQ(bindings.at("THREADS"), Value(std::int64_t{1}));
  EXPECT_EQ(bindings.at("VEC"), Value(std::int64_t{1}));
  EXPECT_EQ(bindings.at("UNROLL_X"), Value(std::int64_t{1}));
  // One tile spans every training grid: no blocking in the seed.
  for (const ProblemSize& s : task->training_sizes()) {
    EXPECT_GE(std::get<std::int64_t>(bindings.at("TILE_X")), s.dims[1]);
    EXPECT_GE(std::get<std::int64_t>(bindings.at("TILE_Y")), s.dims[0]);
  }
}

TEST(Heat2d, FusedScratchMustFitTheStackBudget) {
  const auto task = make_heat2d_task();
  const ParameterSpace& space = task->space();
  auto bindings = space.bindings(task->seed());
  bindings["FUSE_STEPS"] = std::int64_t{4};  // 4104 x 4104 floats of scratch
  EXPECT_FALSE(space.is_valid(space.from_bindings(bindings)));
  bindings["TILE_Y"] = std::int64_t{64};
  bindings["TILE_X"] = std::int64_t{256};
  EXPECT_TRUE(space.is_valid(space.from_bindings(bindings)));
}

TEST(Heat2d, RenderBindsEveryParameterAndDefinesTheEntry) {
  const auto task = make_heat2d_task();
  const std::string source = task->render(task->space().bindings(task->seed()));
  EXPECT_EQ(source.find(cpu_kernel_prelude()), 0u);
  for (const char* define : {"#define TILE_Y 4096\n", "#define TILE_X 4096\n",
                             "#define FUSE_STEPS 1\n", "#define THREADS 1\n"}) {
    EXPECT_NE(source.find(define), std::string::npos) << define;
  }
  EXPECT_NE(source.find(std::string("extern \"C\" void ") + kKernelEntry), std::string::npos);
}

TEST(Heat2d, WorkloadIsSixFlopsPerInteriorCellStepAndOneReadWriteOfTheField) {
  const auto task = make_heat2d_task();
  const Workload w = task->workload({"10x12x8", {10, 12, 8}});
  EXPECT_DOUBLE_EQ(w.flops, 6.0 * 8 * 10 * 8);
  EXPECT_DOUBLE_EQ(w.bytes, 2.0 * 4.0 * 10 * 12);
  EXPECT_TRUE(task->updates_in_place());
}

TEST(Heat2d, HeldOutSizesAreUnseenAndOdd) {
  const auto task = make_heat2d_task();
  const auto training = task->training_sizes();
  ASSERT_GE(training.size(), 3u);
  for (const ProblemSize& held : task->held_out_sizes()) {
    for (const ProblemSize& t : training) EXPECT_NE(held.dims, t.dims) << held.label;
    EXPECT_EQ(held.dims.at(1) % 2, 1) << held.label;
  }
}

TEST(Heat2d, InstanceChecksAgainstTheReferenceAndResets) {
  const auto task = make_heat2d_task();
  const auto instance = task->instantiate({"40x33x8", {40, 33, 8}});
  const KernelArgs& args = instance->args();
  ASSERT_EQ(args.dims[0], 40);
  ASSERT_EQ(args.dims[1], 33);
  ASSERT_EQ(args.dims[2], 8);
  EXPECT_FLOAT_EQ(args.scalars[0], 0.2f);
  const std::vector<float> initial(args.buffers[0], args.buffers[0] + 40 * 33);

  const CheckResult untouched = instance->check();
  EXPECT_FALSE(untouched.ok);
  EXPECT_FALSE(untouched.message.empty());

  naive_heat(args);
  const CheckResult good = instance->check();
  EXPECT_TRUE(good.ok) << good.message;
  EXPECT_LE(good.max_error, good.tolerance);
  // The boundary is part of the result: a changed corner fails.
  args.buffers[0][40 * 33 - 1] += 0.5f;
  const CheckResult bad = instance->check();
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.message.find("y=39][x=32]"), std::string::npos) << bad.message;

  instance->reset();
  EXPECT_EQ(std::vector<float>(args.buffers[0], args.buffers[0] + 40 * 33), initial);
  EXPECT_TRUE(std::isnan(args.buffers[1][0]));  // scratch grid is poisoned
}

}  // namespace
}  // namespace evojit
