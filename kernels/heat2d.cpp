#include "kernels/heat2d.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <utility>

#include "kernels/aligned_buffer.hpp"
#include "kernels/thread_counts.hpp"

namespace evojit {
namespace {

constexpr float kAlpha = 0.2f;  // explicit scheme is stable for alpha <= 0.25
// Float rounding (FMA contraction, vector order) moves results by ~1e-7 of max |u|
// after 8 steps; a stale or misplaced neighbour moves them by ~1e-2.
constexpr double kTolerance = 1e-5;
constexpr std::int64_t kSteps = 8;
// Floats per fused-tile scratch buffer; two live on the worker thread's stack.
constexpr std::int64_t kMaxScratch = 40000;

// One time-step group of s <= FUSE_STEPS steps is one parallel sweep over tiles from
// src to dst; the grids swap after each group and a final copy puts the result in u.
// With FUSE_STEPS == 1 the fixed boundary is copied into v once, so a sweep computes
// interior cells only and its inner loop is the plain stencil row (the seed is the
// naive kernel a person would write, and compiles as fast). With FUSE_STEPS > 1 tiles
// partition the whole grid, boundary cells included; a tile loads its region grown by
// s cells into scratch and shrinks the computed region by one cell per step (redundant
// halo work), so each group costs one read and one write of the grid instead of s.
// Only the chosen variant's code is in the rendered source (#if, not runtime ifs).
constexpr const char* kTemplate = R"(// heat2d: T explicit steps of the 5-point heat stencil
#if !defined(TILE_Y) || !defined(TILE_X) || !defined(UNROLL_X) || !defined(VEC) || \
    !defined(THREADS) || !defined(FUSE_STEPS)
#error "heat2d needs TILE_Y, TILE_X, UNROLL_X, VEC, THREADS and FUSE_STEPS defined"
#endif

#if VEC > 1
typedef float evojit_vf __attribute__((ext_vector_type(VEC), aligned(4), may_alias));
#else
typedef float evojit_vf;
#endif

// d[i] for i in [0, count): m is the centre row, up/dn the rows above and below.
static inline void evojit_heat_cells(float* __restrict d, const float* m, const float* up,
                                     const float* dn, evojit_i64 count, float c0, float alpha) {
  evojit_i64 i = 0;
#if VEC > 1 || UNROLL_X > 1
  for (; i + VEC * UNROLL_X <= count; i += VEC * UNROLL_X) {
#pragma clang loop unroll(full)
    for (int u = 0; u < UNROLL_X; ++u) {
      const evojit_i64 k = i + (evojit_i64)u * VEC;
      const evojit_vf sum = ((*(const evojit_vf*)(up + k) + *(const evojit_vf*)(dn + k)) +
                             *(const evojit_vf*)(m + k - 1)) +
                            *(const evojit_vf*)(m + k + 1);
      *(evojit_vf*)(d + k) = c0 * *(const evojit_vf*)(m + k) + alpha * sum;
    }
  }
#endif
  for (; i < count; ++i) d[i] = c0 * m[i] + alpha * (((up[i] + dn[i]) + m[i - 1]) + m[i + 1]);
}

struct evojit_heat_grid {
  evojit_i64 ny, nx, tiles_x;
  float c0, alpha;
};

static inline evojit_i64 evojit_min(evojit_i64 a, evojit_i64 b) { return a < b ? a : b; }
static inline evojit_i64 evojit_max(evojit_i64 a, evojit_i64 b) { return a > b ? a : b; }

#if FUSE_STEPS == 1
// Interior cells of the tiles [t_lo, t_hi); dst already holds the boundary.
static void evojit_heat_tiles(const evojit_heat_grid& g, const float* src, float* dst,
                              evojit_i64 steps, evojit_i64 t_lo, evojit_i64 t_hi) {
  (void)steps;
  for (evojit_i64 t = t_lo; t < t_hi; ++t) {
    const evojit_i64 y0 = (t / g.tiles_x) * TILE_Y, x0 = (t % g.tiles_x) * TILE_X;
    const evojit_i64 ya = evojit_max(y0, 1), yb = evojit_min(y0 + TILE_Y, g.ny - 1);
    const evojit_i64 xa = evojit_max(x0, 1), xb = evojit_min(x0 + TILE_X, g.nx - 1);
    for (evojit_i64 y = ya; y < yb; ++y) {
      const float* m = src + y * g.nx + xa;
      evojit_heat_cells(dst + y * g.nx + xa, m, m - g.nx, m + g.nx, xb - xa, g.c0, g.alpha);
    }
  }
}
#else
// Columns [xa, xb) of one row of the next step. Pointers address column xa; `stride`
// separates rows. Boundary rows and the two boundary columns are copied unchanged.
static inline void evojit_heat_segment(float* d, const float* m, evojit_i64 stride, bool edge_row,
                                       evojit_i64 xa, evojit_i64 xb, evojit_i64 nx, float c0,
                                       float alpha) {
  if (edge_row) {
    for (evojit_i64 i = 0; i < xb - xa; ++i) d[i] = m[i];
    return;
  }
  evojit_i64 lo = 0, hi = xb - xa;
  if (xa == 0) { d[0] = m[0]; lo = 1; }
  if (xb == nx && hi > lo) { d[hi - 1] = m[hi - 1]; hi -= 1; }
  if (lo < hi) evojit_heat_cells(d + lo, m + lo, m + lo - stride, m + lo + stride, hi - lo, c0, alpha);
}

#define EVOJIT_SY (TILE_Y + 2 * FUSE_STEPS)
#define EVOJIT_SX (TILE_X + 2 * FUSE_STEPS)
static_assert(EVOJIT_SY * EVOJIT_SX <= 40000, "fused tile scratch exceeds 40000 floats");

static void evojit_heat_tiles(const evojit_heat_grid& g, const float* src, float* dst,
                              evojit_i64 steps, evojit_i64 t_lo, evojit_i64 t_hi) {
  float scratch_a[EVOJIT_SY * EVOJIT_SX];
  float scratch_b[EVOJIT_SY * EVOJIT_SX];
  for (evojit_i64 t = t_lo; t < t_hi; ++t) {
    const evojit_i64 y0 = (t / g.tiles_x) * TILE_Y, x0 = (t % g.tiles_x) * TILE_X;
    const evojit_i64 y1 = evojit_min(y0 + TILE_Y, g.ny), x1 = evojit_min(x0 + TILE_X, g.nx);
    // The region this tile's result depends on after `steps` steps.
    const evojit_i64 ry0 = evojit_max(0, y0 - steps), ry1 = evojit_min(g.ny, y1 + steps);
    const evojit_i64 rx0 = evojit_max(0, x0 - steps), rx1 = evojit_min(g.nx, x1 + steps);
    for (evojit_i64 y = ry0; y < ry1; ++y) {
      const float* row = src + y * g.nx + rx0;
      float* s = scratch_a + (y - ry0) * EVOJIT_SX;
      for (evojit_i64 x = 0; x < rx1 - rx0; ++x) s[x] = row[x];
    }
    float* cur = scratch_a;
    float* nxt = scratch_b;
    for (evojit_i64 k = 1; k <= steps; ++k) {
      const evojit_i64 h = steps - k;  // halo still needed after this step
      const evojit_i64 cy0 = evojit_max(0, y0 - h), cy1 = evojit_min(g.ny, y1 + h);
      const evojit_i64 cx0 = evojit_max(0, x0 - h), cx1 = evojit_min(g.nx, x1 + h);
      for (evojit_i64 y = cy0; y < cy1; ++y) {
        const evojit_i64 off = (y - ry0) * EVOJIT_SX + (cx0 - rx0);
        evojit_heat_segment(nxt + off, cur + off, EVOJIT_SX, y == 0 || y == g.ny - 1, cx0, cx1,
                            g.nx, g.c0, g.alpha);
      }
      float* swap = cur;
      cur = nxt;
      nxt = swap;
    }
    for (evojit_i64 y = y0; y < y1; ++y) {
      const float* s = cur + (y - ry0) * EVOJIT_SX + (x0 - rx0);
      float* row = dst + y * g.nx + x0;
      for (evojit_i64 x = 0; x < x1 - x0; ++x) row[x] = s[x];
    }
  }
}
#endif

extern "C" void evojit_kernel(const evojit_args* args) {
  float* const u = args->buffers[0];
  float* const v = args->buffers[1];
  evojit_heat_grid g;
  g.ny = args->dims[0];
  g.nx = args->dims[1];
  const evojit_i64 steps_total = args->dims[2];
  g.alpha = args->scalars[0];
  g.c0 = 1.0f - 4.0f * g.alpha;
  g.tiles_x = (g.nx + TILE_X - 1) / TILE_X;
  const evojit_i64 tiles = ((g.ny + TILE_Y - 1) / TILE_Y) * g.tiles_x;
  float* src = u;
  float* dst = v;
#if FUSE_STEPS == 1
  // The fixed boundary, into v once: sweeps write interior cells only.
  __builtin_memcpy(v, u, g.nx * sizeof(float));
  __builtin_memcpy(v + (g.ny - 1) * g.nx, u + (g.ny - 1) * g.nx, g.nx * sizeof(float));
  for (evojit_i64 y = 1; y + 1 < g.ny; ++y) {
    v[y * g.nx] = u[y * g.nx];
    v[y * g.nx + g.nx - 1] = u[y * g.nx + g.nx - 1];
  }
#endif
  for (evojit_i64 done = 0; done < steps_total; done += FUSE_STEPS) {
    const evojit_i64 steps = evojit_min(FUSE_STEPS, steps_total - done);
#if THREADS == 1
    evojit_heat_tiles(g, src, dst, steps, 0, tiles);
#else
    evojit::parallel_for(THREADS, 0, tiles, [&](evojit_i64 lo, evojit_i64 hi) {
      evojit_heat_tiles(g, src, dst, steps, lo, hi);
    });
#endif
    float* swap = src;
    src = dst;
    dst = swap;
  }
  if (src != u) {  // an odd number of sweeps left the field in v
    const evojit_i64 cells = g.ny * g.nx;
#if THREADS == 1
    __builtin_memcpy(u, src, cells * sizeof(float));
#else
    const float* from = src;
    evojit::parallel_for(THREADS, 0, cells, [&](evojit_i64 lo, evojit_i64 hi) {
      __builtin_memcpy(u + lo, from + lo, (hi - lo) * sizeof(float));
    });
#endif
  }
}
)";

// Deterministic noise in [-1, 1).
double noise(std::int64_t y, std::int64_t x) {
  std::uint64_t h = static_cast<std::uint64_t>(y) * 0x9E3779B97F4A7C15ull ^
                    static_cast<std::uint64_t>(x) * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 29;
  return static_cast<double>(h >> 11) / static_cast<double>(1ull << 52) - 1.0;
}

// A smooth field plus cell-level noise plus a few hot squares. The noise gives every
// cell a large Laplacian, so a stale or misplaced neighbour anywhere (a tile halo, a
// vector tail) changes the result far beyond rounding; the boundary varies along each
// edge, so mishandling the fixed boundary or a corner shows up too.
void initial_field(float* u, std::int64_t ny, std::int64_t nx) {
  constexpr double kTwoPi = 6.283185307179586;
  for (std::int64_t y = 0; y < ny; ++y) {
    for (std::int64_t x = 0; x < nx; ++x) {
      const double fy = static_cast<double>(y) / ny, fx = static_cast<double>(x) / nx;
      u[y * nx + x] = static_cast<float>(1.0 + 0.5 * std::sin(kTwoPi * fx) * std::cos(kTwoPi * fy) +
                                         0.25 * fx + 0.25 * noise(y, x));
    }
  }
  const double spots[][2] = {{0.25, 0.25}, {0.7, 0.4}, {0.5, 0.85}};
  for (const auto& spot : spots) {
    const std::int64_t cy = static_cast<std::int64_t>(spot[0] * ny);
    const std::int64_t cx = static_cast<std::int64_t>(spot[1] * nx);
    for (std::int64_t y = std::max<std::int64_t>(1, cy - 1); y <= std::min(ny - 2, cy + 1); ++y) {
      for (std::int64_t x = std::max<std::int64_t>(1, cx - 1); x <= std::min(nx - 2, cx + 1); ++x) {
        u[y * nx + x] = 8.0f;
      }
    }
  }
}

// The plain reference: same formula and summation order as the naive kernel.
void reference_steps(float* u, float* v, std::int64_t ny, std::int64_t nx, std::int64_t steps) {
  const float c0 = 1.0f - 4.0f * kAlpha;
  std::copy(u, u + ny * nx, v);  // boundary cells of v stay equal to u's
  for (std::int64_t t = 0; t < steps; ++t) {
    for (std::int64_t y = 1; y + 1 < ny; ++y) {
      for (std::int64_t x = 1; x + 1 < nx; ++x) {
        const std::int64_t i = y * nx + x;
        v[i] = c0 * u[i] + kAlpha * (((u[i - nx] + u[i + nx]) + u[i - 1]) + u[i + 1]);
      }
    }
    std::swap(u, v);
  }
  if (steps % 2 == 1) std::copy(u, u + ny * nx, v);  // result back in the first array
}

class Heat2dInstance final : public ProblemInstance {
 public:
  Heat2dInstance(std::int64_t ny, std::int64_t nx, std::int64_t steps)
      : ny_(ny), nx_(nx), u_(ny * nx), v_(ny * nx), initial_(ny * nx), expected_(ny * nx) {
    initial_field(initial_.data(), ny, nx);
    std::copy(initial_.data(), initial_.data() + ny * nx, expected_.data());
    reference_steps(expected_.data(), v_.data(), ny, nx, steps);
    for (std::int64_t i = 0; i < ny * nx; ++i)
      scale_ = std::max(scale_, std::abs(double{expected_[i]}));
    args_.buffers[0] = u_.data();
    args_.buffers[1] = v_.data();
    args_.dims[0] = ny;
    args_.dims[1] = nx;
    args_.dims[2] = steps;
    args_.scalars[0] = kAlpha;
    reset();
  }

  const KernelArgs& args() const override { return args_; }

  // The scratch grid starts as NaN: a kernel that reads it before writing fails.
  void reset() override {
    std::copy(initial_.data(), initial_.data() + ny_ * nx_, u_.data());
    std::fill(v_.data(), v_.data() + ny_ * nx_, std::numeric_limits<float>::quiet_NaN());
  }

  // Error metric: max |got - expected| / max |expected|.
  CheckResult check() const override {
    CheckResult result;
    result.tolerance = kTolerance;
    std::int64_t first_bad = -1;
    double first_error = 0.0;
    for (std::int64_t i = 0; i < ny_ * nx_; ++i) {
      double error = std::abs(double{u_[i]} - expected_[i]) / scale_;
      if (std::isnan(error)) error = std::numeric_limits<double>::infinity();
      result.max_error = std::max(result.max_error, error);
      if (error > kTolerance && first_bad < 0) {
        first_bad = i;
        first_error = error;
      }
    }
    result.ok = first_bad < 0;
    if (!result.ok) {
      std::ostringstream msg;
      msg.precision(9);
      msg << "u[y=" << first_bad / nx_ << "][x=" << first_bad % nx_ << "] = " << u_[first_bad]
          << ", expected " << expected_[first_bad] << " (error " << first_error << "; max "
          << result.max_error << " > tolerance " << kTolerance
          << ", relative to max |u| = " << scale_ << "; grid " << ny_ << "x" << nx_ << ")";
      result.message = msg.str();
    }
    return result;
  }

 private:
  std::int64_t ny_, nx_;
  AlignedBuffer u_, v_, initial_, expected_;
  double scale_ = 0.0;
  KernelArgs args_;
};

ProblemSize square(std::int64_t n) {
  return {std::to_string(n) + "x" + std::to_string(n) + "x" + std::to_string(kSteps),
          {n, n, kSteps}};
}

class Heat2dTask final : public Task {
 public:
  Heat2dTask()
      : space_(
            {
                Parameter::power_of_two("TILE_Y", 2, 4096),
                Parameter::power_of_two("TILE_X", 8, 4096),
                Parameter::list("UNROLL_X", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}}),
                Parameter::list(
                    "VEC", {std::int64_t{1}, std::int64_t{4}, std::int64_t{8}, std::int64_t{16}}),
                threads_parameter(),
                Parameter::list("FUSE_STEPS", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4},
                                               std::int64_t{8}}),
            },
            {"FUSE_STEPS == 1 or (TILE_Y + 2 * FUSE_STEPS) * (TILE_X + 2 * FUSE_STEPS) <= " +
                 std::to_string(kMaxScratch),
             "VEC * UNROLL_X <= TILE_X"}) {}

  std::string name() const override { return "heat2d"; }
  std::string summary() const override {
    return "2-D 5-point heat stencil, 8 explicit steps, fixed boundary; tiling and step fusion";
  }
  const ParameterSpace& space() const override { return space_; }

  // One tile covers every grid here, so the seed is the plain row-major triple loop.
  Config seed() const override {
    return space_.from_bindings({{"TILE_Y", std::int64_t{4096}},
                                 {"TILE_X", std::int64_t{4096}},
                                 {"UNROLL_X", std::int64_t{1}},
                                 {"VEC", std::int64_t{1}},
                                 {"THREADS", std::int64_t{1}},
                                 {"FUSE_STEPS", std::int64_t{1}}});
  }

  std::string render(const std::map<std::string, Value>& bindings) const override {
    return render_with_defines(kTemplate, bindings);
  }

  // 64 KiB per grid (L2), 1 MiB (L2/L3), 16 MiB (two grids fill the L3 and more).
  std::vector<ProblemSize> training_sizes() const override {
    return {square(128), square(512), square(2048)};
  }
  // Odd: no tile, vector width or unroll divides the interior, so edges are exercised.
  std::vector<ProblemSize> held_out_sizes() const override { return {square(1001)}; }

  // flops: per interior cell and step, 3 adds for the neighbour sum, 2 multiplies
  // (c0*u, alpha*sum) and 1 add: 6. bytes: the compulsory traffic, reading the field
  // once and writing it once (2 * 4 * ny * nx), whatever T is. It is the lower bound,
  // so roofline fractions stay <= 1 and fusing time steps is rewarded.
  Workload workload(const ProblemSize& size) const override {
    const double ny = static_cast<double>(size.dims.at(0));
    const double nx = static_cast<double>(size.dims.at(1));
    const double steps = static_cast<double>(size.dims.at(2));
    return {6.0 * (ny - 2.0) * (nx - 2.0) * steps, 8.0 * ny * nx};
  }

  bool updates_in_place() const override { return true; }

  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize& size) const override {
    return std::make_unique<Heat2dInstance>(size.dims.at(0), size.dims.at(1), size.dims.at(2));
  }

 private:
  ParameterSpace space_;
};

}  // namespace

std::unique_ptr<Task> make_heat2d_task() { return std::make_unique<Heat2dTask>(); }

}  // namespace evojit
