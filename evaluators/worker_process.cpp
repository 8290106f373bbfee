#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evaluators/line_channel.hpp"
#include "evaluators/worker_pool.hpp"

namespace evojit {

std::string default_worker_executable() {
  if (const char* env = std::getenv("EVOJIT_WORKER"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = self.parent_path() / "evojit-worker";
    if (std::filesystem::exists(beside)) return beside.string();
  }
#ifdef EVOJIT_WORKER_BUILD_PATH
  return EVOJIT_WORKER_BUILD_PATH;
#else
  return "evojit-worker";
#endif
}

struct WorkerProcess::Impl {
  WorkerOptions options;
  pid_t pid = -1;
  LineChannel channel;
  int stderr_fd = -1;

  ~Impl() { kill_and_reap(); }

  void spawn() {
    int request_pipe[2];
    int reply_pipe[2];
    if (::pipe2(request_pipe, O_CLOEXEC) != 0 || ::pipe2(reply_pipe, O_CLOEXEC) != 0) {
      throw std::runtime_error("cannot create worker pipes");
    }
    char log_template[] = "/tmp/evojit-worker-XXXXXX";
    stderr_fd = ::mkostemp(log_template, O_CLOEXEC);
    if (stderr_fd >= 0) ::unlink(log_template);
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    const std::string exe =
        options.executable.empty() ? default_worker_executable() : options.executable;

    pid = ::fork();
    if (pid < 0) throw std::runtime_error("cannot fork a worker");
    if (pid == 0) {
      // Child: only async-signal-safe calls until exec.
      const int in = ::fcntl(request_pipe[0], F_DUPFD, 10);
      const int out = ::fcntl(reply_pipe[1], F_DUPFD, 10);
      ::dup2(in, 3);
      ::dup2(out, 4);
      ::dup2(null_fd, 0);
      ::dup2(null_fd, 1);
      if (stderr_fd >= 0) ::dup2(stderr_fd, 2);
      rlimit no_core{0, 0};
      ::setrlimit(RLIMIT_CORE, &no_core);
      if (options.address_space_limit_bytes) {
        rlimit as{options.address_space_limit_bytes, options.address_space_limit_bytes};
        ::setrlimit(RLIMIT_AS, &as);
      }
      if (options.cpu_seconds_limit) {
        rlimit cpu{options.cpu_seconds_limit, options.cpu_seconds_limit + 5};
        ::setrlimit(RLIMIT_CPU, &cpu);
      }
      // A driver killed with -9 must not leave workers behind.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::execl(exe.c_str(), exe.c_str(), "--in", "3", "--out", "4", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(request_pipe[0]);
    ::close(reply_pipe[1]);
    if (null_fd >= 0) ::close(null_fd);
    channel = LineChannel(reply_pipe[0], request_pipe[1]);
  }

  std::string stderr_tail() const {
    if (stderr_fd < 0) return {};
    const off_t size = ::lseek(stderr_fd, 0, SEEK_END);
    const off_t from = size > 2000 ? size - 2000 : 0;
    std::string text(static_cast<std::size_t>(size - from), '\0');
    if (::pread(stderr_fd, text.data(), text.size(), from) < 0) return {};
    return text;
  }

  // Kills the worker (if alive) and returns its wait status.
  int kill_and_reap() {
    int status = 0;
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      pid = -1;
    }
    channel.close();
    return status;
  }

  // Reaps a worker whose pipe closed; it may take a moment to finish dying.
  int reap() {
    int status = 0;
    for (int i = 0; i < 200; ++i) {
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) {
        pid = -1;
        channel.close();
        return status;
      }
      ::usleep(5000);
    }
    return kill_and_reap();
  }
};

WorkerProcess::WorkerProcess(WorkerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

WorkerProcess::~WorkerProcess() = default;

WorkerProcess::Reply WorkerProcess::request(const nlohmann::json& request,
                                            std::chrono::milliseconds timeout) {
  Reply reply;
  if (impl_->pid <= 0) {
    if (impl_->stderr_fd >= 0) {
      ::close(impl_->stderr_fd);
      impl_->stderr_fd = -1;
    }
    impl_->spawn();
    ++generation_;
  }
  std::string line;
  LineChannel::ReadStatus status = LineChannel::ReadStatus::closed;
  if (impl_->channel.write_line(request.dump())) {
    status = impl_->channel.read_line(line, timeout);
  }
  if (status == LineChannel::ReadStatus::line) {
    reply.body = nlohmann::json::parse(line);
    return reply;
  }
  if (status == LineChannel::ReadStatus::timeout) {
    impl_->kill_and_reap();
    reply.kind = Reply::Kind::timeout;
    reply.stderr_tail = impl_->stderr_tail();
    return reply;
  }
  const int wait_status = impl_->reap();
  reply.kind = Reply::Kind::died;
  if (WIFSIGNALED(wait_status)) reply.signal = WTERMSIG(wait_status);
  if (WIFEXITED(wait_status)) reply.exit_code = WEXITSTATUS(wait_status);
  reply.stderr_tail = impl_->stderr_tail();
  return reply;
}

}  // namespace evojit
