// evojit-worker: the process that compiles and runs candidates. Started by the
// driver's WorkerPool with its request and reply pipes as file descriptors 3 and 4;
// standard output is not used for the protocol, so a kernel that prints cannot
// corrupt it.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "evaluators/worker_service.hpp"

int main(int argc, char** argv) {
  int in_fd = 3;
  int out_fd = 4;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--in") == 0) in_fd = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--out") == 0) out_fd = std::atoi(argv[i + 1]);
  }
  return evojit::serve_worker(in_fd, out_fd);
}
