// The allocator entry points of a CPU worker executable (evojit-worker, and the
// test worker), wrapped so that a failed allocation is remembered: a
// candidate that ignores malloc's NULL and dies of it is then classified
// out_of_memory (evaluators/worker/worker_limits.hpp). Defined in the executable, they take
// precedence over libc's for the whole process, JIT-compiled kernels included; the
// memory itself still comes from glibc's allocator, so free() is unchanged.
//
// Linked into the worker executables only (CMake object library
// evojit_cpu_worker_allocation), never into the backend's static library: from an
// archive, these definitions would be pulled into every program that links it.
#include <cstddef>

#include "evaluators/worker/worker_limits.hpp"

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);

void* malloc(std::size_t size) {
  void* p = __libc_malloc(size);
  if (!p && size) evojit::note_allocation_failure();
  return p;
}

void* calloc(std::size_t count, std::size_t size) {
  void* p = __libc_calloc(count, size);
  if (!p && count && size) evojit::note_allocation_failure();
  return p;
}

void* realloc(void* old, std::size_t size) {
  void* p = __libc_realloc(old, size);
  if (!p && size) evojit::note_allocation_failure();
  return p;
}

void* memalign(std::size_t alignment, std::size_t size) {
  void* p = __libc_memalign(alignment, size);
  if (!p && size) evojit::note_allocation_failure();
  return p;
}

void* aligned_alloc(std::size_t alignment, std::size_t size) { return memalign(alignment, size); }

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return 22;  // EINVAL
  void* p = memalign(alignment, size);
  if (!p && size) return 12;  // ENOMEM
  *out = p;
  return 0;
}
}
