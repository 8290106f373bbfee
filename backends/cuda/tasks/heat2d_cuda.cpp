// The 2-D heat stencil on the GPU: T explicit steps of
//     u'[y][x] = (1 - 4 alpha) u[y][x] + alpha (u[y-1][x] + u[y+1][x] + u[y][x-1] + u[y][x+1])
// with fixed (Dirichlet) boundary rows and columns, one launch per step between two
// grids (u -> v -> u ...; T is even, so the result ends in u).
//
// Tunables: BLOCK_X, BLOCK_Y (threads), CELLS_Y (rows per thread, walked with the
// rows above and below kept in registers), VEC (adjacent cells per thread along x,
// read and written as one float2/float4 where every row is aligned to it, i.e. nx a
// multiple of VEC; elementwise otherwise), LDG (loads through the read-only path),
// STCS (evict-first stores: the written grid is read only by the next launch, after
// the L2 has turned over), PDL (programmatic dependent launch, sm_90+: step s + 1 is
// scheduled while step s drains and waits for it on the device, which hides most of the
// launch gap; at 6144^2 a step moves 302 MB in about 71 us, and the gap between two
// plain launches was about 4 us of each step). A thread issues all its loads before its
// first store (rows clamped, not skipped), so they are all in flight at once.
#include <cmath>

#include "backends/cuda/tasks/cuda_problems.hpp"

namespace evojit {
namespace {

constexpr float kAlpha = 0.2f;
constexpr std::int64_t kSteps = 8;

constexpr const char* kTemplate = R"(// heat2d: one explicit step of the 5-point heat stencil
#if LDG
#define LD(p) __ldg(p)
#else
#define LD(p) (*(p))
#endif
#if STCS
#define ST(p, v) __stcs(p, v)
#else
#define ST(p, v) (*(p) = (v))
#endif
#if VEC == 4
typedef float4 vec_t;
#elif VEC == 2
typedef float2 vec_t;
#else
typedef float vec_t;
#endif
union cells_t { vec_t v; float f[VEC]; };

// VEC cells of one row from x0; WHOLE: one aligned vector access, else elementwise
// with the cells past the row's end left 0 (they feed no stored output).
template <bool WHOLE>
__device__ __forceinline__ cells_t load_cells(const float* row, int x0, int nx) {
  cells_t c;
  if (WHOLE) {
    c.v = LD((const vec_t*)(row + x0));
  } else {
#pragma unroll
    for (int v = 0; v < VEC; ++v) c.f[v] = x0 + v < nx ? LD(row + x0 + v) : 0.0f;
  }
  return c;
}

// Rows y0 .. y0 + CELLS_Y - 1 of the VEC columns from x0: every load first (rows
// outside the grid clamped to its edge: their values reach no stored output), then
// the arithmetic and the stores.
template <bool WHOLE>
__device__ __forceinline__ void walk(const float* __restrict__ src, float* __restrict__ dst,
                                     int ny, int nx, int x0, int y0, float c0, float alpha) {
  const long long stride = nx;
  cells_t r[CELLS_Y + 2];
  float left[CELLS_Y], right[CELLS_Y];
#pragma unroll
  for (int k = 0; k < CELLS_Y + 2; ++k) {
    const float* p = src + (long long)min(max(y0 - 1 + k, 0), ny - 1) * stride;
    r[k] = load_cells<WHOLE>(p, x0, nx);
    if (k >= 1 && k <= CELLS_Y) {
      left[k - 1] = x0 >= 1 ? LD(p + x0 - 1) : 0.0f;
      right[k - 1] = x0 + VEC < nx ? LD(p + x0 + VEC) : 0.0f;
    }
  }
  const bool inner = WHOLE && x0 >= 1 && x0 + VEC <= nx - 1;  // one vector store
#pragma unroll
  for (int k = 0; k < CELLS_Y; ++k) {
    const int y = y0 + k;
    cells_t out;
#pragma unroll
    for (int v = 0; v < VEC; ++v) {
      const float l = v == 0 ? left[k] : r[k + 1].f[v - 1];
      const float rt = v == VEC - 1 ? right[k] : r[k + 1].f[v + 1];
      out.f[v] = c0 * r[k + 1].f[v] + alpha * (((r[k].f[v] + r[k + 2].f[v]) + l) + rt);
    }
    if (y >= 1 && y < ny - 1) {
      float* d = dst + (long long)y * stride + x0;
      if (inner) {
        ST((vec_t*)d, out.v);
      } else {
#pragma unroll
        for (int v = 0; v < VEC; ++v) {
          if (x0 + v >= 1 && x0 + v < nx - 1) ST(d + v, out.f[v]);
        }
      }
    }
  }
}

extern "C" __global__ void __launch_bounds__(BLOCK_X * BLOCK_Y) heat_step(
    const float* __restrict__ src, float* __restrict__ dst, int ny, int nx, float c0,
    float alpha) {
#if PDL && __CUDA_ARCH__ >= 900
  // Nothing of src is read before the step that wrote it has finished and flushed; the
  // next step may then be scheduled onto SMs as this one's blocks retire.
  asm volatile("griddepcontrol.wait;\n" ::: "memory");
  asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
#endif
  const int x0 = (blockIdx.x * BLOCK_X + threadIdx.x) * VEC;
  const int y0 = (blockIdx.y * BLOCK_Y + threadIdx.y) * CELLS_Y;
  if (x0 >= nx || y0 >= ny - 1) return;
  // Vector accesses where every row is aligned to VEC and the cells are in the row.
  if (nx % VEC == 0 && x0 + VEC <= nx) {
    walk<true>(src, dst, ny, nx, x0, y0, c0, alpha);
  } else {
    walk<false>(src, dst, ny, nx, x0, y0, c0, alpha);
  }
}
)";

class CudaHeat2dTask final : public CudaTask {
 public:
  CudaHeat2dTask()
      : space_({Parameter::list("BLOCK_X", {std::int64_t{16}, std::int64_t{32}, std::int64_t{64},
                                            std::int64_t{128}, std::int64_t{256}}),
                Parameter::list("BLOCK_Y", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4},
                                            std::int64_t{8}, std::int64_t{16}}),
                Parameter::list("CELLS_Y", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4},
                                            std::int64_t{8}, std::int64_t{16}}),
                Parameter::list("VEC", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}}),
                Parameter::boolean("LDG"), Parameter::boolean("STCS"), Parameter::boolean("PDL")},
               {"BLOCK_X * BLOCK_Y >= 32", "BLOCK_X * BLOCK_Y <= 1024"}) {}

  std::string name() const override { return "heat2d"; }
  std::string summary() const override {
    return "8 explicit steps of the 5-point heat stencil on the GPU";
  }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override {
    return space_.from_bindings({{"BLOCK_X", std::int64_t{32}},
                                 {"BLOCK_Y", std::int64_t{8}},
                                 {"CELLS_Y", std::int64_t{1}},
                                 {"VEC", std::int64_t{1}},
                                 {"LDG", false},
                                 {"STCS", false},
                                 {"PDL", false}});
  }
  std::string render(const std::map<std::string, Value>& bindings) const override {
    return render_cuda_source(kTemplate, bindings);
  }
  // dims {ny, nx, T}; each grid is 150-270 MB, far beyond the L2.
  std::vector<ProblemSize> training_sizes() const override {
    return {{"6144x6144x8", {6144, 6144, kSteps}}, {"8192x8192x8", {8192, 8192, kSteps}}};
  }
  std::vector<ProblemSize> held_out_sizes() const override {
    return {{"5001x7003x8", {5001, 7003, kSteps}}};
  }
  // Per cell and step: 6 flops; one read and one write of the grid (4 bytes each).
  Workload workload(const ProblemSize& size) const override {
    const double cells =
        static_cast<double>(size.dims.at(0)) * static_cast<double>(size.dims.at(1));
    const double steps = static_cast<double>(size.dims.at(2));
    return {6.0 * cells * steps, 8.0 * cells * steps, 8.0 * cells};
  }
  bool updates_in_place() const override { return true; }
  std::string kernel_name() const override { return "heat_step"; }
  LaunchGeometry launch(const std::map<std::string, Value>& b,
                        const ProblemSize& size) const override {
    LaunchGeometry g;
    const std::int64_t bx = binding_int(b, "BLOCK_X"), by = binding_int(b, "BLOCK_Y");
    g.block = {static_cast<std::uint32_t>(bx), static_cast<std::uint32_t>(by), 1};
    g.grid = {ceil_div(size.dims.at(1), bx * binding_int(b, "VEC")),
              ceil_div(size.dims.at(0), by * binding_int(b, "CELLS_Y")), 1};
    g.overlap_launches = binding_int(b, "PDL") != 0;
    return g;
  }

 private:
  ParameterSpace space_;
};

}  // namespace

std::unique_ptr<CudaTask> make_cuda_heat2d_task() { return std::make_unique<CudaHeat2dTask>(); }

CudaProblem make_heat2d_problem(const ProblemSize& size) {
  const std::int64_t ny = size.dims.at(0), nx = size.dims.at(1), steps = size.dims.at(2);
  const std::size_t cells = static_cast<std::size_t>(ny * nx);
  CudaProblem p;
  p.buffers.push_back(CudaBuffer::of_floats("u", cells));
  auto u = p.buffers[0].floats();
  for (std::size_t i = 0; i < cells; ++i) u[i] = hashed_uniform(i, 0x4EA7, -1.0f, 1.0f);
  p.buffers[0].output = true;
  p.buffers[0].restore = true;
  p.buffers.push_back(p.buffers[0]);  // v starts as u: its boundary is the fixed one
  p.buffers[1].name = "v";
  p.buffers[1].output = false;
  const float c0 = 1.0f - 4.0f * kAlpha;
  for (std::int64_t s = 0; s < steps; ++s) {
    const int from = static_cast<int>(s % 2);
    p.launches.push_back({CudaArgument::buf(from), CudaArgument::buf(1 - from),
                          CudaArgument::i32(ny), CudaArgument::i32(nx), CudaArgument::f32(c0),
                          CudaArgument::f32(kAlpha)});
  }
  // The reference in double, computed on first check (once per size per worker).
  std::vector<float> initial(u.begin(), u.end());
  p.check = [initial = std::move(initial), ny, nx, steps, c0,
             ref = std::make_shared<std::vector<double>>()](
                std::span<const std::vector<unsigned char>> out) mutable {
    if (ref->empty()) {
      std::vector<double> a(initial.begin(), initial.end()), b = a;
      for (std::int64_t s = 0; s < steps; ++s) {
        for (std::int64_t y = 1; y + 1 < ny; ++y) {
          for (std::int64_t x = 1; x + 1 < nx; ++x) {
            const std::int64_t i = y * nx + x;
            // float arithmetic, as the kernel: the tolerance covers FMA contraction.
            const float m = static_cast<float>(a[i]);
            b[i] = static_cast<float>(
                c0 * m + kAlpha * ((static_cast<float>(a[i - nx]) + static_cast<float>(a[i + nx])) +
                                   static_cast<float>(a[i - 1]) + static_cast<float>(a[i + 1])));
          }
        }
        std::swap(a, b);
      }
      *ref = std::move(a);
    }
    std::span<const float> got(reinterpret_cast<const float*>(out[0].data()),
                               out[0].size() / sizeof(float));
    return compare_floats(got, *ref, 1e-5, "u");
  };
  return p;
}

}  // namespace evojit
