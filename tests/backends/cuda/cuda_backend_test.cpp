// The "cuda" registry entry and the CUDA backend's identity, without a device: what
// it refuses (unknown or mistyped options, half a T1 task, resuming on another GPU
// model). With a device: a seed through CandidatePipeline over CudaBackend.
#include "backends/cuda/cuda_backend.hpp"

#include <gtest/gtest.h>

#include "backends/cuda/cuda_driver.hpp"
#include "evaluators/pipeline.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

using nlohmann::json;

std::string refusal(const json& options, const std::string& task = "triad") {
  BackendRegistry registry;
  register_cuda_backend(registry);
  BackendContext context;
  context.task = task;
  context.options = options;
  try {
    registry.create("cuda", context);
  } catch (const InputError& e) {
    return std::string(e.what()) + " @ " + e.where();
  }
  return "(accepted)";
}

TEST(CudaBackendRegistry, RefusesUnknownAndMistypedOptionsNamingTheKey) {
  EXPECT_NE(refusal({{"flush_l2", true}, {"colour", "red"}}).find("unknown option 'colour'"),
            std::string::npos);
  EXPECT_NE(refusal({{"device", "zero"}}).find("@ cuda.device"), std::string::npos);
  EXPECT_NE(refusal({{"flush_l2", 1}}).find("@ cuda.flush_l2"), std::string::npos);
  EXPECT_NE(refusal({{"t1", "x.json"}}).find("needs both t1 and kernel_source"), std::string::npos);
  EXPECT_NE(refusal(json::object(), "no-such-task").find("no-such-task"), std::string::npos);
}

TEST(CudaBackendRegistry, MakesABuiltInTask) {
  BackendRegistry registry;
  register_cuda_backend(registry);
  BackendContext context;
  context.task = "triad";
  context.workers = 2;
  context.options = {{"device", 0}, {"flush_l2", true}};
  const auto backend = registry.create("cuda", context);
  EXPECT_EQ(backend->task().name(), "triad");
  const auto& cuda = dynamic_cast<const CudaBackend&>(*backend);
  EXPECT_TRUE(cuda.settings().flush_l2);
  EXPECT_EQ(cuda.pool().size(), 2u);
}

TEST(CudaBackend, RefusesResumingOnAnotherGpuModelOrL2Policy) {
  const auto task = make_cuda_triad_task();
  CudaBackend backend(*task, 1, CudaSettings{0, false, false});
  const json mine = backend.identity();  // without a device: "CUDA device 0"
  EXPECT_EQ(mine.at("device"), "cuda:0");
  EXPECT_NO_THROW(backend.require_same_identity(mine));
  json other = mine;
  other["gpu"] = "Tesla K80";
  EXPECT_THROW(backend.require_same_identity(other), InputError);
  other = mine;
  other["flush_l2"] = true;
  EXPECT_THROW(backend.require_same_identity(other), InputError);
}

TEST(CudaWorker, RefusesARequestOfAnotherProtocolVersionNamingBoth) {
  // A ping touches no device: this runs where there is none.
  WorkerPool pool(1, cuda_worker_options());
  WorkerPool::Lease lease = pool.acquire();
  const WorkerProcess::Reply reply = lease.worker().request(
      {{"op", "ping"}, {"v", kWorkerProtocolVersion + 40}}, std::chrono::seconds(60));
  ASSERT_EQ(reply.kind, WorkerProcess::Reply::Kind::ok) << reply.stderr_tail;
  ASSERT_TRUE(reply_error(reply.body)) << reply.body.dump();
  EXPECT_NE(reply_error(reply.body)->find("version " + std::to_string(kWorkerProtocolVersion + 40)),
            std::string::npos);
  EXPECT_EQ(mismatched_worker_version(reply.body), kWorkerProtocolVersion);
}

TEST(CudaBackend, ASeedThroughThePipelineIsCorrect) {
  std::string why;
  if (cuda::device_count(&why) == 0) GTEST_SKIP() << "no CUDA device: " << why;
  const auto task = make_cuda_triad_task();
  WorkerBackendOptions options = default_cuda_backend_options();
  options.measure.max_seconds = 0.1;
  CudaBackend backend(*task, 1, CudaSettings{}, options);
  CandidatePipeline pipeline(backend, task->space(), {{"n=1000003", {1000003}}},
                             Fitness(RooflineFitness(60e12, 3e12)));
  const Evaluation e = pipeline.evaluate(task->seed());
  ASSERT_EQ(e.status, EvalStatus::ok) << e.diagnostic;
  EXPECT_GT(e.fitness, 0.0);
  EXPECT_TRUE(e.resources.present);
  EXPECT_NE(backend.traits().device_name.rfind("CUDA device", 0), 0u) << "the GPU's name";
}

}  // namespace
}  // namespace evojit
