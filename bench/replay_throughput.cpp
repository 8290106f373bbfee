// Replay throughput: how many evaluations per second the replay backend serves, so
// that the search-efficiency table (7 caches x strategies x 50 seeds) runs in minutes.
// Measures, on gemm_RTX_3090 under gemm_milo.json's conditions: loading, sample()
// alone, evaluate() alone on random valid configurations, and the two together (what
// random search pays per proposal, without the loop's duplicate skipping).
//
// Usage: bench_replay_throughput [spaces-dir] [evaluations]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "backends/replay/replay_evaluator.hpp"
#include "interop/t1_input.hpp"
#include "support/rng.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace evojit;
  std::filesystem::path spaces = argc > 1 ? argv[1] : EVOJIT_BENCH_SPACES_DIR;
  std::size_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;

  auto start = std::chrono::steady_clock::now();
  auto cache = std::make_shared<const KernelTunerCache>(
      KernelTunerCache::load(spaces / "gemm_RTX_3090.json.gz"));
  double load_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  T1Input t1 = read_t1_input(spaces / "gemm_milo.json");
  ReplayEvaluator replay(cache, t1.space);
  double setup_s = seconds_since(start);
  std::printf("gemm_RTX_3090: %zu entries, load %.3f s, T1 + replay setup %.4f s\n", cache->size(),
              load_s, setup_s);

  Rng rng(42);
  // sample() alone.
  std::vector<Config> configs;
  configs.reserve(n);
  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    auto c = replay.space().sample(rng);
    if (c) configs.push_back(std::move(*c));
  }
  double sample_s = seconds_since(start);

  // evaluate() alone on those configurations.
  double checksum = 0.0;
  std::size_t ok = 0;
  start = std::chrono::steady_clock::now();
  for (const Config& c : configs) {
    Evaluation e = replay.evaluate(c);
    checksum += e.fitness;
    ok += e.status == EvalStatus::ok;
  }
  double evaluate_s = seconds_since(start);

  // Both, as random search without duplicate skipping.
  replay.reset();
  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    auto c = replay.space().sample(rng);
    if (c) checksum += replay.evaluate(*c).fitness;
  }
  double both_s = seconds_since(start);

  double k = static_cast<double>(configs.size());
  std::printf("sample():             %10.0f /s  (%zu samples, %.3f s)\n", k / sample_s,
              configs.size(), sample_s);
  std::printf("evaluate():           %10.0f /s  (%zu evaluations, %zu ok, %.3f s)\n",
              k / evaluate_s, configs.size(), ok, evaluate_s);
  std::printf("sample() + evaluate(): %9.0f /s  (%zu, %.3f s)\n", static_cast<double>(n) / both_s,
              n, both_s);
  std::printf("simulated tuning time of the distinct points visited: %.1f s  (checksum %.6g)\n",
              replay.elapsed_s(), checksum);
  return 0;
}
