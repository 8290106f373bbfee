#include "backends/cpu/roofline_probe.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "backends/cpu/cpu_jit.hpp"
#include "evaluators/measurement.hpp"
#include "kernels/kernel_abi.hpp"

namespace evojit {
namespace {

// STREAM triad. dims[0] = n, dims[1] = threads, dims[2] = passes. NONTEMPORAL
// selects streaming stores, which avoid the write-allocate read on most CPUs; the
// probe keeps the faster of the two so the ceiling is what the machine can really do.
// Each thread makes all its passes over its own slice inside one parallel region, so
// an in-cache working set is not dominated by a fork and join per pass; the scalar
// changes each pass, so no pass is redundant.
constexpr const char* kStreamKernel = R"(
extern "C" void evojit_kernel(const evojit_args* a) {
  float* __restrict x = a->buffers[0];
  const float* __restrict y = a->buffers[1];
  const float* __restrict z = a->buffers[2];
  const float s = a->scalars[0];
  const evojit_i64 n = a->dims[0];
  const int threads = (int)a->dims[1];
  const evojit_i64 passes = a->dims[2] > 0 ? a->dims[2] : 1;
  evojit::parallel_for(threads, 0, threads, [&](evojit_i64 lo, evojit_i64 hi) {
    for (evojit_i64 t = lo; t < hi; ++t) {
      const evojit_i64 begin = n * t / threads, end = n * (t + 1) / threads;
      for (evojit_i64 p = 0; p < passes; ++p) {
        const float sp = s + (float)p;
        for (evojit_i64 i = begin; i < end; ++i) {
#if NONTEMPORAL
          __builtin_nontemporal_store(y[i] + sp * z[i], &x[i]);
#else
          x[i] = y[i] + sp * z[i];
#endif
        }
      }
    }
  });
}
)";

// FMA throughput: each thread runs kChains independent 16-wide FMA recurrences, more
// than enough to cover FMA latency on every x86 core (which needs 8-10 in flight).
// dims[0] = iterations, dims[1] = threads. Results are stored so nothing is dead.
constexpr const char* kFmaKernel = R"(
typedef float v16 __attribute__((ext_vector_type(16)));
#define CHAINS 12
extern "C" void evojit_kernel(const evojit_args* a) {
  const evojit_i64 iters = a->dims[0];
  float* out = a->buffers[0];
  const int threads = (int)a->dims[1];
  evojit::parallel_for(threads, 0, threads, [&](evojit_i64 lo, evojit_i64 hi) {
    for (evojit_i64 t = lo; t < hi; ++t) {
      v16 acc[CHAINS];
      for (int c = 0; c < CHAINS; ++c) acc[c] = (float)(t + c) * 1e-3f;
      const v16 m = a->scalars[0];
      const v16 k = a->scalars[1];
      for (evojit_i64 i = 0; i < iters; ++i) {
#pragma unroll
        for (int c = 0; c < CHAINS; ++c) acc[c] = __builtin_elementwise_fma(acc[c], m, k);
      }
      v16 sum = 0;
      for (int c = 0; c < CHAINS; ++c) sum += acc[c];
      float total = 0;
      for (int l = 0; l < 16; ++l) total += sum[l];
      out[t] = total;
    }
  });
}
)";
constexpr int kChains = 12;
constexpr int kLanes = 16;

KernelEntry compile_or_throw(CpuJit& jit, const std::string& body, const std::string& defines) {
  CompiledKernel k = jit.compile(cpu_kernel_prelude() + defines + body, kKernelEntry);
  if (!k.ok) throw std::runtime_error("roofline probe failed to compile:\n" + k.log);
  return reinterpret_cast<KernelEntry>(k.entry);
}

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<float[], AlignedFree>;

Buffer allocate(std::int64_t n, float value) {
  const std::size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
  Buffer b(static_cast<float*>(std::aligned_alloc(64, bytes)));
  if (!b) throw std::bad_alloc();
  for (std::int64_t i = 0; i < n; ++i) b[i] = value;  // also faults the pages in
  return b;
}

}  // namespace

RooflineProbeResult probe_roofline(CpuJit& jit, const ProbeOptions& options) {
  const KernelEntry stream = compile_or_throw(jit, kStreamKernel, "#define NONTEMPORAL 0\n");
  const KernelEntry stream_nt = compile_or_throw(jit, kStreamKernel, "#define NONTEMPORAL 1\n");
  const KernelEntry fma = compile_or_throw(jit, kFmaKernel, "");
  const std::int64_t stream_elements = options.stream_elements;
  const int max_threads = std::max(1, options.max_threads);

  Buffer x = allocate(stream_elements, 0.0f);
  Buffer y = allocate(stream_elements, 1.0f);
  Buffer z = allocate(stream_elements, 2.0f);
  Buffer out = allocate(max_threads, 0.0f);

  MeasureOptions measure_options;
  measure_options.warmup = 1;
  measure_options.min_repetitions = 5;
  measure_options.max_repetitions = 20;
  measure_options.max_seconds = options.max_seconds;

  auto triad_args = [&](std::int64_t n, int threads) {
    KernelArgs args;
    args.buffers[0] = x.get();
    args.buffers[1] = y.get();
    args.buffers[2] = z.get();
    args.dims[0] = n;
    args.dims[1] = threads;
    args.scalars[0] = 3.0f;
    return args;
  };
  auto keep_best = [](std::vector<double>& best, std::size_t i, double value) {
    if (best.size() <= i) best.resize(i + 1, 0.0);
    best[i] = std::max(best[i], value);
  };

  RooflineProbeResult result;
  // In-cache levels: a triad over three arrays that fit in the level but not in the
  // one below it, called in a loop so one timed sample lasts long enough to be
  // measured well. Threads spread over the caches' instances (cores / sharing).
  auto instances_used = [&](const CacheLevel& c, int threads) {
    const int instances = std::max(1, max_threads / std::max(1, c.shared_by_cpus));
    return static_cast<double>(std::min(threads, instances));
  };
  for (std::size_t k = 0; k < options.caches.size(); ++k) {
    const CacheLevel& cache = options.caches[k];
    BandwidthLevel level;
    level.name = cache.name;
    level.capacity_bytes =
        cache.size_bytes * std::max(1, max_threads / std::max(1, cache.shared_by_cpus));
    for (int t = 1; t <= max_threads; ++t) {
      double ws = cache.size_bytes * instances_used(cache, t) / 2;
      if (k > 0) {
        const CacheLevel& below = options.caches[k - 1];
        ws = std::min(ws, 2 * below.size_bytes * instances_used(below, t));
      }
      level.working_sets_bytes.push_back(ws);
    }
    level.working_set_bytes = level.working_sets_bytes.front();
    const double largest =
        *std::max_element(level.working_sets_bytes.begin(), level.working_sets_bytes.end());
    if (level.working_set_bytes < 256 * 12.0 || largest > 12.0 * stream_elements) continue;
    result.levels.push_back(std::move(level));
  }
  BandwidthLevel dram;
  dram.name = "DRAM";
  dram.working_set_bytes = 12.0 * static_cast<double>(stream_elements);
  dram.working_sets_bytes.assign(max_threads, dram.working_set_bytes);
  for (int t = 1; t <= max_threads; ++t) result.threads.push_back(t);

  for (int sweep = 0; sweep < std::max(1, options.repetitions); ++sweep) {
    for (BandwidthLevel& level : result.levels) {
      for (int t = 1; t <= max_threads; ++t) {
        const auto n =
            static_cast<std::int64_t>(level.working_sets_bytes[t - 1] / (3 * sizeof(float)));
        const int calls =
            static_cast<int>(std::max<std::int64_t>(1, (std::int64_t{16} << 20) / (12 * n)));
        KernelArgs args = triad_args(n, t);
        args.dims[2] = calls;
        const Timing timing = measure([&] { stream(&args); }, {}, measure_options);
        keep_best(level.bandwidth_bytes_per_s, t - 1, 12.0 * n * calls / timing.min_s);
      }
    }
    for (int t = 1; t <= max_threads; ++t) {
      KernelArgs args = triad_args(stream_elements, t);
      const double bytes = 3.0 * sizeof(float) * static_cast<double>(stream_elements);
      for (KernelEntry k : {stream, stream_nt}) {
        const Timing timing = measure([&] { k(&args); }, {}, measure_options);
        keep_best(dram.bandwidth_bytes_per_s, t - 1, bytes / timing.min_s);
      }

      KernelArgs fargs;
      fargs.buffers[0] = out.get();
      fargs.dims[0] = 2'000'000;
      fargs.dims[1] = t;
      fargs.scalars[0] = 0.999f;
      fargs.scalars[1] = 1e-4f;
      const Timing ft = measure([&] { fma(&fargs); }, {}, measure_options);
      const double flops = 2.0 * kChains * kLanes * static_cast<double>(fargs.dims[0]) * t;
      keep_best(result.flops_per_s, t - 1, flops / ft.min_s);
    }
  }
  result.bandwidth_bytes_per_s = dram.bandwidth_bytes_per_s;
  result.levels.push_back(std::move(dram));
  return result;
}

}  // namespace evojit
