// Compile latency per variant: NVRTC in process (source -> CUBIN) against nvcc as a
// subprocess (source file -> CUBIN file), on the same rendered sources (sgemm
// variants sampled from its space, and triad). Median and spread; compile only,
// no GPU needed. Prints figures; never passes or fails on time.
//
//   bench_cuda_compile_latency [variants=12] [arch=90]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "backends/cuda/nvrtc_compiler.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"
#include "support/rng.hpp"

using namespace evojit;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int variants = argc > 1 ? std::atoi(argv[1]) : 12;
  const int arch = argc > 2 ? std::atoi(argv[2]) : 90;
  const std::string nvcc = EVOJIT_NVCC;
  const auto dir =
      std::filesystem::temp_directory_path() / ("evojit-nvcc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  std::vector<std::pair<std::string, std::string>> sources;  // name, source
  auto sgemm = make_cuda_sgemm_task();
  Rng rng(11);
  for (int i = 0; i < variants; ++i) {
    const auto c = sgemm->space().sample(rng);
    if (c)
      sources.emplace_back("sgemm " + sgemm->space().canonical(*c),
                           sgemm->render(sgemm->space().bindings(*c)));
  }
  auto triad = make_cuda_triad_task();
  sources.emplace_back("triad seed", triad->render(triad->space().bindings(triad->seed())));

  std::vector<double> nvrtc_s, nvcc_s;
  int failures = 0;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    cuda::NvrtcRequest req;
    req.source = sources[i].second;
    req.kernel_name = i + 1 == sources.size() ? "triad" : "sgemm";
    req.cc_major = arch / 10;
    req.cc_minor = arch % 10;
    const auto t0 = std::chrono::steady_clock::now();
    const cuda::NvrtcResult r = cuda::nvrtc_compile(req);
    nvrtc_s.push_back(seconds_since(t0));
    const auto file = dir / ("v" + std::to_string(i) + ".cu");
    std::ofstream(file) << sources[i].second;
    const std::string cmd = nvcc + " -cubin -std=c++17 -lineinfo -arch=sm_" + std::to_string(arch) +
                            " -o " + (dir / ("v" + std::to_string(i) + ".cubin")).string() + " " +
                            file.string() + " 2>/dev/null";
    const auto t1 = std::chrono::steady_clock::now();
    const int rc = std::system(cmd.c_str());
    nvcc_s.push_back(seconds_since(t1));
    if (!r.ok || rc != 0) ++failures;
    std::printf("%-60s nvrtc %7.1f ms (%s)   nvcc %7.1f ms (rc %d)\n", sources[i].first.c_str(),
                nvrtc_s.back() * 1e3, r.ok ? "ok" : "FAILED", nvcc_s.back() * 1e3, rc);
  }
  std::filesystem::remove_all(dir);
  const double a = median(nvrtc_s), b = median(nvcc_s);
  std::printf("\nvariants %zu (failures %d)\n", sources.size(), failures);
  std::printf("median compile latency: NVRTC in process %.1f ms, nvcc subprocess %.1f ms: %.2fx\n",
              a * 1e3, b * 1e3, b / a);
  std::printf("min/max NVRTC %.1f/%.1f ms, nvcc %.1f/%.1f ms\n",
              *std::min_element(nvrtc_s.begin(), nvrtc_s.end()) * 1e3,
              *std::max_element(nvrtc_s.begin(), nvrtc_s.end()) * 1e3,
              *std::min_element(nvcc_s.begin(), nvcc_s.end()) * 1e3,
              *std::max_element(nvcc_s.begin(), nvcc_s.end()) * 1e3);
  return 0;
}
