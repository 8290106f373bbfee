// The STREAM triad task, a[i] = b[i] + s * c[i]: the memory-bound reference case.
//
// Kernel arguments: buffers {a (out), b, c}, all 64-byte aligned; dims {n};
// scalars {s}. Tunables: VEC (explicit vector width), UNROLL, THREADS, CHUNK
// (elements per parallel task), NONTEMPORAL (streaming stores), ALIGN_HINT
// (__builtin_assume_aligned on the buffers). The seed is the plain scalar loop.
#pragma once

#include <memory>

#include "kernels/task.hpp"

namespace evojit {

std::unique_ptr<Task> make_triad_task();

}  // namespace evojit
