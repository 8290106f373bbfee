#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
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

std::size_t default_worker_memory_limit() {
  constexpr std::size_t kFloor = std::size_t{4} << 30;
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return kFloor;
  const std::size_t half =
      static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size) / 2;
  return half > kFloor ? half : kFloor;
}

namespace {

std::string make_scratch_dir(const std::string& root) {
  std::string base = root;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string path = base + "/evojit-scratch-XXXXXX";
  if (!::mkdtemp(path.data())) {
    throw std::runtime_error("cannot create a worker scratch directory under " + base);
  }
  return path;
}

}  // namespace

struct WorkerProcess::Impl {
  WorkerOptions options;
  pid_t pid = -1;
  LineChannel channel;
  int stderr_fd = -1;
  std::string scratch_dir;
  rusage usage{};  // of the last worker reaped

  ~Impl() { kill_and_reap(); }

  void remove_scratch() {
    if (scratch_dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(scratch_dir, ec);
    scratch_dir.clear();
  }

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
    scratch_dir = make_scratch_dir(options.scratch_root);
    // Built before fork: the child may only make async-signal-safe calls.
    const std::string driver_pid = std::to_string(::getpid());
    std::vector<const char*> argv = {
        exe.c_str(),       "--in", "3", "--out", "4", "--scratch", scratch_dir.c_str(), "--driver",
        driver_pid.c_str()};
    if (!options.sandbox) argv.push_back("--no-sandbox");
    if (!options.landlock) argv.push_back("--no-landlock");
    argv.push_back(nullptr);

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
      if (options.memory_limit_bytes) {
        rlimit data{options.memory_limit_bytes, options.memory_limit_bytes};
        ::setrlimit(RLIMIT_DATA, &data);
      }
      if (options.address_space_limit_bytes) {
        rlimit as{options.address_space_limit_bytes, options.address_space_limit_bytes};
        ::setrlimit(RLIMIT_AS, &as);
      }
      if (options.cpu_seconds_limit) {
        rlimit cpu{options.cpu_seconds_limit, options.cpu_seconds_limit + 5};
        ::setrlimit(RLIMIT_CPU, &cpu);
      }
      // No PR_SET_PDEATHSIG: it fires when the spawning *thread* exits (an evaluation
      // thread of the evolve loop), not the driver. The worker watches its parent
      // process itself (serve_worker's orphan watchdog).
      ::execv(exe.c_str(), const_cast<char* const*>(argv.data()));
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
      while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
      }
      pid = -1;
    }
    channel.close();
    remove_scratch();
    return status;
  }

  // Reaps a worker whose pipe closed; it may take a moment to finish dying.
  int reap() {
    int status = 0;
    for (int i = 0; i < 200; ++i) {
      const pid_t r = ::wait4(pid, &status, WNOHANG, &usage);
      if (r == pid) {
        pid = -1;
        channel.close();
        remove_scratch();
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

int WorkerProcess::pid() const { return impl_->pid; }
std::string WorkerProcess::scratch_dir() const { return impl_->scratch_dir; }

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
  nlohmann::json sent = request;
  double budget = impl_->options.cpu_seconds_per_request;
  if (budget <= 0) {
    const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    budget = std::chrono::duration<double>(timeout).count() * cpus + 1.0;
  }
  sent["cpu_seconds"] = budget;
  std::string line;
  LineChannel::ReadStatus status = LineChannel::ReadStatus::closed;
  if (impl_->channel.write_line(sent.dump())) {
    status = impl_->channel.read_line(line, timeout);
  }
  if (status == LineChannel::ReadStatus::line) {
    reply.body = nlohmann::json::parse(line);
    return reply;
  }
  auto fill_usage = [&] {
    const rusage& u = impl_->usage;
    reply.peak_rss_bytes = static_cast<std::size_t>(u.ru_maxrss) * 1024;  // KiB on Linux
    reply.cpu_seconds = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                        1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    reply.memory_limit_bytes = impl_->options.memory_limit_bytes;
    reply.stderr_tail = impl_->stderr_tail();
  };
  if (status == LineChannel::ReadStatus::timeout) {
    impl_->kill_and_reap();
    reply.kind = Reply::Kind::timeout;
    fill_usage();
    return reply;
  }
  const int wait_status = impl_->reap();
  reply.kind = Reply::Kind::died;
  if (WIFSIGNALED(wait_status)) reply.signal = WTERMSIG(wait_status);
  if (WIFEXITED(wait_status)) reply.exit_code = WEXITSTATUS(wait_status);
  fill_usage();
  return reply;
}

}  // namespace evojit
