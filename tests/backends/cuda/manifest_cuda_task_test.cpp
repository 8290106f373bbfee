// CUDA task manifests (examples/conv1d_cuda): the launch geometry from the manifest's
// expressions, the bad-launch errors, and every variant of the example compiled by NVRTC
// for sm_90. NVRTC needs no GPU, so these run everywhere the CUDA backend is built.
#include "backends/cuda/tasks/manifest_cuda_task.hpp"

#include <gtest/gtest.h>

#include "backends/cuda/nvrtc_compiler.hpp"
#include "interop/task_manifest_file.hpp"
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

}  // namespace
}  // namespace evojit
