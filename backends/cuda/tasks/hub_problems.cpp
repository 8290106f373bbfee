// The problem models of the benchmark hub's convolution and dedispersion kernels
// (T1 spaces in tests/data/spaces): host data, arguments and sampled checks.
#include <cmath>
#include <limits>

#include "backends/cuda/tasks/cuda_problems.hpp"
#include "support/rng.hpp"

namespace evojit {
namespace {

constexpr int kFilter = 15;         // filter_width = filter_height in the T1 space
constexpr int kChannels = 1536;     // dedispersion: frequency channels
constexpr int kSamples = 4096 + 2;  // checked points per size (plus corners)

// Every output element written (poisoned with NaN before the run), and sampled
// elements against a double reference computed by `expected(y, x)`, scaled by
// `scale(y, x)` (the sum of the magnitudes of the terms).
template <class Expected>
CheckResult sampled_check(const float* out, std::int64_t rows, std::int64_t cols, double tolerance,
                          const char* what, Expected expected) {
  CheckResult r;
  r.tolerance = tolerance;
  for (std::int64_t i = 0; i < rows * cols; ++i) {
    if (!std::isfinite(out[i])) {
      r.max_error = std::numeric_limits<double>::infinity();
      r.message = std::string(what) + "[" + std::to_string(i / cols) + "][" +
                  std::to_string(i % cols) + "] is not finite (never written?)";
      return r;
    }
  }
  Rng rng(0xC0DE);
  for (int s = 0; s < kSamples + 4; ++s) {
    std::int64_t y = 0, x = 0;
    if (s < 4) {
      y = (s & 1) ? rows - 1 : 0;
      x = (s & 2) ? cols - 1 : 0;
    } else {
      y = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(rows)));
      x = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(cols)));
    }
    const auto [value, magnitude] = expected(y, x);
    const double e = std::abs(out[y * cols + x] - value) / std::max(magnitude, 1e-30);
    if (e > r.max_error) r.max_error = e;
    if (e > tolerance && r.message.empty()) {
      r.message = std::string(what) + "[" + std::to_string(y) + "][" + std::to_string(x) +
                  "] = " + std::to_string(out[y * cols + x]) + ", expected " +
                  std::to_string(value);
    }
  }
  r.ok = r.message.empty();
  return r;
}

struct DedispersionLayout {
  std::int64_t samples, dms, padded;
};

DedispersionLayout dedispersion_layout(const ProblemSize& size) {
  const std::int64_t samples = size.dims.at(0), dms = size.dims.at(1);
  // shifts[0] = 1 sample per DM step is the largest shift.
  const std::int64_t padded = ((samples + dms + 1) + 3) / 4 * 4;
  return {samples, dms, padded};
}

}  // namespace

// dims {width, height}: output width x height, input (width+14) x (height+14).
CudaProblem make_convolution_problem(const ProblemSize& size) {
  const std::int64_t w = size.dims.at(0), h = size.dims.at(1);
  const std::int64_t iw = w + kFilter - 1, ih = h + kFilter - 1;
  CudaProblem p;
  p.buffers.push_back(CudaBuffer::of_floats("output_image", static_cast<std::size_t>(w * h)));
  p.buffers[0].output = true;
  p.buffers.push_back(CudaBuffer::of_floats("input_image", static_cast<std::size_t>(iw * ih)));
  p.buffers.push_back(CudaBuffer::of_floats("filter", kFilter * kFilter));
  auto in = p.buffers[1].floats();
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = hashed_uniform(i, 0x1A6E, 0.0f, 1.0f);
  auto f = p.buffers[2].floats();
  for (std::size_t i = 0; i < f.size(); ++i) f[i] = hashed_uniform(i, 0xF117, -1.0f, 1.0f);
  p.buffers.push_back(p.buffers[2]);
  p.buffers[3].name = "d_filter";
  p.buffers[3].symbol = "d_filter";
  p.launches.push_back({CudaArgument::buf(0), CudaArgument::buf(1), CudaArgument::buf(2),
                        CudaArgument::i32(w), CudaArgument::i32(h)});
  std::vector<float> input(in.begin(), in.end()), filter(f.begin(), f.end());
  p.check = [input = std::move(input), filter = std::move(filter), w, h,
             iw](std::span<const std::vector<unsigned char>> out) {
    return sampled_check(reinterpret_cast<const float*>(out[0].data()), h, w, 1e-5, "output_image",
                         [&](std::int64_t y, std::int64_t x) {
                           double sum = 0.0, mag = 0.0;
                           for (int i = 0; i < kFilter; ++i) {
                             for (int j = 0; j < kFilter; ++j) {
                               const double t =
                                   double{input[(y + i) * iw + x + j]} * filter[i * kFilter + j];
                               sum += t;
                               mag += std::abs(t);
                             }
                           }
                           return std::pair{sum, mag};
                         });
  };
  return p;
}

Workload convolution_workload(const ProblemSize& size) {
  const double w = static_cast<double>(size.dims.at(0)), h = static_cast<double>(size.dims.at(1));
  const double in = (w + kFilter - 1) * (h + kFilter - 1);
  return {2.0 * kFilter * kFilter * w * h, 4.0 * (in + w * h)};
}

// dims {nr_samples, nr_dms}; kChannels channels of 8-bit samples.
CudaProblem make_dedispersion_problem(const ProblemSize& size) {
  const DedispersionLayout l = dedispersion_layout(size);
  CudaProblem p;
  CudaBuffer input;
  input.name = "input_samples";
  input.element_size = 1;
  input.host.resize(static_cast<std::size_t>(kChannels * l.padded));
  for (std::size_t i = 0; i < input.host.size(); ++i) {
    input.host[i] = static_cast<unsigned char>(hashed_uniform(i, 0xDD, 0.0f, 256.0f));
  }
  p.buffers.push_back(std::move(input));
  p.buffers.push_back(
      CudaBuffer::of_floats("output_arr", static_cast<std::size_t>(l.samples * l.dms)));
  p.buffers[1].output = true;
  // Cold-plasma delay ~ 1/f^2 over 1200..1500 MHz, 1 sample per DM step at the
  // lowest frequency, 0 at the highest.
  p.buffers.push_back(CudaBuffer::of_floats("shifts", kChannels));
  auto shifts = p.buffers[2].floats();
  const double f_lo = 1200.0, f_hi = 1500.0;
  const double top = 1.0 / (f_lo * f_lo) - 1.0 / (f_hi * f_hi);
  for (int c = 0; c < kChannels; ++c) {
    const double f = f_lo + (f_hi - f_lo) * c / kChannels;
    shifts[c] = static_cast<float>((1.0 / (f * f) - 1.0 / (f_hi * f_hi)) / top);
  }
  p.launches.push_back({CudaArgument::buf(0), CudaArgument::buf(1), CudaArgument::buf(2),
                        CudaArgument::i32(l.samples), CudaArgument::i32(l.dms),
                        CudaArgument::i32(kChannels), CudaArgument::i32(l.padded)});
  std::vector<unsigned char> in = p.buffers[0].host;
  std::vector<float> sh(shifts.begin(), shifts.end());
  p.check = [in = std::move(in), sh = std::move(sh),
             l](std::span<const std::vector<unsigned char>> out) {
    // Sums of at most 1536 bytes are exact in FP32.
    return sampled_check(reinterpret_cast<const float*>(out[1].data()), l.dms, l.samples, 1e-6,
                         "output_arr", [&](std::int64_t dm, std::int64_t s) {
                           double sum = 0.0;
                           for (int c = 0; c < kChannels; ++c) {
                             const int shift = static_cast<int>(sh[c] * static_cast<float>(dm));
                             sum += in[c * l.padded + s + shift];
                           }
                           return std::pair{sum, std::max(sum, 1.0)};
                         });
  };
  return p;
}

Workload dedispersion_workload(const ProblemSize& size) {
  const DedispersionLayout l = dedispersion_layout(size);
  const double samples = static_cast<double>(l.samples), dms = static_cast<double>(l.dms);
  return {samples * dms * kChannels,
          static_cast<double>(kChannels) * static_cast<double>(l.padded) + 4.0 * samples * dms};
}

}  // namespace evojit
