// One file (about 400 lines): spawning, the pipes, request timeouts and the classification
// of how a worker ended share the process state; split, each half would need it all.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evaluators/worker/line_channel.hpp"
#include "evaluators/worker/protocol.hpp"
#include "evaluators/worker/sandbox_identity.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "evaluators/worker/worker_reply_auth.hpp"

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

std::size_t worker_memory_share(std::size_t workers) {
  constexpr std::size_t kFloor = std::size_t{512} << 20;
  constexpr std::size_t kUnknownMachine = std::size_t{4} << 30;
  if (workers == 0) workers = 1;
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return kUnknownMachine;
  const std::size_t usable =
      static_cast<std::size_t>(pages) / 4 * 3 * static_cast<std::size_t>(page_size);
  const std::size_t share = usable / workers;
  return share > kFloor ? share : kFloor;
}

std::size_t default_worker_memory_limit() { return worker_memory_share(1); }

namespace {

constexpr const char* kScratchPrefix = "evojit-scratch-";

// Scratch directories are named evojit-scratch-<driver pid>-XXXXXX: those of a
// driver that no longer lives (killed with -9, say) are removed, once per process
// and place.
void remove_abandoned_scratch(const std::string& base) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kScratchPrefix, 0) != 0) continue;
    const std::string rest = name.substr(std::char_traits<char>::length(kScratchPrefix));
    const std::size_t dash = rest.find('-');
    if (dash == std::string::npos || dash == 0) continue;
    char* end = nullptr;
    const long owner = std::strtol(rest.c_str(), &end, 10);
    if (end != rest.c_str() + dash || owner <= 0) continue;
    if (owner == ::getpid() || ::kill(static_cast<pid_t>(owner), 0) == 0 || errno != ESRCH) {
      continue;
    }
    std::filesystem::remove_all(entry.path(), ec);
  }
}

std::string make_scratch_dir(const std::string& root) {
  std::string base = root;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  static std::mutex mutex;
  static std::vector<std::string> cleaned;
  {
    std::lock_guard lock(mutex);
    if (std::find(cleaned.begin(), cleaned.end(), base) == cleaned.end()) {
      cleaned.push_back(base);
      remove_abandoned_scratch(base);
    }
  }
  std::string path = base + "/" + kScratchPrefix + std::to_string(::getpid()) + "-XXXXXX";
  if (!::mkdtemp(path.data())) {
    throw std::runtime_error("cannot create a worker scratch directory under " + base);
  }
  return path;
}

// The kernel's count of out-of-memory kills so far; -1 when it is not readable.
long oom_kill_count() {
  std::ifstream vmstat("/proc/vmstat");
  std::string key;
  long value = 0;
  while (vmstat >> key >> value) {
    if (key == "oom_kill") return value;
  }
  return -1;
}

// User + system CPU seconds of a live child, from /proc/<pid>/stat; -1 if unknown.
double process_cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  // Fields 3.. follow the name; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::strtod(field.c_str(), nullptr);
  }
  const long hz = ::sysconf(_SC_CLK_TCK);
  return hz > 0 ? ticks / static_cast<double>(hz) : -1;
}

unsigned default_max_threads() {
  return 4 * std::max(1u, std::thread::hardware_concurrency()) + 64;
}

}  // namespace

struct WorkerProcess::Impl {
  WorkerOptions options;
  pid_t pid = -1;
  LineChannel channel;
  int stderr_fd = -1;
  std::string scratch_dir;
  rusage usage{};  // of the last worker reaped
  ReplyKey key{};
  std::uint64_t replies = 0;  // genuine replies read from the live worker

  ~Impl() { kill_and_reap(); }

  std::size_t memory_limit() const {
    return options.memory_limit_bytes == kShareOfMemory ? default_worker_memory_limit()
                                                        : options.memory_limit_bytes;
  }

  void remove_scratch() {
    if (scratch_dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(scratch_dir, ec);
    scratch_dir.clear();
  }

  void spawn() {
    int request_pipe[2];
    int reply_pipe[2];
    int key_pipe[2] = {-1, -1};
    if (::pipe2(request_pipe, O_CLOEXEC) != 0 || ::pipe2(reply_pipe, O_CLOEXEC) != 0) {
      throw std::runtime_error("cannot create worker pipes");
    }
    const bool authenticate = options.authenticate_replies;
    if (authenticate) {
      key = make_reply_key();
      // The key fits a pipe's buffer: written now, read by the worker at start-up.
      if (::pipe2(key_pipe, O_CLOEXEC) != 0 ||
          ::write(key_pipe[1], key.data(), key.size()) != static_cast<ssize_t>(key.size())) {
        throw std::runtime_error("cannot pass a key to the worker");
      }
      ::close(key_pipe[1]);
    }
    replies = 0;
    char log_template[] = "/tmp/evojit-worker-XXXXXX";
    stderr_fd = ::mkostemp(log_template, O_CLOEXEC);
    if (stderr_fd >= 0) ::unlink(log_template);
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    const std::string exe =
        options.executable.empty() ? default_worker_executable() : options.executable;
    scratch_dir = make_scratch_dir(options.scratch_root);
    // Built before fork: the child may only make async-signal-safe calls.
    const std::string driver_pid = std::to_string(::getpid());
    const std::string scratch_limit = std::to_string(options.scratch_limit_bytes);
    const std::string max_threads =
        std::to_string(options.max_threads ? options.max_threads : default_max_threads());
    const std::string max_kernels = std::to_string(options.max_jit_kernels);
    std::vector<const char*> argv = {exe.c_str(),
                                     "--in",
                                     "3",
                                     "--out",
                                     "4",
                                     "--scratch",
                                     scratch_dir.c_str(),
                                     "--driver",
                                     driver_pid.c_str(),
                                     "--scratch-limit",
                                     scratch_limit.c_str(),
                                     "--max-threads",
                                     max_threads.c_str(),
                                     "--max-kernels",
                                     max_kernels.c_str()};
    if (authenticate) {
      argv.push_back("--key-fd");
      argv.push_back("5");
    }
    if (!options.sandbox) argv.push_back("--no-sandbox");
    if (!options.landlock) argv.push_back("--no-landlock");
    argv.push_back(nullptr);
    const std::size_t memory_limit_bytes = memory_limit();
    const std::size_t cpu_ceiling = options.cpu_seconds_limit;

    pid = ::fork();
    if (pid < 0) throw std::runtime_error("cannot fork a worker");
    if (pid == 0) {
      // Child: only async-signal-safe calls until exec.
      const int in = ::fcntl(request_pipe[0], F_DUPFD, 10);
      const int out = ::fcntl(reply_pipe[1], F_DUPFD, 10);
      const int key_in = authenticate ? ::fcntl(key_pipe[0], F_DUPFD, 10) : -1;
      ::dup2(in, 3);
      ::dup2(out, 4);
      if (key_in >= 0) ::dup2(key_in, 5);
      ::dup2(null_fd, 0);
      ::dup2(null_fd, 1);
      if (stderr_fd >= 0) ::dup2(stderr_fd, 2);
      // Whatever else the driver has open without O_CLOEXEC stays behind.
      close_descriptors_from(key_in >= 0 ? 6 : 5);
      rlimit no_core{0, 0};
      ::setrlimit(RLIMIT_CORE, &no_core);
      if (memory_limit_bytes) {
        rlimit data{memory_limit_bytes, memory_limit_bytes};
        ::setrlimit(RLIMIT_DATA, &data);
      }
      if (options.address_space_limit_bytes) {
        rlimit as{options.address_space_limit_bytes, options.address_space_limit_bytes};
        ::setrlimit(RLIMIT_AS, &as);
      }
      if (cpu_ceiling) {
        rlimit cpu{cpu_ceiling, cpu_ceiling + 5};
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
    if (key_pipe[0] >= 0) ::close(key_pipe[0]);
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

  // Ends a healthy worker: closing its requests makes it exit; killed if it lingers.
  void retire() {
    if (pid <= 0) return;
    channel.close();
    reap();
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
std::size_t WorkerProcess::memory_limit_bytes() const { return impl_->memory_limit(); }
std::string WorkerProcess::scratch_dir() const { return impl_->scratch_dir; }

WorkerProcess::Reply WorkerProcess::request(const nlohmann::json& request,
                                            std::chrono::milliseconds timeout) {
  Reply reply;
  const bool compile = request.value("op", "") == "compile";
  if (impl_->pid > 0 && compile) {
    // Recycled between evaluations (at a compile, never between a compile and its
    // run): after its quota of compiles, or past half its CPU ceiling.
    const std::size_t quota = impl_->options.recycle_after_compiles;
    const double ceiling = static_cast<double>(impl_->options.cpu_seconds_limit);
    if ((quota && compiles_ >= quota) ||
        (ceiling > 0 && process_cpu_seconds(impl_->pid) > ceiling / 2)) {
      impl_->retire();
    }
  }
  if (impl_->pid <= 0) {
    if (impl_->stderr_fd >= 0) {
      ::close(impl_->stderr_fd);
      impl_->stderr_fd = -1;
    }
    impl_->spawn();
    ++generation_;
    compiles_ = 0;
  }
  if (compile) ++compiles_;
  nlohmann::json sent = request;
  // Requests built by hand (a ping, a test's) speak this build's protocol; a request
  // that names a version keeps it, so a mismatch can be provoked.
  if (!sent.contains("v")) sent["v"] = kWorkerProtocolVersion;
  double budget = impl_->options.cpu_seconds_per_request;
  if (budget <= 0) {
    const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    budget = std::chrono::duration<double>(timeout).count() * cpus + 1.0;
  }
  sent["cpu_seconds"] = budget;
  std::string line;
  const long oom_kills_before = oom_kill_count();
  LineChannel::ReadStatus status = LineChannel::ReadStatus::closed;
  if (impl_->channel.write_line(sent.dump())) {
    status = impl_->channel.read_line(line, timeout);
  }
  if (status == LineChannel::ReadStatus::line) {
    std::string_view body = line;
    if (impl_->options.authenticate_replies) {
      const auto genuine = verify_reply(impl_->key, impl_->replies, line);
      if (!genuine) {
        impl_->kill_and_reap();
        reply.kind = Reply::Kind::forged;
        reply.memory_limit_bytes = impl_->memory_limit();
        return reply;
      }
      ++impl_->replies;
      body = *genuine;
    }
    reply.body = nlohmann::json::parse(body);
    return reply;
  }
  auto fill_usage = [&] {
    const rusage& u = impl_->usage;
    reply.peak_rss_bytes = static_cast<std::size_t>(u.ru_maxrss) * 1024;  // KiB on Linux
    reply.cpu_seconds = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                        1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    reply.memory_limit_bytes = impl_->memory_limit();
    reply.stderr_tail = impl_->stderr_tail();
    const long oom_kills_after = oom_kill_count();
    if (oom_kills_before >= 0 && oom_kills_after >= 0) {
      reply.oom_kills = oom_kills_after - oom_kills_before;
    }
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
