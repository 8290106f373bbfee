#include "backends/cpu/cpu_worker_command.hpp"

#include <csignal>
#include <cstdlib>
#include <cstring>

#include "backends/cpu/cpu_worker_service.hpp"
#include "evaluators/worker/sandbox_identity.hpp"
#include "evaluators/worker/worker_reply_auth.hpp"

namespace evojit {

int run_cpu_worker(int argc, char** argv, const TaskRegistry& tasks) {
  // A terminal's Ctrl-C reaches the whole process group: the driver alone decides
  // (cli/signals.hpp), finishing the evaluation this worker has in flight. A worker
  // still ends when its driver does (the orphan watch) or closes its pipe.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  int in_fd = 3;
  int out_fd = 4;
  int key_fd = -1;
  WorkerSetup setup;
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
  if (key_fd >= 0 && !load_worker_reply_key(key_fd)) return 3;
  const int protocol_top = in_fd > out_fd ? in_fd : out_fd;
  close_descriptors_from(protocol_top > 4 ? protocol_top + 1 : 5);
  return serve_worker(in_fd, out_fd, setup, tasks);
}

}  // namespace evojit
