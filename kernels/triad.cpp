#include "kernels/triad.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>

#include "kernels/aligned_buffer.hpp"
#include "kernels/thread_counts.hpp"

namespace evojit {
namespace {

constexpr float kScale = 3.0f;
constexpr double kTolerance = 1e-6;

// Each parameter is an #if-switch: with VEC=1, UNROLL=1, THREADS=1 and no hints the
// kernel is the textbook loop. Vector loads go through an under-aligned, may_alias
// vector type so any element offset is valid; ALIGN_HINT switches to the naturally
// aligned type, which is sound because buffers are 64-byte aligned and every vector
// access starts at a multiple of VEC (chunks start at multiples of CHUNK >= 4096).
// NONTEMPORAL stores need aligned addresses, so without ALIGN_HINT the loop first
// peels scalar elements until the output is aligned.
constexpr const char* kTemplate = R"(// triad: a[i] = b[i] + s * c[i]
#if !defined(VEC) || !defined(UNROLL) || !defined(THREADS) || !defined(CHUNK) || \
    !defined(NONTEMPORAL) || !defined(ALIGN_HINT)
#error "triad needs VEC, UNROLL, THREADS, CHUNK, NONTEMPORAL and ALIGN_HINT defined"
#endif

#if VEC > 1
#if ALIGN_HINT
typedef float evojit_vf __attribute__((ext_vector_type(VEC), may_alias));
#else
typedef float evojit_vf __attribute__((ext_vector_type(VEC), aligned(4), may_alias));
#endif
// Streaming stores compile to movnt only at naturally aligned addresses.
typedef float evojit_vf_aligned __attribute__((ext_vector_type(VEC), may_alias));
#else
typedef float evojit_vf;
typedef float evojit_vf_aligned;
#endif

static inline void evojit_store(float* p, evojit_vf v) {
#if NONTEMPORAL
  __builtin_nontemporal_store((evojit_vf_aligned)v, (evojit_vf_aligned*)p);
#else
  *(evojit_vf*)p = v;
#endif
}

static inline void evojit_triad_range(float* __restrict a, const float* __restrict b,
                                      const float* __restrict c, float s, evojit_i64 lo,
                                      evojit_i64 hi) {
  evojit_i64 i = lo;
#if NONTEMPORAL && VEC > 1
  // Peel until a + i is vector aligned (never runs when ALIGN_HINT holds).
  for (; i < hi && (__UINTPTR_TYPE__)(a + i) % (VEC * sizeof(float)) != 0; ++i) {
    a[i] = b[i] + s * c[i];
  }
#endif
#if VEC > 1 || UNROLL > 1
  for (; i + VEC * UNROLL <= hi; i += VEC * UNROLL) {
#pragma clang loop unroll(full)
    for (int u = 0; u < UNROLL; ++u) {
      const evojit_i64 k = i + (evojit_i64)u * VEC;
      evojit_store(a + k, *(const evojit_vf*)(b + k) + s * *(const evojit_vf*)(c + k));
    }
  }
#endif
  for (; i < hi; ++i) {
#if NONTEMPORAL
    __builtin_nontemporal_store(b[i] + s * c[i], a + i);
#else
    a[i] = b[i] + s * c[i];
#endif
  }
#if NONTEMPORAL && defined(__x86_64__)
  __builtin_ia32_sfence();  // streaming stores are weakly ordered: publish them
#endif
}

extern "C" void evojit_kernel(const evojit_args* args) {
  float* a = args->buffers[0];
  const float* b = args->buffers[1];
  const float* c = args->buffers[2];
#if ALIGN_HINT
  a = (float*)__builtin_assume_aligned(a, 64);
  b = (const float*)__builtin_assume_aligned(b, 64);
  c = (const float*)__builtin_assume_aligned(c, 64);
#endif
  const evojit_i64 n = args->dims[0];
  const float s = args->scalars[0];
#if THREADS == 1
  evojit_triad_range(a, b, c, s, 0, n);
#else
  const evojit_i64 chunks = (n + CHUNK - 1) / CHUNK;
  evojit::parallel_for(THREADS, 0, chunks, [&](evojit_i64 lo, evojit_i64 hi) {
    const evojit_i64 end = hi * CHUNK < n ? hi * CHUNK : n;
    evojit_triad_range(a, b, c, s, lo * CHUNK, end);
  });
#endif
}
)";

// Deterministic inputs in [0.5, 1.5): positive, so a = b + s*c never cancels and a
// relative error is meaningful everywhere.
float input_value(std::uint64_t i, std::uint64_t salt) {
  std::uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ salt;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return 0.5f + static_cast<float>(x >> 40) / static_cast<float>(1ull << 24);
}

class TriadInstance final : public ProblemInstance {
 public:
  explicit TriadInstance(std::int64_t n) : a_(n), b_(n), c_(n), expected_(n) {
    for (std::int64_t i = 0; i < n; ++i) {
      b_[i] = input_value(i, 0x1234);
      c_[i] = input_value(i, 0xABCD);
      expected_[i] = b_[i] + kScale * c_[i];
    }
    args_.buffers[0] = a_.data();
    args_.buffers[1] = b_.data();
    args_.buffers[2] = c_.data();
    args_.dims[0] = n;
    args_.scalars[0] = kScale;
    reset();
  }

  const KernelArgs& args() const override { return args_; }

  // NaN in the output: an element the kernel never writes fails the check.
  void reset() override {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t i = 0; i < a_.size(); ++i) a_[i] = nan;
  }

  CheckResult check() const override {
    CheckResult result;
    result.tolerance = kTolerance;
    std::int64_t first_bad = -1;
    double first_error = 0.0;
    for (std::size_t i = 0; i < a_.size(); ++i) {
      double error = std::abs(double{a_[i]} - expected_[i]) / std::abs(double{expected_[i]});
      if (std::isnan(error)) error = std::numeric_limits<double>::infinity();
      result.max_error = std::max(result.max_error, error);
      if (error > kTolerance && first_bad < 0) {
        first_bad = static_cast<std::int64_t>(i);
        first_error = error;
      }
    }
    result.ok = first_bad < 0;
    if (!result.ok) {
      std::ostringstream msg;
      msg.precision(9);
      msg << "a[" << first_bad << "] = " << a_[first_bad] << ", expected " << expected_[first_bad]
          << " (relative error " << first_error << "; max " << result.max_error << " > tolerance "
          << kTolerance << "; n = " << a_.size() << ")";
      result.message = msg.str();
    }
    return result;
  }

 private:
  AlignedBuffer a_, b_, c_, expected_;
  KernelArgs args_;
};

class TriadTask final : public Task {
 public:
  TriadTask()
      : space_(
            {
                Parameter::list(
                    "VEC", {std::int64_t{1}, std::int64_t{4}, std::int64_t{8}, std::int64_t{16}}),
                Parameter::list(
                    "UNROLL", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}, std::int64_t{8}}),
                threads_parameter(),
                Parameter::power_of_two("CHUNK", std::int64_t{1} << 12, std::int64_t{1} << 22),
                Parameter::boolean("NONTEMPORAL"),
                Parameter::boolean("ALIGN_HINT"),
            },
            {"VEC * UNROLL <= 64", "CHUNK >= VEC * UNROLL"}) {}

  std::string name() const override { return "triad"; }
  std::string summary() const override {
    return "STREAM triad a[i] = b[i] + s*c[i]; memory bound, in-cache to DRAM sizes";
  }
  const ParameterSpace& space() const override { return space_; }

  Config seed() const override {
    return space_.from_bindings({{"VEC", std::int64_t{1}},
                                 {"UNROLL", std::int64_t{1}},
                                 {"THREADS", std::int64_t{1}},
                                 {"CHUNK", std::int64_t{1} << 22},
                                 {"NONTEMPORAL", false},
                                 {"ALIGN_HINT", false}});
  }

  std::string render(const std::map<std::string, Value>& bindings) const override {
    return render_with_defines(kTemplate, bindings);
  }

  // 2^14 floats x 3 arrays = 192 KiB (L2), 2^18 = 3 MiB (L3), 2^24 = 192 MiB (DRAM).
  std::vector<ProblemSize> training_sizes() const override {
    return {{"n=2^14", {std::int64_t{1} << 14}},
            {"n=2^18", {std::int64_t{1} << 18}},
            {"n=2^24", {std::int64_t{1} << 24}}};
  }
  // Odd, so no vector width or chunk divides it: remainder handling is exercised.
  std::vector<ProblemSize> held_out_sizes() const override { return {{"n=3000001", {3000001}}}; }

  // Per element: one multiply and one add; read b and c, write a (4 bytes each).
  Workload workload(const ProblemSize& size) const override {
    const double n = static_cast<double>(size.dims.at(0));
    return {2.0 * n, 12.0 * n};
  }

  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize& size) const override {
    return std::make_unique<TriadInstance>(size.dims.at(0));
  }

 private:
  ParameterSpace space_;
};

}  // namespace

std::unique_ptr<Task> make_triad_task() { return std::make_unique<TriadTask>(); }

}  // namespace evojit
