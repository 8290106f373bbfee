// The C ABI between the worker (host) and a JIT-compiled CPU kernel.
//
// Every CPU kernel source defines
//     extern "C" void evojit_kernel(const evojit_args* args);
// and may call back into the host through
//     extern "C" void evojit_parallel_for(int threads, long long begin, long long end,
//                                         void (*body)(void* ctx, long long lo, long long hi),
//                                         void* ctx);
// which splits [begin, end) over at most `threads` threads. cpu_kernel_prelude() gives
// kernels these declarations plus a lambda-friendly `evojit::parallel_for`, with no
// system header needed (kernels compile with no include paths: faster, hermetic).
#pragma once

#include <cstdint>
#include <string>

namespace evojit {

inline constexpr int kMaxKernelBuffers = 8;
inline constexpr int kMaxKernelDims = 4;
inline constexpr int kMaxKernelScalars = 4;
inline constexpr const char* kKernelEntry = "evojit_kernel";
inline constexpr const char* kParallelForSymbol = "evojit_parallel_for";

// Mirrors `struct evojit_args` in the prelude, field for field.
struct KernelArgs {
  float* buffers[kMaxKernelBuffers] = {};
  std::int64_t dims[kMaxKernelDims] = {};
  float scalars[kMaxKernelScalars] = {};
};

using KernelEntry = void (*)(const KernelArgs*);
using ParallelBody = void (*)(void* ctx, long long lo, long long hi);

// Declarations every CPU kernel source starts with.
const std::string& cpu_kernel_prelude();

}  // namespace evojit

// Implemented by the host (backends/cpu/parallel_for.cpp) and exported to JIT code.
extern "C" void evojit_parallel_for(int threads, long long begin, long long end,
                                    evojit::ParallelBody body, void* ctx);
