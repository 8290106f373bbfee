// Tuned SGEMM against cuBLAS SGEMM, FP32 on the SIMT cores (no tensor cores: cuBLAS
// in its default math mode, which keeps FP32 for sgemm), n = 1024..8192, timed
// side by side in one process with the same CUDA-event timer (median of repetitions
// after warm-up, L2 flushed before each). The tuned kernel's output is compared
// with cuBLAS's. Prints figures; never passes or fails on time.
//
//   bench_cuda_sgemm [best.json | CANONICAL ...] [n ...]
//   best.json: a tuning run's result (tasks sgemm, sgemm-small, sgemm-ragged). Each size n uses the
//   variant whose run was tuned on the size nearest n (ratio of sizes), as a library
//   exported from those runs dispatches; nothing is chosen by timing here, and the
//   table names the variant and the size it was tuned for.
//   CANONICAL: "BK=8,BM=128,..." (best.json's "canonical"), with no tuning sizes: when
//   only these are given, each n uses the fastest of them.
#include <cublas_v2.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "backends/cuda/cuda_driver.hpp"
#include "backends/cuda/cuda_measure.hpp"
#include "backends/cuda/nvrtc_compiler.hpp"
#include "backends/cuda/tasks/cuda_problems.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"

using namespace evojit;
using namespace evojit::cuda;

int main(int argc, char** argv) {
  std::string why;
  if (device_count(&why) == 0) {
    std::printf("no CUDA device: %s\n", why.c_str());
    return 0;
  }
  auto task = make_cuda_sgemm_task();
  std::vector<std::string> canonicals;
  std::vector<std::vector<std::int64_t>> tuned_for;  // per variant; empty: given by hand
  std::vector<std::int64_t> sizes;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.size() > 5 && a.substr(a.size() - 5) == ".json") {
      std::ifstream in(a);
      const nlohmann::json best = nlohmann::json::parse(in);
      canonicals.push_back(best.at("canonical").get<std::string>());
      std::vector<std::int64_t> trained;
      for (const auto& s : best.at("training").at("sizes")) {
        trained.push_back(s.at("dims").at(0).get<std::int64_t>());
      }
      tuned_for.push_back(trained);
    } else if (a.find('=') != std::string::npos) {
      canonicals.push_back(a);
      tuned_for.emplace_back();
    } else {
      sizes.push_back(std::stoll(a));
    }
  }
  if (canonicals.empty()) {
    canonicals = {"BK=8,BM=128,BN=128,AT=True,DBUF=1,MINB=2,PAD=4,PIPE=0,TM=8,TN=8,VEC=4,WX=8"};
    tuned_for.emplace_back();
  }
  if (sizes.empty()) sizes = {1024, 2048, 4096, 8192};
  bool dispatch_by_size = false;
  for (const auto& t : tuned_for) dispatch_by_size = dispatch_by_size || !t.empty();
  // The variant tuned nearest n (|log(n / tuned size)|; the first on a tie), and that size.
  auto dispatch = [&](std::int64_t n, std::int64_t* tuned_size) {
    std::size_t pick = 0;
    double best_distance = std::numeric_limits<double>::infinity();
    for (std::size_t v = 0; v < tuned_for.size(); ++v) {
      for (const std::int64_t t : tuned_for[v]) {
        const double d = std::abs(std::log(static_cast<double>(n) / static_cast<double>(t)));
        if (d < best_distance) {
          best_distance = d;
          pick = v;
          *tuned_size = t;
        }
      }
    }
    return pick;
  };

  Context ctx(0);
  const DeviceInfo& info = ctx.info();
  struct Variant {
    std::string canonical;
    std::map<std::string, Value> bindings;
    Module module;
    CUfunction kernel = nullptr;
  };
  std::vector<Variant> variants;
  for (const std::string& c : canonicals) {
    Variant v;
    v.canonical = c;
    v.bindings = task->space().bindings(task->space().parse_canonical(c));
    NvrtcRequest req;
    req.source = task->render(v.bindings);
    req.kernel_name = task->kernel_name();
    req.cc_major = info.cc_major;
    req.cc_minor = info.cc_minor;
    const NvrtcResult compiled = nvrtc_compile(req);
    if (!compiled.ok) {
      std::printf("%s does not compile:\n%s\n", c.c_str(), compiled.log.c_str());
      return 1;
    }
    std::string log;
    v.module = Module::load(compiled.image, &log);
    v.kernel = v.module.function(compiled.lowered_name);
    const FunctionAttributes attr = function_attributes(v.kernel);
    std::string trained;
    for (const std::int64_t t : tuned_for[variants.size()]) {
      trained += (trained.empty() ? "" : ",") + std::to_string(t);
    }
    std::printf("variant %zu: %s: %d registers, %d B shared, %d B local, %s; %s\n", variants.size(),
                c.c_str(), attr.registers, attr.shared_bytes, attr.local_bytes,
                (compiled.image_kind + " " + compiled.arch).c_str(),
                trained.empty() ? "given by hand" : ("tuned on n=" + trained).c_str());
    variants.push_back(std::move(v));
  }

  cublasHandle_t handle;
  if (cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) {
    std::printf("cublasCreate failed\n");
    return 1;
  }
  cublasSetStream(handle, ctx.stream());
  cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH);  // FP32: no TF32 tensor-core path

  std::printf("device %s (sm_%d%d, %d SMs)\n", info.name.c_str(), info.cc_major, info.cc_minor,
              info.sm_count);
  std::printf("variant per n: %s\n", dispatch_by_size
                                         ? "the one tuned on the nearest size (dispatcher)"
                                         : "the fastest of those given (timed here)");
  std::printf("%6s  %7s  %9s  %12s  %12s  %10s  %10s  %8s  %10s\n", "n", "variant", "tuned on",
              "tuned ms", "cuBLAS ms", "tuned TF/s", "cuBLAS TF/s", "ratio", "max |diff|");
  L2Flusher flusher(ctx);
  MeasureOptions options;
  options.warmup = 3;
  options.min_repetitions = 10;
  options.max_repetitions = 50;
  options.max_seconds = 2.0;
  options.target_relative_error = 0.002;
  for (const std::int64_t n : sizes) {
    const std::size_t nn = static_cast<std::size_t>(n * n);
    std::vector<float> a(nn), b(nn);
    for (std::size_t i = 0; i < nn; ++i) {
      a[i] = hashed_uniform(i, 0xA11, -1.0f, 1.0f);
      b[i] = hashed_uniform(i, 0xB22, -1.0f, 1.0f);
    }
    DeviceBuffer da(nn * 4), db(nn * 4), dc(nn * 4), dref(nn * 4);
    // SPLITK's per-tile locks: zero once; every completed launch leaves them zero.
    const std::size_t lock_count = sgemm_lock_count(n);
    DeviceBuffer dlocks(lock_count * 4);
    check(cuMemsetD32(dlocks.get(), 0, lock_count), "zero the locks");
    check(cuMemcpyHtoD(da.get(), a.data(), nn * 4), "upload A");
    check(cuMemcpyHtoD(db.get(), b.data(), nn * 4), "upload B");
    CUdeviceptr pa = da.get(), pb = db.get(), pc = dc.get(), plocks = dlocks.get();
    int ni = static_cast<int>(n);
    void* args[] = {&pa, &pb, &pc, &ni, &ni, &ni, &plocks};
    Timing tuned;
    std::size_t used = 0;
    std::int64_t tuned_size = 0;
    const std::size_t dispatched = dispatch_by_size ? dispatch(n, &tuned_size) : 0;
    for (std::size_t v = 0; v < variants.size(); ++v) {
      if (dispatch_by_size && v != dispatched) continue;
      const LaunchGeometry g = task->launch(variants[v].bindings, ProblemSize{"", {n}});
      const Timing t = time_on_stream(
          ctx.stream(),
          [&] {
            launch(variants[v].kernel, g.grid, g.block, g.dynamic_shared_bytes, ctx.stream(), args);
          },
          {}, &flusher, options);
      if (!dispatch_by_size && variants.size() > 1) {
        std::printf("  n=%lld variant %zu: %.4f ms (%.2f TF/s)\n", static_cast<long long>(n), v,
                    t.median_s * 1e3, 2.0 * n * n * n / t.median_s / 1e12);
      }
      if (dispatch_by_size || v == 0 || t.median_s < tuned.median_s) {
        tuned = t;
        used = v;
      }
    }
    // The output of the variant used, for the comparison with cuBLAS.
    {
      const LaunchGeometry g = task->launch(variants[used].bindings, ProblemSize{"", {n}});
      launch(variants[used].kernel, g.grid, g.block, g.dynamic_shared_bytes, ctx.stream(), args);
    }
    const float alpha = 1.0f, beta = 0.0f;
    // Row-major C = A B is column-major C^T = B^T A^T.
    const Timing blas = time_on_stream(
        ctx.stream(),
        [&] {
          cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, ni, ni, ni, &alpha,
                      reinterpret_cast<const float*>(db.get()), ni,
                      reinterpret_cast<const float*>(da.get()), ni, &beta,
                      reinterpret_cast<float*>(dref.get()), ni);
        },
        {}, &flusher, options);
    ctx.synchronize();
    std::vector<float> c(nn), ref(nn);
    check(cuMemcpyDtoH(c.data(), dc.get(), nn * 4), "download C");
    check(cuMemcpyDtoH(ref.data(), dref.get(), nn * 4), "download ref");
    double max_diff = 0.0;
    for (std::size_t i = 0; i < nn; ++i) {
      max_diff = std::max(max_diff, static_cast<double>(std::abs(c[i] - ref[i])));
    }
    const double flops = 2.0 * n * n * n;
    const std::string on = tuned_size > 0 ? std::to_string(tuned_size) : "-";
    std::printf("%6lld  %7zu  %9s  %12.4f  %12.4f  %10.2f  %10.2f  %8.3f  %10.2e\n",
                static_cast<long long>(n), used, on.c_str(), tuned.median_s * 1e3,
                blas.median_s * 1e3, flops / tuned.median_s / 1e12, flops / blas.median_s / 1e12,
                blas.median_s / tuned.median_s, max_diff);
  }
  cublasDestroy(handle);
  return 0;
}
