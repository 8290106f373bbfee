// Compile throughput: distinct sgemm variants (sampled from its space) compiled to
// CUBIN per second, with one compile at a time and with J at once, three ways on the
// same sources: NVRTC in J threads of this process, NVRTC in J forked processes, and
// J nvcc processes (source file -> CUBIN file). Wall time of the whole set per way;
// ratios against nvcc with the same J. Every compile must give the image size the
// one-at-a-time compile of that source gave (else it counts as a failure). Compile
// only, no GPU needed. Prints figures; never passes or fails on time.
//
//   bench_cuda_compile_throughput [variants=32] [jobs=all cores] [arch=90]
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backends/cuda/nvrtc_compiler.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"
#include "support/rng.hpp"

using namespace evojit;

namespace {

struct Outcome {
  double wall_s = 0.0;
  int failures = 0;
};

// Runs compile(i) for every i in [0, count) on `jobs` threads that take the next index.
Outcome on_threads(int count, int jobs, const std::function<bool(int)>& compile) {
  std::atomic<int> next{0}, failures{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int j = 0; j < jobs; ++j) {
    threads.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        if (!compile(i)) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
          failures.load()};
}

// The same with `jobs` forked processes sharing the next index (NVRTC in each; no
// state shared between compiles but the index).
Outcome on_processes(int count, int jobs, const std::function<bool(int)>& compile) {
  void* shared = ::mmap(nullptr, 2 * sizeof(std::atomic<int>), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return {0.0, count};
  auto* next = new (shared) std::atomic<int>(0);
  auto* failures = new (static_cast<std::atomic<int>*>(shared) + 1) std::atomic<int>(0);
  std::fflush(stdout);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<pid_t> children;
  for (int j = 0; j < jobs; ++j) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      for (int i = (*next)++; i < count; i = (*next)++) {
        if (!compile(i)) ++*failures;
      }
      ::_exit(0);
    }
    if (pid > 0) children.push_back(pid);
  }
  int lost = jobs - static_cast<int>(children.size());
  for (const pid_t pid : children) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) ++lost;
  }
  const Outcome o{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  failures->load() + (lost > 0 ? count : 0)};
  ::munmap(shared, 2 * sizeof(std::atomic<int>));
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const int wanted = argc > 1 ? std::atoi(argv[1]) : 32;
  const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int jobs = argc > 2 ? std::atoi(argv[2]) : all;
  const int arch = argc > 3 ? std::atoi(argv[3]) : 90;
  const std::string nvcc = EVOJIT_NVCC;
  const auto dir =
      std::filesystem::temp_directory_path() / ("evojit-nvcc-tp-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  auto sgemm = make_cuda_sgemm_task();
  std::vector<std::string> sources;
  std::set<std::string> seen;
  Rng rng(23);
  for (int tries = 0; static_cast<int>(sources.size()) < wanted && tries < 100 * wanted; ++tries) {
    const auto c = sgemm->space().sample(rng);
    if (!c || !seen.insert(sgemm->space().canonical(*c)).second) continue;
    sources.push_back(sgemm->render(sgemm->space().bindings(*c)));
  }
  const int count = static_cast<int>(sources.size());

  // Each way compiles the sources with its own trailing comment, so that no way can
  // reuse what a cache (NVRTC's, the file system's) kept from an earlier one.
  int way = 0;
  std::vector<std::size_t> nvrtc_bytes(sources.size(), 0), nvcc_bytes(sources.size(), 0);
  auto salted = [&](int i) {
    return sources[static_cast<std::size_t>(i)] + "\n// way " + std::to_string(way) + "\n";
  };
  auto nvrtc = [&](int i) {
    cuda::NvrtcRequest req;
    req.source = salted(i);
    req.kernel_name = "sgemm";
    req.cc_major = arch / 10;
    req.cc_minor = arch % 10;
    const cuda::NvrtcResult r = cuda::nvrtc_compile(req);
    // The first way's CUBIN sizes are the reference: a later (parallel) compile that
    // returns a different image counts as a failure, not as a fast compile.
    std::size_t& ref = nvrtc_bytes[static_cast<std::size_t>(i)];
    if (!r.ok || r.image_kind != "cubin" || r.image.empty()) return false;
    if (ref == 0) ref = r.image.size();
    return ref == r.image.size();
  };
  auto nvcc_process = [&](int i) {
    const std::string v = (dir / ("w" + std::to_string(way) + "v" + std::to_string(i))).string();
    std::ofstream(v + ".cu") << salted(i);
    const std::string cmd = nvcc + " -cubin -std=c++17 -lineinfo -arch=sm_" + std::to_string(arch) +
                            " -o " + v + ".cubin " + v + ".cu 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) return false;
    std::error_code error;
    const std::size_t bytes = std::filesystem::file_size(v + ".cubin", error);
    std::size_t& ref = nvcc_bytes[static_cast<std::size_t>(i)];
    if (error || bytes == 0) return false;
    if (ref == 0) ref = bytes;
    return ref == bytes;
  };

  std::printf("sgemm variants %d, sm_%d, %d cores; NVRTC %s\n", count, arch, all,
              cuda::nvrtc_version().c_str());
  std::printf("%-28s %5s %10s %14s %9s\n", "way", "jobs", "wall s", "variants/s", "failures");
  struct Row {
    std::string way;
    int jobs;
    Outcome o;
  };
  std::vector<Row> rows;
  auto report = [&](const std::string& name, int j, Outcome o) {
    ++way;
    rows.push_back({name, j, o});
    std::printf("%-28s %5d %10.2f %14.2f %9d\n", name.c_str(), j, o.wall_s, count / o.wall_s,
                o.failures);
    std::fflush(stdout);
  };
  const std::vector<int> job_counts = jobs > 1 ? std::vector<int>{1, jobs} : std::vector<int>{1};
  for (const int j : job_counts) {
    report("NVRTC, threads of 1 process", j, on_threads(count, j, nvrtc));
    if (j > 1) report("NVRTC, processes", j, on_processes(count, j, nvrtc));
    report("nvcc processes", j, on_threads(count, j, nvcc_process));
  }
  std::filesystem::remove_all(dir);

  auto rate = [&](const std::string& name, int j) {
    for (const Row& r : rows)
      if (r.way == name && r.jobs == j) return count / r.o.wall_s;
    return 0.0;
  };
  std::printf("\n");
  for (const int j : job_counts) {
    const double base = rate("nvcc processes", j);
    std::printf("jobs %2d: NVRTC threads %.2f/s (%.2fx nvcc)", j,
                rate("NVRTC, threads of 1 process", j),
                rate("NVRTC, threads of 1 process", j) / base);
    if (j > 1)
      std::printf(", NVRTC processes %.2f/s (%.2fx nvcc)", rate("NVRTC, processes", j),
                  rate("NVRTC, processes", j) / base);
    std::printf(", nvcc %.2f/s\n", base);
  }
  if (jobs > 1) {
    std::printf("scaling 1 -> %d jobs: NVRTC threads %.2fx, NVRTC processes %.2fx, nvcc %.2fx\n",
                jobs,
                rate("NVRTC, threads of 1 process", jobs) / rate("NVRTC, threads of 1 process", 1),
                rate("NVRTC, processes", jobs) / rate("NVRTC, threads of 1 process", 1),
                rate("nvcc processes", jobs) / rate("nvcc processes", 1));
  }
  return 0;
}
