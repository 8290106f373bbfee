#include "backends/cuda/gpu_roofline_probe.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "backends/cuda/cuda_measure.hpp"
#include "backends/cuda/nvrtc_compiler.hpp"

namespace evojit::cuda {
namespace {

// Four float4 per thread, all loads before the stores; 16 independent FMA chains
// per thread so every scheduler has work while each FMA's result is pending.
constexpr const char* kProbeSource = R"(
extern "C" __global__ void __launch_bounds__(256) probe_copy(const float4* __restrict__ src,
    float4* __restrict__ dst, long long n4) {
  const long long base = (long long)blockIdx.x * 1024 + threadIdx.x;
  float4 v[4];
#pragma unroll
  for (int k = 0; k < 4; ++k) if (base + k * 256 < n4) v[k] = src[base + k * 256];
#pragma unroll
  for (int k = 0; k < 4; ++k) if (base + k * 256 < n4) dst[base + k * 256] = v[k];
}
extern "C" __global__ void __launch_bounds__(256) probe_triad(float4* __restrict__ a,
    const float4* __restrict__ b, const float4* __restrict__ c, float s, long long n4) {
  const long long base = (long long)blockIdx.x * 1024 + threadIdx.x;
  float4 x[4], y[4];
#pragma unroll
  for (int k = 0; k < 4; ++k) if (base + k * 256 < n4) { x[k] = b[base + k * 256]; y[k] = c[base + k * 256]; }
#pragma unroll
  for (int k = 0; k < 4; ++k) if (base + k * 256 < n4)
    a[base + k * 256] = make_float4(x[k].x + s * y[k].x, x[k].y + s * y[k].y,
                                    x[k].z + s * y[k].z, x[k].w + s * y[k].w);
}
extern "C" __global__ void __launch_bounds__(256) probe_fma(float* out, int iterations, float m, float c) {
  float a[16];
#pragma unroll
  for (int k = 0; k < 16; ++k) a[k] = threadIdx.x + k;
  for (int i = 0; i < iterations; ++i) {
#pragma unroll
    for (int k = 0; k < 16; ++k) a[k] = fmaf(a[k], m, c);
  }
  float s = 0.0f;
#pragma unroll
  for (int k = 0; k < 16; ++k) s += a[k];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
)";

}  // namespace

GpuRooflineProbe probe_gpu_roofline(const Context& context, std::size_t buffer_bytes) {
  GpuRooflineProbe result;
  buffer_bytes = std::max<std::size_t>(buffer_bytes, std::size_t{1} << 30) / 4096 * 4096;
  result.buffer_bytes = buffer_bytes;
  const DeviceInfo& info = context.info();
  NvrtcRequest request;
  request.source = kProbeSource;
  request.program_name = "roofline_probe.cu";
  request.cc_major = info.cc_major;
  request.cc_minor = info.cc_minor;
  const NvrtcResult compiled = nvrtc_compile(request);
  if (!compiled.ok) throw std::runtime_error("roofline probe does not compile:\n" + compiled.log);
  std::string jit_log;
  Module module = Module::load(compiled.image, &jit_log);
  CUfunction copy = module.function("probe_copy");
  CUfunction triad = module.function("probe_triad");
  CUfunction fma = module.function("probe_fma");

  DeviceBuffer a(buffer_bytes), b(buffer_bytes), c(buffer_bytes);
  CUstream stream = context.stream();
  check(cuMemsetD32Async(a.get(), 0x3f800000u, buffer_bytes / 4, stream), "cuMemsetD32Async");
  check(cuMemsetD32Async(b.get(), 0x3f000000u, buffer_bytes / 4, stream), "cuMemsetD32Async");
  check(cuMemsetD32Async(c.get(), 0x3e800000u, buffer_bytes / 4, stream), "cuMemsetD32Async");
  long long n4 = static_cast<long long>(buffer_bytes / 16);
  const std::uint32_t blocks = static_cast<std::uint32_t>((n4 + 1023) / 1024);
  MeasureOptions options;
  options.warmup = 3;
  options.min_repetitions = 20;
  options.max_repetitions = 50;
  options.max_seconds = 2.0;

  CUdeviceptr pa = a.get(), pb = b.get(), pc = c.get();
  void* copy_args[] = {&pb, &pa, &n4};
  const Timing t_copy = time_on_stream(
      stream,
      [&] {
        launch(copy, {blocks, 1, 1}, {256, 1, 1}, 0, stream, copy_args);
      },
      {}, nullptr, options);
  result.copy_bytes_per_s = 2.0 * static_cast<double>(buffer_bytes) / t_copy.median_s;

  float s = 3.0f;
  void* triad_args[] = {&pa, &pb, &pc, &s, &n4};
  const Timing t_triad = time_on_stream(
      stream,
      [&] {
        launch(triad, {blocks, 1, 1}, {256, 1, 1}, 0, stream, triad_args);
      },
      {}, nullptr, options);
  result.triad_bytes_per_s = 3.0 * static_cast<double>(buffer_bytes) / t_triad.median_s;

  const std::uint32_t fma_blocks = static_cast<std::uint32_t>(info.sm_count) * 16;
  int iterations = 8192;
  float m = 0.999999f, add = 1e-6f;
  void* fma_args[] = {&pa, &iterations, &m, &add};
  const Timing t_fma = time_on_stream(
      stream,
      [&] {
        launch(fma, {fma_blocks, 1, 1}, {256, 1, 1}, 0, stream, fma_args);
      },
      {}, nullptr, options);
  result.fma_flops_per_s =
      2.0 * 16.0 * iterations * static_cast<double>(fma_blocks) * 256.0 / t_fma.median_s;
  return result;
}

}  // namespace evojit::cuda
