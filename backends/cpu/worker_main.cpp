// evojit-worker: the process that compiles and runs candidates. Started by the
// driver's WorkerPool with its request and reply pipes as file descriptors 3 and 4;
// standard output is not used for the protocol, so a kernel that prints cannot
// corrupt it. With --key-fd, the driver's reply key is read from that descriptor
// (evaluators/worker/worker_reply_auth.hpp); every descriptor above the protocol's (3, 4)
// is closed before anything else, so nothing the driver leaked reaches a candidate.
//
//   evojit-worker [--in FD] [--out FD] [--key-fd FD] [--scratch DIR] [--driver PID]
//                 [--scratch-limit BYTES] [--max-threads N] [--max-kernels N]
//                 [--no-sandbox] [--no-landlock]
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "evaluators/worker/sandbox_identity.hpp"
#include "evaluators/worker/worker_limits.hpp"
#include "evaluators/worker/worker_reply_auth.hpp"
#include "backends/cpu/cpu_worker_service.hpp"

// The allocator entry points, wrapped so that a failed allocation is remembered: a
// candidate that ignores malloc's NULL and dies of it is then classified
// out_of_memory (evaluators/worker/worker_limits.hpp). Defined in the executable, they take
// precedence over libc's for the whole process, JIT-compiled kernels included; the
// memory itself still comes from glibc's allocator, so free() is unchanged.
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

int main(int argc, char** argv) {
  // A terminal's Ctrl-C reaches the whole process group: the driver alone decides
  // (cli/signals.hpp), finishing the evaluation this worker has in flight. A worker
  // still ends when its driver does (the orphan watch) or closes its pipe.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  int in_fd = 3;
  int out_fd = 4;
  int key_fd = -1;
  evojit::WorkerSetup setup;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (has_value && std::strcmp(argv[i], "--in") == 0)
      in_fd = std::atoi(argv[++i]);
    else if (has_value && std::strcmp(argv[i], "--out") == 0)
      out_fd = std::atoi(argv[++i]);
    else if (has_value && std::strcmp(argv[i], "--scratch") == 0)
      setup.scratch_dir = argv[++i];
    else if (has_value && std::strcmp(argv[i], "--driver") == 0)
      setup.driver_pid = std::atol(argv[++i]);
    else if (has_value && std::strcmp(argv[i], "--key-fd") == 0)
      key_fd = std::atoi(argv[++i]);
    else if (has_value && std::strcmp(argv[i], "--scratch-limit") == 0)
      setup.scratch_limit_bytes = std::strtoull(argv[++i], nullptr, 10);
    else if (has_value && std::strcmp(argv[i], "--max-kernels") == 0)
      setup.max_kernels = std::strtoull(argv[++i], nullptr, 10);
    else if (has_value && std::strcmp(argv[i], "--max-threads") == 0)
      setup.max_threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    else if (std::strcmp(argv[i], "--no-sandbox") == 0)
      setup.sandbox = false;
    else if (std::strcmp(argv[i], "--no-landlock") == 0)
      setup.landlock = false;
  }
  if (key_fd >= 0 && !evojit::load_worker_reply_key(key_fd)) return 3;
  const int protocol_top = in_fd > out_fd ? in_fd : out_fd;
  evojit::close_descriptors_from(protocol_top > 4 ? protocol_top + 1 : 5);
  return evojit::serve_worker(in_fd, out_fd, setup);
}
