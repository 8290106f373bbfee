// evojit-cuda-worker: compiles (NVRTC) and runs candidates on one CUDA device.
// Started by the driver's WorkerPool with its request and reply pipes as file
// descriptors 3 and 4.
//
//   evojit-cuda-worker [--in FD] [--out FD] [--device N]
#include <cstdlib>
#include <cstring>

#include "evaluators/cuda/cuda_worker_service.hpp"

int main(int argc, char** argv) {
  int in_fd = 3;
  int out_fd = 4;
  int device = 0;
  if (const char* env = std::getenv("EVOJIT_CUDA_DEVICE"); env && *env) device = std::atoi(env);
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--in") == 0) in_fd = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--out") == 0) out_fd = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--device") == 0) device = std::atoi(argv[i + 1]);
  }
  return evojit::serve_cuda_worker(in_fd, out_fd, device);
}
