// The host side of the kernel ABI's parallel_for (kernels/kernel_abi.hpp): JIT-compiled
// kernels call it to split a range over threads.
//
// The range is cut into exactly `threads` contiguous chunks of near-equal size (a
// static schedule, like OpenMP's default), so a kernel's tiling decisions, not the
// runtime's work stealing, decide what each thread touches.

#include <algorithm>
#include <thread>
#include <vector>

#include "kernels/kernel_abi.hpp"

#ifdef EVOJIT_HAS_TBB
#include <map>
#include <mutex>

#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#endif

namespace {

long long chunk_bound(long long begin, long long n, int chunks, int i) {
  // n * i can overflow for huge ranges; split the product.
  return begin + (n / chunks) * i + (n % chunks) * i / chunks;
}

#ifdef EVOJIT_HAS_TBB
// One arena per thread count, created on first use and kept for the process's life
// (never destroyed: TBB's own teardown at exit must not race arena destructors).
tbb::task_arena& arena_for(int threads) {
  static std::mutex mutex;
  static auto* arenas = new std::map<int, tbb::task_arena*>();
  std::lock_guard lock(mutex);
  auto& arena = (*arenas)[threads];
  if (!arena) {
    arena = new tbb::task_arena(threads);
    arena->initialize();
  }
  return *arena;
}
#endif

}  // namespace

extern "C" void evojit_parallel_for(int threads, long long begin, long long end,
                                    evojit::ParallelBody body, void* ctx) {
  if (end <= begin) return;
  const long long n = end - begin;
  const int chunks = static_cast<int>(std::min<long long>(threads, n));
  if (chunks <= 1) {
    body(ctx, begin, end);
    return;
  }
#ifdef EVOJIT_HAS_TBB
  // More threads than cores only oversubscribes: the chunks stay as the kernel asked,
  // the arena is capped at what the machine has.
  const int concurrency = std::min(chunks, tbb::info::default_concurrency());
  arena_for(concurrency).execute([&] {
    tbb::parallel_for(
        0, chunks,
        [&](int i) {
          body(ctx, chunk_bound(begin, n, chunks, i), chunk_bound(begin, n, chunks, i + 1));
        },
        tbb::static_partitioner());
  });
#else
  std::vector<std::thread> workers;
  workers.reserve(chunks - 1);
  for (int i = 1; i < chunks; ++i) {
    workers.emplace_back(
        [=] { body(ctx, chunk_bound(begin, n, chunks, i), chunk_bound(begin, n, chunks, i + 1)); });
  }
  body(ctx, chunk_bound(begin, n, chunks, 0), chunk_bound(begin, n, chunks, 1));
  for (auto& w : workers) w.join();
#endif
}
