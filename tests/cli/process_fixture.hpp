// Real `evojit` processes started in the background, for the tests that need two
// at once (the run-directory lock), signals (SIGINT to the process group, as a
// terminal sends it) or a file size limit (a disk that fills up).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/cli_fixture.hpp"

namespace evojit::testing {

struct SpawnOptions {
  std::filesystem::path output;  // stdout and stderr go here
  bool own_process_group = false;
  std::size_t file_size_limit = 0;  // RLIMIT_FSIZE in bytes (SIGXFSZ ignored); 0: none
};

inline pid_t spawn_cli(const std::vector<std::string>& args, const SpawnOptions& options) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(options.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    if (options.own_process_group) ::setpgid(0, 0);
    if (options.file_size_limit) {
      ::signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG, as on a full disk
      rlimit limit{options.file_size_limit, options.file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(EVOJIT_CLI));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(EVOJIT_CLI, argv.data());
    ::_exit(127);
  }
  return pid;
}

// The exit code, or -signal when it died of one.
inline int wait_cli(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline std::size_t journal_lines(const std::filesystem::path& run) {
  const std::string text = read_text(run / "journal.jsonl");
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Waits (without a wall-time assertion: the machine may be slow) until `ready`
// holds or `pid` has exited; false in the second case.
template <class Ready>
bool wait_until(pid_t pid, Ready ready) {
  while (!ready()) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// Files whose name contains ".tmp." under `dir` (what an interrupted atomic write
// would leave).
inline std::vector<std::string> temp_files(const std::filesystem::path& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.path().filename().string().find(".tmp.") != std::string::npos) {
      found.push_back(e.path().string());
    }
  }
  return found;
}

}  // namespace evojit::testing
