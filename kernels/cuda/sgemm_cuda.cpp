// SGEMM on the GPU, FP32 on the SIMT cores: C = A * B, row-major, M = N = K = n.
//
// Tunables: BM x BN block tile, BK (k-slice per shared-memory stage), TM x TN
// thread tile (registers), VEC (floats per global load: 1, 2, 4), DBUF (double
// buffering: the next k-slice is loaded into registers while this one is computed,
// one barrier per slice), PAD (floats of shared-memory row padding). Each thread
// owns TM x TN outputs, taken in groups of 4 spread across the tile so a warp's
// shared-memory reads and C stores are contiguous. Sizes are multiples of 256.
//
// Two tasks share the kernel and the space, tuned on different sizes: "sgemm" on
// n = 2048, 4096 and "sgemm-small" on n = 1024, where a large tile leaves most SMs
// idle. An exported library dispatches by n to the variant tuned nearest to it
// (bench/cuda_sgemm.cpp does so with the two runs' results).
#include <cmath>
#include <limits>

#include "kernels/cuda/cuda_problems.hpp"
#include "support/rng.hpp"

namespace evojit {
namespace {

constexpr const char* kTemplate = R"(// sgemm: C = A * B (row-major, FP32)
#define THREADS ((BM / TM) * (BN / TN))
#define TX (BN / TN)
#define A_LOADS (BM * BK / (THREADS * VEC))
#define B_LOADS (BK * BN / (THREADS * VEC))
#define STAGES (1 + DBUF)
#if VEC == 4
typedef float4 vec_t;
#elif VEC == 2
typedef float2 vec_t;
#else
typedef float vec_t;
#endif

union vec_u { vec_t v; float f[VEC]; };

extern "C" __global__ void __launch_bounds__(THREADS) sgemm(const float* __restrict__ A,
    const float* __restrict__ B, float* __restrict__ C, int M, int N, int K) {
  __shared__ __align__(16) float As[STAGES][BK][BM + PAD];
  __shared__ __align__(16) float Bs[STAGES][BK][BN + PAD];
  const int tid = threadIdx.x;
  const int tx = tid % TX, ty = tid / TX;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  const float* Ab = A + (long long)row0 * K;
  const float* Bb = B + col0;

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;

  vec_u ra[A_LOADS], rb[B_LOADS];
  auto load_global = [&](int k0) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = idx / (BK / VEC), c = (idx % (BK / VEC)) * VEC;
      ra[l].v = *(const vec_t*)(Ab + (long long)r * K + k0 + c);
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = idx / (BN / VEC), c = (idx % (BN / VEC)) * VEC;
      rb[l].v = *(const vec_t*)(Bb + (long long)(k0 + r) * N + c);
    }
  };
  auto store_shared = [&](int s) {
#pragma unroll
    for (int l = 0; l < A_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = idx / (BK / VEC), c = (idx % (BK / VEC)) * VEC;
#pragma unroll
      for (int v = 0; v < VEC; ++v) As[s][c + v][r] = ra[l].f[v];
    }
#pragma unroll
    for (int l = 0; l < B_LOADS; ++l) {
      const int idx = tid + l * THREADS;
      const int r = idx / (BN / VEC), c = (idx % (BN / VEC)) * VEC;
#pragma unroll
      for (int v = 0; v < VEC; ++v) Bs[s][r][c + v] = rb[l].f[v];
    }
  };
  auto compute = [&](int s) {
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float a[TM], b[TN];
#pragma unroll
      for (int i = 0; i < TM; i += 4) {
        const float4 t = *(const float4*)&As[s][kk][(i / 4) * (BM / TM) * 4 + ty * 4];
        a[i] = t.x; a[i + 1] = t.y; a[i + 2] = t.z; a[i + 3] = t.w;
      }
#pragma unroll
      for (int j = 0; j < TN; j += 4) {
        const float4 t = *(const float4*)&Bs[s][kk][(j / 4) * TX * 4 + tx * 4];
        b[j] = t.x; b[j + 1] = t.y; b[j + 2] = t.z; b[j + 3] = t.w;
      }
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
  };

  load_global(0);
  store_shared(0);
  __syncthreads();
#if DBUF
  int s = 0;
  for (int k0 = BK; k0 <= K; k0 += BK) {
    if (k0 < K) load_global(k0);
    compute(s);
    if (k0 < K) store_shared(s ^ 1);
    __syncthreads();
    s ^= 1;
  }
#else
  for (int k0 = BK; k0 <= K; k0 += BK) {
    compute(0);
    __syncthreads();
    if (k0 < K) {
      load_global(k0);
      store_shared(0);
    }
    __syncthreads();
  }
#endif

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    const int r = row0 + (i / 4) * (BM / TM) * 4 + ty * 4 + (i % 4);
#pragma unroll
    for (int j = 0; j < TN; j += 4) {
      const int c = col0 + (j / 4) * TX * 4 + tx * 4;
      *(float4*)(C + (long long)r * N + c) =
          make_float4(acc[i][j], acc[i][j + 1], acc[i][j + 2], acc[i][j + 3]);
    }
  }
}
)";

std::vector<Value> ints(std::initializer_list<std::int64_t> v) {
  return std::vector<Value>(v.begin(), v.end());
}

class CudaSgemmTask final : public CudaTask {
 public:
  CudaSgemmTask(std::string name, std::string summary, std::vector<ProblemSize> training,
                std::vector<ProblemSize> held_out)
      : name_(std::move(name)),
        summary_(std::move(summary)),
        training_(std::move(training)),
        held_out_(std::move(held_out)),
        space_({Parameter::list("BM", ints({32, 64, 128, 256})),
                Parameter::list("BN", ints({32, 64, 128, 256})),
                Parameter::list("BK", ints({8, 16, 32})), Parameter::list("TM", ints({4, 8, 16})),
                Parameter::list("TN", ints({4, 8, 16})), Parameter::list("VEC", ints({1, 2, 4})),
                Parameter::boolean("DBUF"), Parameter::list("PAD", ints({0, 4}))},
               {"(BM // TM) * (BN // TN) >= 64", "(BM // TM) * (BN // TN) <= 1024",
                "(BM * BK) % ((BM // TM) * (BN // TN) * VEC) == 0",
                "(BN * BK) % ((BM // TM) * (BN // TN) * VEC) == 0", "BK % VEC == 0",
                "(1 + DBUF) * BK * (BM + BN + 2 * PAD) * 4 <= 49152", "TM * TN <= 128"}) {}

  std::string name() const override { return name_; }
  std::string summary() const override { return summary_; }
  std::string problem_kind() const override { return "sgemm"; }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override {
    return space_.from_bindings({{"BM", std::int64_t{64}},
                                 {"BN", std::int64_t{64}},
                                 {"BK", std::int64_t{8}},
                                 {"TM", std::int64_t{4}},
                                 {"TN", std::int64_t{4}},
                                 {"VEC", std::int64_t{1}},
                                 {"DBUF", false},
                                 {"PAD", std::int64_t{0}}});
  }
  std::string render(const std::map<std::string, Value>& bindings) const override {
    return render_cuda_source(kTemplate, bindings);
  }
  std::vector<ProblemSize> training_sizes() const override { return training_; }
  std::vector<ProblemSize> held_out_sizes() const override { return held_out_; }
  Workload workload(const ProblemSize& size) const override {
    const double n = static_cast<double>(size.dims.at(0));
    return {2.0 * n * n * n, 3.0 * 4.0 * n * n};
  }
  std::string kernel_name() const override { return "sgemm"; }
  LaunchGeometry launch(const std::map<std::string, Value>& b,
                        const ProblemSize& size) const override {
    LaunchGeometry g;
    const std::int64_t bm = binding_int(b, "BM"), bn = binding_int(b, "BN");
    g.block = {
        static_cast<std::uint32_t>((bm / binding_int(b, "TM")) * (bn / binding_int(b, "TN"))), 1,
        1};
    g.grid = {ceil_div(size.dims.at(0), bn), ceil_div(size.dims.at(0), bm), 1};
    return g;
  }

 private:
  std::string name_, summary_;
  std::vector<ProblemSize> training_, held_out_;
  ParameterSpace space_;
};

}  // namespace

std::unique_ptr<CudaTask> make_cuda_sgemm_task() {
  return std::make_unique<CudaSgemmTask>(
      "sgemm", "FP32 SIMT matrix product C = A*B (n x n, n multiple of 256)",
      std::vector<ProblemSize>{{"n=2048", {2048}}, {"n=4096", {4096}}},
      std::vector<ProblemSize>{{"n=3072", {3072}}});
}

std::unique_ptr<CudaTask> make_cuda_sgemm_small_task() {
  return std::make_unique<CudaSgemmTask>(
      "sgemm-small", "sgemm tuned for small n (1024), where a big tile leaves SMs idle",
      std::vector<ProblemSize>{{"n=1024", {1024}}}, std::vector<ProblemSize>{{"n=1280", {1280}}});
}

CudaProblem make_sgemm_problem(const ProblemSize& size) {
  const std::int64_t n = size.dims.at(0);
  const std::size_t nn = static_cast<std::size_t>(n * n);
  CudaProblem p;
  p.buffers.push_back(CudaBuffer::of_floats("A", nn));
  p.buffers.push_back(CudaBuffer::of_floats("B", nn));
  p.buffers.push_back(CudaBuffer::of_floats("C", nn));
  p.buffers[2].output = true;
  auto a = p.buffers[0].floats();
  auto b = p.buffers[1].floats();
  for (std::size_t i = 0; i < nn; ++i) {
    a[i] = hashed_uniform(i, 0xA11, -1.0f, 1.0f);
    b[i] = hashed_uniform(i, 0xB22, -1.0f, 1.0f);
  }
  p.launches.push_back({CudaArgument::buf(0), CudaArgument::buf(1), CudaArgument::buf(2),
                        CudaArgument::i32(n), CudaArgument::i32(n), CudaArgument::i32(n)});
  // Every element is checked for having been written (the output is poisoned with
  // NaN); 4096 sampled elements, plus the four corners, against a double reference,
  // scaled by sum |a_ik b_kj| (the bound on FP32 accumulation error).
  std::vector<float> av(a.begin(), a.end()), bv(b.begin(), b.end());
  p.check = [av = std::move(av), bv = std::move(bv),
             n](std::span<const std::vector<unsigned char>> out) {
    const float* c = reinterpret_cast<const float*>(out[2].data());
    CheckResult r;
    r.tolerance = 1e-5;
    const std::size_t nn = static_cast<std::size_t>(n * n);
    for (std::size_t i = 0; i < nn; ++i) {
      if (!std::isfinite(c[i])) {
        r.max_error = std::numeric_limits<double>::infinity();
        r.message = "C[" + std::to_string(i / n) + "][" + std::to_string(i % n) +
                    "] is not finite (never written?)";
        return r;
      }
    }
    Rng rng(0x5E77);
    for (int s = 0; s < 4100; ++s) {
      std::int64_t i = 0, j = 0;
      if (s < 4) {
        i = (s & 1) ? n - 1 : 0;
        j = (s & 2) ? n - 1 : 0;
      } else {
        i = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n)));
        j = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n)));
      }
      double sum = 0.0, mag = 0.0;
      for (std::int64_t k = 0; k < n; ++k) {
        const double t = double{av[i * n + k]} * bv[k * n + j];
        sum += t;
        mag += std::abs(t);
      }
      const double e = std::abs(c[i * n + j] - sum) / std::max(mag, 1e-30);
      if (e > r.max_error) r.max_error = e;
      if (e > r.tolerance && r.message.empty()) {
        r.message = "C[" + std::to_string(i) + "][" + std::to_string(j) +
                    "] = " + std::to_string(c[i * n + j]) + ", expected " + std::to_string(sum);
      }
    }
    r.ok = r.message.empty();
    return r;
  };
  return p;
}

}  // namespace evojit
