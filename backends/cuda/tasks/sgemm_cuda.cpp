// SGEMM on the GPU, FP32 on the SIMT cores: C = A * B, row-major, M = N = K = n.
//
// Tunables: BM x BN block tile, BK (k-slice per shared-memory stage), TM x TN
// thread tile (registers), VEC (floats per global load: 1, 2, 4), DBUF (double
// buffering: the next k-slice is loaded into registers while this one is computed,
// one barrier per slice), PAD (floats of shared-memory row padding), WX (a warp's
// threads along N: the warp covers WX x 32/WX threads, so it reads WX*TN floats of B
// and (32/WX)*TM of A from shared memory per k). Each thread owns TM x TN outputs,
// taken in groups of 4 spread across the tile so a warp's shared-memory reads and C
// stores are contiguous. Any M, N, K: edge tiles read clamped rows/columns (valid
// memory, never stored), the last k-slice reads zeros past K, edge stores are guarded,
// and rows that are not 16-byte aligned (N or K not a multiple of VEC) load element
// by element; interior tiles of aligned sizes pay one predicate per load.
// PIPE (0, 2, 3, 4): 0 stages the next slice through registers as above; k >= 2 keeps k
// slices in flight in dynamic shared memory with cp.async (sm_80+; A stays row-major
// there and is read 4 k at a time, or, with AT, is stored transposed by 4-byte copies
// and read as without PIPE), up to 99 KB so that sm_86/89 can still run it. Without
// PIPE, A is always stored transposed (AT is true). MINB (1, 2, 4): blocks per SM that the
// register allocation leaves room for (__launch_bounds__'s second argument; 2 caps a
// 256-thread block at 128 registers, the SIMT GEMM classic: 128x128 tiles, 8x8 per
// thread, two blocks per SM; cuBLAS's own SIMT kernel on the H200 is 256x128x8 with
// 254 registers and one block per SM). SPLITK (1-4): the k range is cut into SPLITK runs,
// one per blockIdx.z, whose partial tiles add into C one after the other (split 0
// stores; a lock per tile, in a buffer that every launch leaves zero, orders them), for
// sizes whose tile count fills the last wave of blocks poorly.
//
// Two tasks share the kernel and the space, tuned on different sizes: "sgemm" on
// n = 2048, 4096, "sgemm-small" on n = 1024, where a large tile leaves most SMs
// idle, and "sgemm-ragged" on n = 3000, 5000, where the tile count is just past a whole
// number of waves. An exported library dispatches by n to the variant tuned nearest to it
// (bench/cuda_sgemm.cpp does so with the two runs' results).
#include <cmath>
#include <limits>

#include "backends/cuda/tasks/cuda_problems.hpp"
#include "backends/cuda/tasks/sgemm_source.hpp"
#include "support/rng.hpp"

namespace evojit {
namespace {

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
                Parameter::boolean("DBUF"), Parameter::list("PAD", ints({0, 4})),
                Parameter::list("WX", ints({4, 8, 16, 32})),
                Parameter::list("PIPE", ints({0, 2, 3, 4})), Parameter::boolean("AT"),
                Parameter::list("MINB", ints({1, 2, 4})),
                Parameter::list("SPLITK", ints({1, 2, 3, 4}))},
               {"(BM // TM) * (BN // TN) >= 64", "(BM // TM) * (BN // TN) <= 1024",
                "(BM * BK) % ((BM // TM) * (BN // TN) * VEC) == 0",
                "(BN * BK) % ((BM // TM) * (BN // TN) * VEC) == 0", "BK % VEC == 0",
                "PIPE > 0 or (1 + DBUF) * BK * (BM + BN + 2 * PAD) * 4 <= 49152",
                "PIPE == 0 or (VEC == 4 and not DBUF)", "PIPE > 0 or AT",
                "PIPE == 0 or not AT or PIPE * BK * (BM + BN + 2 * PAD) * 4 <= 101376",
                "PIPE == 0 or AT or PIPE * (BM * (BK + PAD) + BK * (BN + PAD)) * 4 <= 101376",
                "TM * TN <= 128", "(BN // TN) % WX == 0", "(BM // TM) % (32 // WX) == 0",
                "MINB == 1 or (BM // TM) * (BN // TN) * MINB <= 512"}) {}

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
                                 {"PAD", std::int64_t{0}},
                                 {"WX", std::int64_t{16}},
                                 {"PIPE", std::int64_t{0}},
                                 {"AT", true},
                                 {"MINB", std::int64_t{1}},
                                 {"SPLITK", std::int64_t{1}}});
  }
  std::string render(const std::map<std::string, Value>& bindings) const override {
    return render_cuda_source(kSgemmTemplate, bindings);
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
    g.grid = {ceil_div(size.dims.at(0), bn), ceil_div(size.dims.at(0), bm),
              static_cast<std::uint32_t>(binding_int(b, "SPLITK"))};
    if (const std::int64_t pipe = binding_int(b, "PIPE"); pipe > 0) {
      const std::int64_t bk = binding_int(b, "BK"), pad = binding_int(b, "PAD");
      const std::int64_t a_stage = binding_int(b, "AT") ? bk * (bm + pad) : bm * (bk + pad);
      g.dynamic_shared_bytes = static_cast<std::uint32_t>(pipe * (a_stage + bk * (bn + pad)) * 4);
    }
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
      "sgemm", "FP32 SIMT matrix product C = A*B (n x n, any n)",
      std::vector<ProblemSize>{{"n=2048", {2048}}, {"n=4096", {4096}}},
      std::vector<ProblemSize>{{"n=3072", {3072}}});
}

std::unique_ptr<CudaTask> make_cuda_sgemm_small_task() {
  return std::make_unique<CudaSgemmTask>(
      "sgemm-small", "sgemm tuned for small n (1024), where a big tile leaves SMs idle",
      std::vector<ProblemSize>{{"n=1024", {1024}}}, std::vector<ProblemSize>{{"n=1280", {1280}}});
}

std::unique_ptr<CudaTask> make_cuda_sgemm_ragged_task() {
  return std::make_unique<CudaSgemmTask>(
      "sgemm-ragged",
      "sgemm tuned for n = 3000, 5000, whose tiles leave the last wave of blocks mostly empty",
      std::vector<ProblemSize>{{"n=3000", {3000}}, {"n=5000", {5000}}},
      std::vector<ProblemSize>{{"n=3500", {3500}}});
}

std::size_t sgemm_lock_count(std::int64_t n) {
  const auto tiles = static_cast<std::size_t>((n + 31) / 32);  // the smallest tile, 32x32
  return tiles * tiles;
}

CudaProblem make_sgemm_problem(const ProblemSize& size) {
  const std::int64_t n = size.dims.at(0);
  const std::size_t nn = static_cast<std::size_t>(n * n);
  CudaProblem p;
  p.buffers.push_back(CudaBuffer::of_floats("A", nn));
  p.buffers.push_back(CudaBuffer::of_floats("B", nn));
  p.buffers.push_back(CudaBuffer::of_floats("C", nn));
  p.buffers[2].output = true;
  // SPLITK's locks, one int per tile; zero (restored before each run, and left zero by
  // every launch that completes).
  p.buffers.push_back(CudaBuffer::of_floats("locks", sgemm_lock_count(n)));
  p.buffers[3].restore = true;
  auto a = p.buffers[0].floats();
  auto b = p.buffers[1].floats();
  for (std::size_t i = 0; i < nn; ++i) {
    a[i] = hashed_uniform(i, 0xA11, -1.0f, 1.0f);
    b[i] = hashed_uniform(i, 0xB22, -1.0f, 1.0f);
  }
  p.launches.push_back({CudaArgument::buf(0), CudaArgument::buf(1), CudaArgument::buf(2),
                        CudaArgument::i32(n), CudaArgument::i32(n), CudaArgument::i32(n),
                        CudaArgument::buf(3)});
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
