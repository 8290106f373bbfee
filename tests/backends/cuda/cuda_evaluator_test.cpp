// The CUDA backend end to end on a device: evaluations of the built-in and T1-driven
// tasks, failure classes (compile error, wrong result, refused launch, sticky
// illegal address that replaces only its worker), resources, the GPU roofline. Every
// test skips, with the reason, where the driver reports no device.
#include "backends/cuda/cuda_evaluator.hpp"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "backends/cuda/cuda_driver.hpp"
#include "backends/cuda/gpu_profile.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"
#include "backends/cuda/tasks/t1_cuda_task.hpp"

namespace evojit {
namespace {

#define REQUIRE_GPU()                                                             \
  do {                                                                            \
    std::string why;                                                              \
    if (cuda::device_count(&why) == 0) GTEST_SKIP() << "no CUDA device: " << why; \
  } while (0)

const RooflineFitness& fitness() {
  static const RooflineFitness f(60e12, 3e12);
  return f;
}

CudaEvaluatorOptions quick() {
  CudaEvaluatorOptions o;
  o.measure.warmup = 1;
  o.measure.min_repetitions = 3;
  o.measure.max_repetitions = 10;
  o.measure.max_seconds = 0.2;
  return o;
}

std::vector<ProblemSize> small(const std::string& task) {
  if (task == "triad") return {{"n=1000003", {1000003}}};
  if (task == "heat2d") return {{"301x517x8", {301, 517, 8}}};
  return {{"n=512", {512}}};
}

class CudaEvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_GPU(); }
};

TEST_F(CudaEvaluatorTest, SeedsOfTheBuiltInTasksAreCorrectAndRecordResources) {
  for (const auto& task :
       {make_cuda_triad_task(), make_cuda_heat2d_task(), make_cuda_sgemm_task()}) {
    WorkerPool pool(1, cuda_worker_options());
    CudaEvaluator ev(*task, task->space(), small(task->name()), pool, fitness(), quick());
    const Evaluation e = ev.evaluate(task->seed());
    ASSERT_EQ(e.status, EvalStatus::ok) << task->name() << ": " << e.diagnostic;
    EXPECT_GT(e.fitness, 0.0);
    ASSERT_EQ(e.sizes.size(), 1u);
    EXPECT_GT(e.sizes[0].timing.median_s, 0.0);
    EXPECT_TRUE(e.resources.present);
    EXPECT_GT(e.resources.registers, 0);
    EXPECT_GT(e.resources.max_threads_per_block, 0);
    EXPECT_EQ(e.resources.binary.rfind("cubin sm_", 0), 0u) << e.resources.binary;
  }
}

TEST_F(CudaEvaluatorTest, EveryValidSgemmShapeSampledIsCorrect) {
  auto task = make_cuda_sgemm_task();
  WorkerPool pool(2, cuda_worker_options());
  CudaEvaluator ev(*task, task->space(), small("sgemm"), pool, fitness(), quick());
  Rng rng(7);
  for (int i = 0; i < 12; ++i) {
    const auto c = task->space().sample(rng);
    ASSERT_TRUE(c);
    const Evaluation e = ev.evaluate(*c);
    EXPECT_EQ(e.status, EvalStatus::ok) << task->space().canonical(*c) << ": " << e.diagnostic;
  }
}

// Sizes no tile divides: 300 (rows 16-byte aligned, so vector loads, with edge tiles
// and a partial last k-slice) and 517 (odd: every load element by element).
TEST_F(CudaEvaluatorTest, SgemmIsCorrectAtSizesNoTileDivides) {
  auto task = make_cuda_sgemm_task();
  WorkerPool pool(2, cuda_worker_options());
  const std::vector<ProblemSize> sizes = {{"n=300", {300}}, {"n=517", {517}}};
  CudaEvaluator ev(*task, task->space(), sizes, pool, fitness(), quick());
  Rng rng(13);
  for (int i = 0; i < 12; ++i) {
    const auto c = task->space().sample(rng);
    ASSERT_TRUE(c);
    const Evaluation e = ev.evaluate(*c);
    EXPECT_EQ(e.status, EvalStatus::ok) << task->space().canonical(*c) << ": " << e.diagnostic;
  }
}

// Split k (SPLITK): each way of staging slices, with the splits' runs of k-slices uneven
// (n = 517), and at n = 40 with more splits than slices (some splits add zeros). The
// timed repetitions after the check would hang on a lock that a launch left set.
TEST_F(CudaEvaluatorTest, SgemmSplitKIsCorrectAtUnevenAndEmptySplits) {
  auto task = make_cuda_sgemm_task();
  WorkerPool pool(1, cuda_worker_options());
  const std::vector<ProblemSize> sizes = {{"n=40", {40}}, {"n=517", {517}}, {"n=1000", {1000}}};
  CudaEvaluator ev(*task, task->space(), sizes, pool, fitness(), quick());
  for (const char* canonical :
       {"AT=True,BK=32,BM=64,BN=64,DBUF=True,PAD=4,PIPE=0,SPLITK=4,TM=4,TN=4,VEC=4,WX=8",
        "AT=True,BK=8,BM=128,BN=128,DBUF=False,PAD=4,PIPE=0,SPLITK=3,TM=8,TN=8,VEC=4,WX=8",
        "AT=True,BK=16,BM=128,BN=128,DBUF=False,PAD=4,PIPE=3,SPLITK=2,TM=8,TN=8,VEC=4,WX=8",
        "AT=False,BK=32,BM=64,BN=128,DBUF=False,PAD=4,PIPE=2,SPLITK=3,TM=8,TN=4,VEC=4,WX=16"}) {
    const Evaluation e = ev.evaluate(task->space().parse_canonical(canonical));
    EXPECT_EQ(e.status, EvalStatus::ok) << canonical << ": " << e.diagnostic;
  }
}

// Vector and elementwise paths: a row length that no vector divides, and one that all do.
TEST_F(CudaEvaluatorTest, EveryValidHeat2dShapeSampledIsCorrect) {
  auto task = make_cuda_heat2d_task();
  WorkerPool pool(2, cuda_worker_options());
  const std::vector<ProblemSize> sizes = {{"301x517x8", {301, 517, 8}},
                                          {"130x1024x8", {130, 1024, 8}}};
  CudaEvaluator ev(*task, task->space(), sizes, pool, fitness(), quick());
  Rng rng(11);
  for (int i = 0; i < 12; ++i) {
    const auto c = task->space().sample(rng);
    ASSERT_TRUE(c);
    const Evaluation e = ev.evaluate(*c);
    EXPECT_EQ(e.status, EvalStatus::ok) << task->space().canonical(*c) << ": " << e.diagnostic;
  }
}

// Programmatic dependent launch: each step may be scheduled while the one before
// drains and must wait on the device for what it wrote. 16 steps over grids of many
// waves, both paths (a row length that no vector divides, one that all do), against the
// reference; a step that read early would read the grid of two steps before.
TEST_F(CudaEvaluatorTest, Heat2dWithOverlappedLaunchesIsCorrect) {
  auto task = make_cuda_heat2d_task();
  WorkerPool pool(1, cuda_worker_options());
  const std::vector<ProblemSize> sizes = {{"1031x1517x16", {1031, 1517, 16}},
                                          {"1024x2048x16", {1024, 2048, 16}}};
  CudaEvaluator ev(*task, task->space(), sizes, pool, fitness(), quick());
  for (const char* canonical :
       {"BLOCK_X=128,BLOCK_Y=4,CELLS_Y=2,LDG=False,PDL=True,STCS=False,VEC=4",
        "BLOCK_X=32,BLOCK_Y=1,CELLS_Y=1,LDG=True,PDL=True,STCS=True,VEC=1"}) {
    const Evaluation e = ev.evaluate(task->space().parse_canonical(canonical));
    EXPECT_EQ(e.status, EvalStatus::ok) << canonical << ": " << e.diagnostic;
  }
}

TEST_F(CudaEvaluatorTest, PtxFallbackRunsToo) {
  auto task = make_cuda_triad_task();
  WorkerPool pool(1, cuda_worker_options());
  CudaEvaluatorOptions o = quick();
  o.force_ptx = true;
  CudaEvaluator ev(*task, task->space(), small("triad"), pool, fitness(), o);
  const Evaluation e = ev.evaluate(task->seed());
  ASSERT_EQ(e.status, EvalStatus::ok) << e.diagnostic;
  EXPECT_EQ(e.resources.binary.rfind("ptx compute_", 0), 0u);
}

TEST_F(CudaEvaluatorTest, CompileErrorIsLocatedInTheKernelSource) {
  auto task = make_cuda_triad_task();
  WorkerPool pool(1, cuda_worker_options());
  CudaEvaluator ev(*task, task->space(), small("triad"), pool, fitness(), quick());
  const Evaluation e = ev.evaluate_source(
      render_cuda_source("extern \"C\" __global__ void triad(float* a) {\n  a[0] = nope;\n}\n", {}),
      task->space().bindings(task->seed()), small("triad"));
  EXPECT_EQ(e.status, EvalStatus::compile_error);
  ASSERT_FALSE(e.source_diagnostics.empty()) << e.diagnostic;
  EXPECT_EQ(e.source_diagnostics[0].line, 2);  // #line 1 "kernel.cu" starts the template
  EXPECT_EQ(e.source_diagnostics[0].column, 10);
}

TEST_F(CudaEvaluatorTest, WrongResultNamesTheElement) {
  auto task = make_cuda_triad_task();
  WorkerPool pool(1, cuda_worker_options());
  CudaEvaluator ev(*task, task->space(), small("triad"), pool, fitness(), quick());
  const std::string wrong =
      "extern \"C\" __global__ void triad(float* a, const float* b, const float* c, float s, long "
      "long n) {\n"
      "  long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x;\n"
      "  if (i < n - 1) a[i] = b[i] + s * c[i];\n"  // the last element is never written
      "}\n";
  const Evaluation e = ev.evaluate_source(render_cuda_source(wrong, {}),
                                          {{"BLOCK", std::int64_t{256}},
                                           {"VEC", std::int64_t{1}},
                                           {"ITEMS", std::int64_t{1}},
                                           {"STREAMING", false}},
                                          small("triad"));
  EXPECT_EQ(e.status, EvalStatus::wrong_result);
  EXPECT_NE(e.diagnostic.find("a[1000002]"), std::string::npos) << e.diagnostic;
}

TEST_F(CudaEvaluatorTest, TooLargeABlockIsRefusedWithTheReason) {
  auto task = make_cuda_heat2d_task();
  WorkerPool pool(1, cuda_worker_options());
  CudaEvaluator ev(*task, task->space(), small("heat2d"), pool, fitness(), quick());
  // __launch_bounds__(32 * 8) caps the kernel at 256 threads; launch it with 2048.
  auto b = task->space().bindings(task->seed());
  const std::string source = task->render(b);
  b["BLOCK_X"] = std::int64_t{256};
  b["BLOCK_Y"] = std::int64_t{8};
  const Evaluation e = ev.evaluate_source(source, b, small("heat2d"));
  EXPECT_EQ(e.status, EvalStatus::crash);
  EXPECT_NE(e.diagnostic.find("launch refused"), std::string::npos) << e.diagnostic;
}

TEST_F(CudaEvaluatorTest, StickyIllegalAddressReplacesOnlyThatWorker) {
  auto task = make_cuda_triad_task();
  WorkerPool pool(1, cuda_worker_options());
  CudaEvaluator ev(*task, task->space(), small("triad"), pool, fitness(), quick());
  const std::string bad =
      "extern \"C\" __global__ void triad(float* a, const float* b, const float* c, float s, long "
      "long n) {\n"
      "  a[(1ll << 40) + threadIdx.x] = 1.0f;\n"
      "}\n";
  const Evaluation crashed = ev.evaluate_source(
      render_cuda_source(bad, {}), task->space().bindings(task->seed()), small("triad"));
  EXPECT_EQ(crashed.status, EvalStatus::crash);
  EXPECT_NE(crashed.diagnostic.find("CUDA_ERROR_ILLEGAL_ADDRESS"), std::string::npos)
      << crashed.diagnostic;
  EXPECT_NE(crashed.diagnostic.find("sticky"), std::string::npos);
  // The run goes on: the next candidate gets a fresh worker and a fresh context.
  const Evaluation next = ev.evaluate(task->seed());
  EXPECT_EQ(next.status, EvalStatus::ok) << next.diagnostic;
  WorkerPool::Lease lease = pool.acquire();
  EXPECT_EQ(lease.worker().generation(), 2u);
}

TEST_F(CudaEvaluatorTest, T1DrivenConvolutionAndDedispersionDefaultsAreCorrect) {
  const char* env = std::getenv("EVOJIT_TEST_DATA_DIR");
  const std::filesystem::path spaces =
      std::filesystem::path(env && *env ? env : EVOJIT_TEST_DATA_DIR) / "spaces";
  const std::filesystem::path kernels = EVOJIT_SOURCE_DIR "/backends/cuda/tasks";
  if (!std::filesystem::exists(spaces / "convolution_milo.json")) {
    GTEST_SKIP() << "no T1 files at " << spaces;
  }
  for (const auto& [t1, cu] : {std::pair{"convolution_milo.json", "convolution.cu"},
                               std::pair{"dedispersion_milo.json", "dedispersion.cu"}}) {
    auto task = cuda_task_from_t1(spaces / t1, kernels / cu);
    WorkerPool pool(1, cuda_worker_options());
    CudaEvaluator ev(*task, task->space(), task->held_out_sizes(), pool, fitness(), quick());
    const Evaluation e = ev.evaluate(task->seed());
    EXPECT_EQ(e.status, EvalStatus::ok) << t1 << ": " << e.diagnostic;
    Rng rng(3);
    for (int i = 0; i < 4; ++i) {
      const auto c = task->space().sample(rng);
      ASSERT_TRUE(c);
      const Evaluation s = ev.evaluate(*c);
      EXPECT_TRUE(s.status == EvalStatus::ok)
          << t1 << " " << task->space().canonical(*c) << ": " << s.diagnostic;
    }
  }
}

TEST_F(CudaEvaluatorTest, GpuRooflineIsMeasuredAndPlausible) {
  const GpuProfile g = measure_gpu_profile(0);
  EXPECT_GT(g.copy_bytes_per_s, 0.2 * g.nominal_bandwidth);
  EXPECT_LT(g.copy_bytes_per_s, 1.2 * g.nominal_bandwidth);
  EXPECT_GT(g.profile.peak_flops(), 0.3 * g.nominal_fp32_flops);
  EXPECT_LT(g.profile.peak_flops(), 1.2 * g.nominal_fp32_flops);
}

}  // namespace
}  // namespace evojit
