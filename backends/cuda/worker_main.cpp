// evojit-cuda-worker: compiles (NVRTC) and runs candidates on one CUDA device.
// Started by the driver's WorkerPool with its request and reply pipes as file
// descriptors 3 and 4 (and its reply key on --key-fd). Before serving it closes
// every other descriptor and sandboxes itself (evaluators/worker/sandbox.hpp) without
// confining the filesystem: the CUDA driver opens /dev/nvidia* and its libraries
// lazily. It gives up root and takes the syscall filter's privilege rules (device
// nodes, the clock, the host name, real-time, limits, signals to others); its
// candidates are device code, which cannot make host system calls anyway.
//
//   evojit-cuda-worker [--in FD] [--out FD] [--key-fd FD] [--device N] [--no-sandbox]
#include <cstdlib>
#include <cstring>

#include "backends/cuda/cuda_worker_service.hpp"
#include "evaluators/worker/sandbox.hpp"
#include "evaluators/worker/sandbox_identity.hpp"
#include "evaluators/worker/worker_reply_auth.hpp"

int main(int argc, char** argv) {
  int in_fd = 3;
  int out_fd = 4;
  int device = 0;
  int key_fd = -1;
  bool sandbox = true;
  if (const char* env = std::getenv("EVOJIT_CUDA_DEVICE"); env && *env) device = std::atoi(env);
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--in") == 0) in_fd = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--out") == 0) out_fd = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--device") == 0) device = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--key-fd") == 0) key_fd = std::atoi(argv[i + 1]);
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-sandbox") == 0) sandbox = false;
  }
  if (key_fd >= 0 && !evojit::load_worker_reply_key(key_fd)) return 3;
  const int protocol_top = in_fd > out_fd ? in_fd : out_fd;
  evojit::close_descriptors_from(protocol_top > 4 ? protocol_top + 1 : 5);
  if (sandbox) {
    evojit::SandboxOptions options;
    options.confine_filesystem = false;
    // The CUDA driver may talk to an MPS daemon, start nvidia-modprobe and use shared
    // memory; none of that is reachable from device code.
    options.deny_network = false;
    options.deny_processes = false;
    options.deny_shared_memory = false;
    evojit::enter_sandbox(options);
  }
  return evojit::serve_cuda_worker(in_fd, out_fd, device);
}
