// CUDA task manifests (examples/conv1d_cuda): the launch geometry from the manifest's
// expressions, the bad-launch errors, and every variant of the example compiled by NVRTC
// for sm_90. NVRTC needs no GPU, so these run everywhere the CUDA backend is built.
#include "backends/cuda/tasks/manifest_cuda_task.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "backends/cuda/cuda_backend.hpp"
#include "backends/cuda/cuda_driver.hpp"
#include "backends/cuda/nvrtc_compiler.hpp"
#include "evaluators/pipeline.hpp"
#include "interop/task_manifest_file.hpp"
#include "kernels/manifest_task.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

const std::string kExample = std::string(EVOJIT_SOURCE_DIR) + "/examples/conv1d_cuda/conv1d.json";

TEST(ManifestCudaTask, LaunchGeometryFollowsTheBlockAndGridDivExpressions) {
  const auto task = make_manifest_cuda_task(read_task_manifest(kExample));
  EXPECT_EQ(task->kernel_name(), "conv1d");
  const Config c = task->space().parse_canonical("TILE_X=4,block_size_x=256");
  const ProblemSize size = task->training_sizes().at(0);  // n = 2^20
  const LaunchGeometry g = task->launch(task->space().bindings(c), size);
  EXPECT_EQ(g.block[0], 256u);
  EXPECT_EQ(g.block[1], 1u);
  EXPECT_EQ(g.grid[0], (1u << 20) / (256u * 4u));
  EXPECT_EQ(g.grid[1], 1u);
  EXPECT_EQ(task->problem_kind().rfind("manifest:", 0), 0u);
  EXPECT_DOUBLE_EQ(task->workload(size).flops, 2.0 * (1 << 20) * 17);
}

TEST(ManifestCudaTask, EveryVariantCompilesWithNvrtcForSm90) {
  const auto task = make_manifest_cuda_task(read_task_manifest(kExample));
  std::size_t compiled = 0;
  for (int block : {64, 128, 256, 512, 1024})
    for (int tile : {1, 2, 4, 8}) {
      const Config c = task->space().parse_canonical("TILE_X=" + std::to_string(tile) +
                                                     ",block_size_x=" + std::to_string(block));
      cuda::NvrtcRequest r;
      r.source = task->render(task->space().bindings(c));
      r.kernel_name = task->kernel_name();
      r.options = task->compile_options();
      r.cc_major = 9;
      r.cc_minor = 0;
      const cuda::NvrtcResult result = cuda::nvrtc_compile(r);
      ASSERT_TRUE(result.ok) << task->space().canonical(c) << ":\n" << result.log;
      EXPECT_EQ(result.arch, "sm_90");
      ++compiled;
    }
  EXPECT_EQ(compiled, 20u);
}

TaskManifest example_with_launch(const nlohmann::json& launch) {
  TaskManifest m = read_task_manifest(kExample);
  m.launch = launch;
  return m;
}

std::string launch_error(const nlohmann::json& launch) {
  try {
    make_manifest_cuda_task(example_with_launch(launch));
  } catch (const InputError& e) {
    return e.what() + std::string(" @ ") + e.where();
  }
  return "no error";
}

TEST(ManifestCudaTask, BadLaunchExpressionsNameTheirPointer) {
  EXPECT_NE(launch_error({{"block", {"nonsense_name", 1, 1}}}).find("#/launch/block/0"),
            std::string::npos);
  EXPECT_NE(launch_error({{"block", {"block_size_x - 64", 1, 1}}}).find("not a launch extent"),
            std::string::npos);
  EXPECT_NE(launch_error({{"grid_div", {"TILE_X", 1, 1}}}).find("needs a block"),
            std::string::npos);
  EXPECT_NE(launch_error({{"block", {"block_size_x"}}, {"threads", 1}}).find("unknown launch"),
            std::string::npos);
}

// The worker's data for a size: a buffer per array (outputs checked), the scalars as
// the kernel takes them, and a check against the expected outputs with the tolerances.
TEST(ManifestCudaTask, ProblemHasTheManifestsBuffersScalarsAndCheck) {
  auto manifest = std::make_shared<const TaskManifest>(read_task_manifest(kExample));
  const ProblemSize size{"n=8,k=3", {8, 3}};
  auto expected = std::make_shared<ExpectedOutputs>();
  const CudaProblem p = make_manifest_cuda_problem(manifest, size, expected);
  ASSERT_EQ(p.buffers.size(), 3u);
  EXPECT_EQ(p.buffers[0].bytes(), 8u * 4);
  EXPECT_TRUE(p.buffers[0].output);
  EXPECT_EQ(p.buffers[1].bytes(), 10u * 4);  // n + k - 1
  EXPECT_FALSE(p.buffers[1].output);
  ASSERT_EQ(p.launches.size(), 1u);
  ASSERT_EQ(p.launches[0].size(), 5u);
  EXPECT_EQ(p.launches[0][3].kind, CudaArgument::Kind::raw);
  EXPECT_EQ(static_cast<std::int32_t>(p.launches[0][4].bits), 3);

  std::vector<std::vector<unsigned char>> outputs(3);
  outputs[0].assign(8 * 4, 0);
  *expected = outputs;
  EXPECT_TRUE(p.check(outputs).ok);
  const float off = 1.0f;
  std::memcpy(outputs[0].data() + 4 * 5, &off, sizeof off);
  const CheckResult wrong = p.check(outputs);
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.message.find("out[5]"), std::string::npos) << wrong.message;
}

TEST(ManifestCudaTask, CudaBackendTakesTheManifestTaskAndCppManifestsAreRefused) {
  TaskRegistry tasks;
  tasks.add(make_manifest_task(read_task_manifest(kExample)));
  tasks.add(make_manifest_task(
      read_task_manifest(std::string(EVOJIT_SOURCE_DIR) + "/examples/conv1d/conv1d.json")));
  BackendRegistry registry;
  register_cuda_backend(registry);
  BackendContext context;
  context.tasks = &tasks;
  context.options = nlohmann::json::object();
  context.task = "conv1d";
  try {
    registry.create("cuda", context);
    ADD_FAILURE() << "a C++ manifest on the cuda backend was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is C++, not CUDA"), std::string::npos) << e.what();
  }
  std::string why;
  if (cuda::device_count(&why) == 0) GTEST_SKIP() << "no CUDA device to start a worker: " << why;
  context.task = "conv1d_cuda";
  EXPECT_EQ(registry.create("cuda", context)->task().name(), "conv1d_cuda");
}

// With a device: the seed and another configuration through the pipeline, checked
// against the seed's outputs.
TEST(ManifestCudaTask, VariantsThroughThePipelineAreCorrect) {
  std::string why;
  if (cuda::device_count(&why) == 0) GTEST_SKIP() << "no CUDA device: " << why;
  const auto task = make_manifest_cuda_task(read_task_manifest(kExample));
  WorkerBackendOptions options = default_cuda_backend_options();
  options.measure.max_seconds = 0.1;
  CudaBackend backend(*task, 1, CudaSettings{}, options);
  CandidatePipeline pipeline(backend, task->space(), task->training_sizes(),
                             Fitness(RooflineFitness(60e12, 3e12)));
  for (const char* canonical : {"TILE_X=1,block_size_x=64", "TILE_X=8,block_size_x=1024"}) {
    const Evaluation e = pipeline.evaluate(task->space().parse_canonical(canonical));
    ASSERT_EQ(e.status, EvalStatus::ok) << canonical << ": " << e.diagnostic;
    EXPECT_GT(e.fitness, 0.0);
  }
}

}  // namespace
}  // namespace evojit
