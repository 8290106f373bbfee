#include "kernels/triad.hpp"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "kernels/kernel_abi.hpp"

namespace evojit {
namespace {

TEST(Triad, SpaceIsNonTrivialAndSeedIsTheNaiveLoop) {
  const auto task = make_triad_task();
  const ParameterSpace& space = task->space();
  for (const char* name : {"VEC", "UNROLL", "THREADS", "CHUNK", "NONTEMPORAL", "ALIGN_HINT"}) {
    EXPECT_TRUE(space.find(name).has_value()) << name;
  }
  EXPECT_GT(space.cartesian_size(), 100u);
  const Config seed = task->seed();
  ASSERT_TRUE(space.is_valid(seed));
  const auto bindings = space.bindings(seed);
  EXPECT_EQ(bindings.at("VEC"), Value(std::int64_t{1}));
  EXPECT_EQ(bindings.at("UNROLL"), Value(std::int64_t{1}));
  EXPECT_EQ(bindings.at("THREADS"), Value(std::int64_t{1}));
  EXPECT_EQ(bindings.at("NONTEMPORAL"), Value(false));
  EXPECT_EQ(bindings.at("ALIGN_HINT"), Value(false));
}

TEST(Triad, ConstraintsRejectOverlongVectorBlocks) {
  const auto task = make_triad_task();
  const ParameterSpace& space = task->space();
  auto bindings = space.bindings(task->seed());
  bindings["VEC"] = std::int64_t{16};
  bindings["UNROLL"] = std::int64_t{8};
  EXPECT_FALSE(space.is_valid(space.from_bindings(bindings)));
  bindings["UNROLL"] = std::int64_t{4};
  EXPECT_TRUE(space.is_valid(space.from_bindings(bindings)));
}

TEST(Triad, RenderBindsEveryParameterAndDefinesTheEntry) {
  const auto task = make_triad_task();
  const std::string source = task->render(task->space().bindings(task->seed()));
  EXPECT_EQ(source.find(cpu_kernel_prelude()), 0u);
  for (const char* define : {"#define VEC 1\n", "#define UNROLL 1\n", "#define THREADS 1\n",
                             "#define NONTEMPORAL 0\n", "#define ALIGN_HINT 0\n"}) {
    EXPECT_NE(source.find(define), std::string::npos) << define;
  }
  EXPECT_NE(source.find(std::string("extern \"C\" void ") + kKernelEntry), std::string::npos);
}

TEST(Triad, WorkloadCountsTwoFlopsAndTwelveBytesPerElement) {
  const auto task = make_triad_task();
  const Workload w = task->workload({"n=1000", {1000}});
  EXPECT_DOUBLE_EQ(w.flops, 2000.0);
  EXPECT_DOUBLE_EQ(w.bytes, 12000.0);
}

TEST(Triad, HeldOutSizesAreUnseenAndNotVectorMultiples) {
  const auto task = make_triad_task();
  const auto training = task->training_sizes();
  ASSERT_GE(training.size(), 3u);
  for (const ProblemSize& held : task->held_out_sizes()) {
    for (const ProblemSize& t : training) EXPECT_NE(held.dims, t.dims) << held.label;
    EXPECT_NE(held.dims.at(0) % 64, 0) << held.label;
  }
}

TEST(Triad, InstanceChecksAgainstTheReference) {
  const auto task = make_triad_task();
  const auto instance = task->instantiate({"n=1000", {1000}});
  const KernelArgs& args = instance->args();
  ASSERT_EQ(args.dims[0], 1000);
  for (int b = 0; b < 3; ++b) {
    ASSERT_NE(args.buffers[b], nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(args.buffers[b]) % 64, 0u) << "buffer " << b;
  }
  // Untouched output fails, naming the first element.
  CheckResult untouched = instance->check();
  EXPECT_FALSE(untouched.ok);
  EXPECT_NE(untouched.message.find("a[0]"), std::string::npos) << untouched.message;

  // The plain loop passes; one wrong element fails and is located.
  float* a = args.buffers[0];
  const float* b = args.buffers[1];
  const float* c = args.buffers[2];
  for (int i = 0; i < 1000; ++i) a[i] = b[i] + args.scalars[0] * c[i];
  const CheckResult good = instance->check();
  EXPECT_TRUE(good.ok) << good.message;
  EXPECT_LE(good.max_error, good.tolerance);
  a[777] *= 1.001f;
  const CheckResult bad = instance->check();
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.message.find("a[777]"), std::string::npos) << bad.message;
  EXPECT_GT(bad.max_error, bad.tolerance);

  instance->reset();
  EXPECT_TRUE(std::isnan(a[0]));
  EXPECT_FALSE(instance->check().ok);
}

}  // namespace
}  // namespace evojit
