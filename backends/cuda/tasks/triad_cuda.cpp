// The STREAM triad on the GPU: a[i] = b[i] + s * c[i].
//
// Tunables: BLOCK (threads per block), VEC (floats per access: 1, 2, 4), ITEMS
// (vectors per thread, all loaded before the first store), STREAMING (evict-first
// loads and stores, __ldcs/__stcs). A block owns BLOCK*VEC*ITEMS consecutive
// elements; the last, partial block takes a scalar path.
#include <cmath>
#include <limits>

#include "backends/cuda/tasks/cuda_problems.hpp"

namespace evojit {
namespace {

constexpr float kScale = 3.0f;

constexpr const char* kTemplate = R"(// triad: a[i] = b[i] + s * c[i]
#if VEC == 4
typedef float4 vec_t;
#elif VEC == 2
typedef float2 vec_t;
#else
typedef float vec_t;
#endif
#if STREAMING
#define LOAD(p) __ldcs(p)
#define STORE(p, v) __stcs(p, v)
#else
#define LOAD(p) (*(p))
#define STORE(p, v) (*(p) = (v))
#endif

__device__ __forceinline__ float fma_triad(float b, float c, float s) { return b + s * c; }
__device__ __forceinline__ float2 fma_triad(float2 b, float2 c, float s) {
  return make_float2(b.x + s * c.x, b.y + s * c.y);
}
__device__ __forceinline__ float4 fma_triad(float4 b, float4 c, float s) {
  return make_float4(b.x + s * c.x, b.y + s * c.y, b.z + s * c.z, b.w + s * c.w);
}

extern "C" __global__ void __launch_bounds__(BLOCK) triad(float* __restrict__ a,
    const float* __restrict__ b, const float* __restrict__ c, float s, long long n) {
  const long long chunk = (long long)BLOCK * VEC * ITEMS;
  const long long base = (long long)blockIdx.x * chunk;
  if (base + chunk <= n) {
    vec_t vb[ITEMS], vc[ITEMS];
#pragma unroll
    for (int k = 0; k < ITEMS; ++k) {
      const long long i = base + ((long long)k * BLOCK + threadIdx.x) * VEC;
      vb[k] = LOAD((const vec_t*)(b + i));
      vc[k] = LOAD((const vec_t*)(c + i));
    }
#pragma unroll
    for (int k = 0; k < ITEMS; ++k) {
      const long long i = base + ((long long)k * BLOCK + threadIdx.x) * VEC;
      STORE((vec_t*)(a + i), fma_triad(vb[k], vc[k], s));
    }
  } else {
    for (long long i = base + threadIdx.x; i < n; i += BLOCK) a[i] = b[i] + s * c[i];
  }
}
)";

class CudaTriadTask final : public CudaTask {
 public:
  CudaTriadTask()
      : space_({Parameter::list("BLOCK", {std::int64_t{64}, std::int64_t{128}, std::int64_t{256},
                                          std::int64_t{512}, std::int64_t{1024}}),
                Parameter::list("VEC", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}}),
                Parameter::list(
                    "ITEMS", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}, std::int64_t{8}}),
                Parameter::boolean("STREAMING")},
               {}) {}

  std::string name() const override { return "triad"; }
  std::string summary() const override { return "STREAM triad a = b + s*c on the GPU"; }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override {
    return space_.from_bindings({{"BLOCK", std::int64_t{256}},
                                 {"VEC", std::int64_t{1}},
                                 {"ITEMS", std::int64_t{1}},
                                 {"STREAMING", false}});
  }
  std::string render(const std::map<std::string, Value>& bindings) const override {
    return render_cuda_source(kTemplate, bindings);
  }
  // Far beyond the L2 (50 MB on an H100): these measure device memory.
  std::vector<ProblemSize> training_sizes() const override {
    return {{"n=2^25", {std::int64_t{1} << 25}}, {"n=2^27", {std::int64_t{1} << 27}}};
  }
  std::vector<ProblemSize> held_out_sizes() const override {
    return {{"n=100000007", {100000007}}};
  }
  Workload workload(const ProblemSize& size) const override {
    const double n = static_cast<double>(size.dims.at(0));
    return {2.0 * n, 12.0 * n};
  }
  std::string kernel_name() const override { return "triad"; }
  LaunchGeometry launch(const std::map<std::string, Value>& b,
                        const ProblemSize& size) const override {
    LaunchGeometry g;
    const std::int64_t block = binding_int(b, "BLOCK");
    g.block = {static_cast<std::uint32_t>(block), 1, 1};
    g.grid = {ceil_div(size.dims.at(0), block * binding_int(b, "VEC") * binding_int(b, "ITEMS")), 1,
              1};
    return g;
  }

 private:
  ParameterSpace space_;
};

}  // namespace

std::unique_ptr<CudaTask> make_cuda_triad_task() { return std::make_unique<CudaTriadTask>(); }

CudaProblem make_triad_problem(const ProblemSize& size) {
  const std::int64_t n = size.dims.at(0);
  CudaProblem p;
  p.buffers.push_back(CudaBuffer::of_floats("a", n));
  p.buffers.push_back(CudaBuffer::of_floats("b", n));
  p.buffers.push_back(CudaBuffer::of_floats("c", n));
  p.buffers[0].output = true;
  auto b = p.buffers[1].floats();
  auto c = p.buffers[2].floats();
  for (std::int64_t i = 0; i < n; ++i) {
    b[i] = hashed_uniform(i, 0x1234, 0.5f, 1.5f);
    c[i] = hashed_uniform(i, 0xABCD, 0.5f, 1.5f);
  }
  p.launches.push_back({CudaArgument::buf(0), CudaArgument::buf(1), CudaArgument::buf(2),
                        CudaArgument::f32(kScale), CudaArgument::i64(n)});
  // The expected values are recomputed from the inputs at check time (no second
  // n-sized copy held per size).
  std::vector<float> bb(b.begin(), b.end()), cc(c.begin(), c.end());
  p.check = [bb = std::move(bb),
             cc = std::move(cc)](std::span<const std::vector<unsigned char>> out) {
    const float* a = reinterpret_cast<const float*>(out[0].data());
    const std::size_t n = out[0].size() / sizeof(float);
    CheckResult r;
    r.tolerance = 1e-6;
    for (std::size_t i = 0; i < n; ++i) {
      const double expected = double{bb[i]} + double{kScale} * cc[i];
      double e = std::abs(a[i] - expected) / std::abs(expected);
      if (std::isnan(e)) e = std::numeric_limits<double>::infinity();
      if (e > r.max_error) r.max_error = e;
      if (e > r.tolerance && r.message.empty()) {
        r.message = "a[" + std::to_string(i) + "] = " + std::to_string(a[i]) + ", expected " +
                    std::to_string(expected);
      }
    }
    r.ok = r.message.empty();
    return r;
  };
  return p;
}

}  // namespace evojit
