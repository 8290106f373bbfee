// Worker processes: a worker that crashes, hangs, burns CPU or runs out of memory is
// killed or reaped, its failure is reported with how it ended, and the next request
// gets a fresh worker. Uses the test-only fault-injection task.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evaluators/worker/worker_failure.hpp"
#include "evaluators/worker/worker_limits.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "kernels/task_registry.hpp"
#include "tests/kernels/fault_tasks.hpp"

namespace evojit {
namespace {

using nlohmann::json;
using Reply = WorkerProcess::Reply;
using std::chrono::milliseconds;

std::string fault_source(const std::string& fault) {
  const auto task = make_fault_injection_task();
  return task->render({{"FAULT", fault}, {"UNROLL", std::int64_t{1}}, {"BLOCK", std::int64_t{16}}});
}

class WorkerPoolTest : public ::testing::Test {
 protected:
  static Reply compile_and_run(WorkerProcess& worker, const std::string& fault,
                               milliseconds run_timeout) {
    const Reply compiled =
        worker.request({{"op", "compile"}, {"source", fault_source(fault)}}, milliseconds(60'000));
    EXPECT_EQ(compiled.kind, Reply::Kind::ok);
    EXPECT_TRUE(compiled.body.value("ok", false)) << compiled.body.dump();
    return worker.request({{"op", "run"},
                           {"task", kFaultInjectionTaskName},
                           {"kernel", compiled.body.at("kernel")},
                           {"sizes", json::array({{{"label", "n=4096"}, {"dims", {4096}}}})},
                           {"time", false}},
                          run_timeout);
  }

  static void expect_alive(WorkerProcess& worker) {
    const Reply pong = worker.request({{"op", "ping"}}, milliseconds(60'000));
    ASSERT_EQ(pong.kind, Reply::Kind::ok);
    EXPECT_TRUE(pong.body.value("ok", false));
  }
};

TEST_F(WorkerPoolTest, HealthyKernelRunsAndTheWorkerIsReused) {
  WorkerProcess worker{WorkerOptions{}};
  const Reply ran = compile_and_run(worker, "none", milliseconds(30'000));
  ASSERT_EQ(ran.kind, Reply::Kind::ok);
  EXPECT_EQ(ran.body.value("status", ""), "ok") << ran.body.dump();
  expect_alive(worker);
  EXPECT_EQ(worker.generation(), 1u);
}

TEST_F(WorkerPoolTest, CrashedWorkerIsReplaced) {
  WorkerProcess worker{WorkerOptions{}};
  const Reply ran = compile_and_run(worker, "segfault", milliseconds(30'000));
  ASSERT_EQ(ran.kind, Reply::Kind::died);
  EXPECT_EQ(ran.signal, SIGSEGV);
  EXPECT_EQ(worker.pid(), -1);
  expect_alive(worker);
  EXPECT_EQ(worker.generation(), 2u);
}

TEST_F(WorkerPoolTest, TimeoutKillsTheWorkerAndTheNextRequestWorks) {
  WorkerProcess worker{WorkerOptions{}};
  const Reply ran = compile_and_run(worker, "loop_forever", milliseconds(500));
  ASSERT_EQ(ran.kind, Reply::Kind::timeout);
  const Reply again = compile_and_run(worker, "none", milliseconds(30'000));
  ASSERT_EQ(again.kind, Reply::Kind::ok);
  EXPECT_EQ(again.body.value("status", ""), "ok");
  EXPECT_EQ(worker.generation(), 2u);
}

TEST_F(WorkerPoolTest, CpuBudgetPerRequestStopsARunawayKernelBeforeItsDeadline) {
  WorkerOptions options;
  options.cpu_seconds_per_request = 1.0;
  WorkerProcess worker{options};
  // The worker has already used CPU time (JIT warm-up): the budget is per request.
  const Reply ran = compile_and_run(worker, "loop_forever", milliseconds(120'000));
  ASSERT_EQ(ran.kind, Reply::Kind::died);
  EXPECT_EQ(ran.signal, SIGXCPU);
  expect_alive(worker);
}

TEST_F(WorkerPoolTest, UnboundedAllocationEndsAtTheMemoryLimit) {
  WorkerOptions options;
  options.memory_limit_bytes = std::size_t{1} << 30;
  WorkerProcess worker{options};
  const Reply ran = compile_and_run(worker, "allocate_unbounded", milliseconds(60'000));
  ASSERT_EQ(ran.kind, Reply::Kind::died);
  // The kernel dereferences malloc's NULL; the worker knows an allocation failed.
  EXPECT_EQ(ran.signal, 0);
  EXPECT_EQ(ran.exit_code, kWorkerExitOutOfMemory);
  EXPECT_EQ(ran.memory_limit_bytes, options.memory_limit_bytes);
  EXPECT_LE(ran.peak_rss_bytes, options.memory_limit_bytes + (std::size_t{256} << 20));
  expect_alive(worker);
}

TEST_F(WorkerPoolTest, EachWorkerRunsInItsOwnScratchDirectoryRemovedWhenItEnds) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("evojit-pool-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  WorkerOptions options;
  options.scratch_root = root.string();
  std::string first_scratch;
  {
    WorkerProcess worker{options};
    expect_alive(worker);
    first_scratch = worker.scratch_dir();
    ASSERT_FALSE(first_scratch.empty());
    EXPECT_EQ(std::filesystem::path(first_scratch).parent_path(), root);
    EXPECT_EQ(std::filesystem::read_symlink("/proc/" + std::to_string(worker.pid()) + "/cwd"),
              std::filesystem::path(first_scratch));
    compile_and_run(worker, "abort", milliseconds(30'000));
    EXPECT_FALSE(std::filesystem::exists(first_scratch));  // the dead worker's is gone
    expect_alive(worker);
    EXPECT_NE(worker.scratch_dir(), first_scratch);
    EXPECT_TRUE(std::filesystem::exists(worker.scratch_dir()));
  }
  EXPECT_TRUE(std::filesystem::is_empty(root));
  std::filesystem::remove_all(root);
}

TEST_F(WorkerPoolTest, TheMemoryLimitIsSharedOutAmongThePoolsWorkers) {
  const std::size_t ram = static_cast<std::size_t>(::sysconf(_SC_PHYS_PAGES)) *
                          static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t floor = std::size_t{512} << 20;
  WorkerPool pool(4);
  const std::size_t each = pool.acquire().worker().memory_limit_bytes();
  EXPECT_EQ(each, worker_memory_share(4));
  // Together the workers stay within the machine (unless the floor rules).
  if (each > floor) EXPECT_LE(4 * each, ram);
  EXPECT_GE(worker_memory_share(1), worker_memory_share(4));
  WorkerOptions fixed;
  fixed.memory_limit_bytes = std::size_t{1} << 30;  // an explicit limit is kept
  WorkerPool explicit_pool(4, fixed);
  EXPECT_EQ(explicit_pool.acquire().worker().memory_limit_bytes(), std::size_t{1} << 30);
}

TEST_F(WorkerPoolTest, AWorkerIsRecycledAfterItsQuotaOfCompiles) {
  WorkerOptions options;
  options.recycle_after_compiles = 2;
  WorkerProcess worker{options};
  for (int i = 0; i < 5; ++i) {
    const Reply ran = compile_and_run(worker, "none", milliseconds(30'000));
    ASSERT_EQ(ran.kind, Reply::Kind::ok);
    EXPECT_EQ(ran.body.value("status", ""), "ok") << ran.body.dump();
  }
  // Compiles 1-2 in the first process, 3-4 in the second, 5 in the third.
  EXPECT_EQ(worker.generation(), 3u);
  EXPECT_EQ(worker.compiles(), 1u);
}

TEST_F(WorkerPoolTest, AWorkerKilledFromOutsideIsLostNotOutOfMemory) {
  WorkerProcess worker{WorkerOptions{}};
  expect_alive(worker);
  ::kill(worker.pid(), SIGKILL);  // someone else's doing, not the driver's
  const Reply lost = worker.request({{"op", "ping"}}, milliseconds(30'000));
  ASSERT_EQ(lost.kind, Reply::Kind::died);
  EXPECT_EQ(lost.signal, SIGKILL);
  EXPECT_EQ(lost.oom_kills, 0);  // the kernel's out-of-memory killer did not do it
  Evaluation e;
  classify_lost_worker(lost, "run", "worker", e);
  EXPECT_EQ(e.status, EvalStatus::worker_lost) << e.diagnostic;
  EXPECT_TRUE(worth_retrying(e));
  expect_alive(worker);
}

TEST_F(WorkerPoolTest, ScratchDirectoriesOfADeadDriverAreRemovedAtStart) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("evojit-stale-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  const pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ::waitpid(gone, nullptr, 0);
  const auto stale = root / ("evojit-scratch-" + std::to_string(gone) + "-abcdef");
  const auto alive = root / ("evojit-scratch-" + std::to_string(::getppid()) + "-abcdef");
  std::filesystem::create_directories(stale / "left-behind");
  std::filesystem::create_directories(alive);
  WorkerOptions options;
  options.scratch_root = root.string();
  {
    WorkerProcess worker{options};
    expect_alive(worker);
    EXPECT_FALSE(std::filesystem::exists(stale));
    EXPECT_TRUE(std::filesystem::exists(alive));  // its driver still runs
  }
  std::filesystem::remove_all(root);
}

TEST_F(WorkerPoolTest, PoolLendsEachWorkerToOneEvaluationAtATime) {
  WorkerPool pool(2);
  auto a = pool.acquire();
  auto b = pool.acquire();
  EXPECT_NE(&a.worker(), &b.worker());
  EXPECT_EQ(pool.size(), 2u);
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

// Evaluation threads of the evolve loop start workers and then end; the workers must
// outlive them (they serve the held-out check afterwards), and only die with the
// driver process.
TEST(WorkerLifetime, AWorkerOutlivesTheThreadThatStartedIt) {
  WorkerProcess worker{WorkerOptions{}};
  std::thread starter([&] {
    const WorkerProcess::Reply r = worker.request({{"op", "ping"}}, std::chrono::seconds(60));
    EXPECT_EQ(r.kind, WorkerProcess::Reply::Kind::ok);
  });
  starter.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const WorkerProcess::Reply r = worker.request({{"op", "ping"}}, std::chrono::seconds(60));
  EXPECT_EQ(r.kind, WorkerProcess::Reply::Kind::ok);
  EXPECT_EQ(worker.generation(), 1u) << "the worker died with its starting thread";
}

}  // namespace
}  // namespace evojit
