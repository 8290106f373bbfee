#include "cli/signals.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include "runs/stop_request.hpp"

namespace evojit::cli {
namespace {

std::atomic<int> g_signals_seen{0};

void write_stderr(const char* text) {
  // write(2), not stdio: async-signal-safe.
  const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

void on_stop_signal(int signal) {
  if (g_signals_seen.fetch_add(1) == 0) {
    note_stop_signal(signal);
    write_stderr(
        "\nevojit: stopping after the evaluation in flight (press Ctrl-C again to abandon it)\n");
    return;
  }
  write_stderr("\nevojit: abandoned the evaluation in flight; the run can be resumed\n");
  ::_exit(128 + stop_signal());
}

// `evojit resume` continues CPU and replay runs only (runs/resume.hpp).
bool is_gpu_run(const std::filesystem::path& run_dir) {
  std::ifstream in(run_dir / "run.json");
  const nlohmann::json run = nlohmann::json::parse(in, nullptr, false);
  return run.is_object() && run.contains("device") && run.at("device") != "cpu";
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

int exit_code_for_stop(const std::filesystem::path& run_dir) {
  const int signal = stop_signal();
  if (signal == 0) return 0;
  std::error_code ec;
  if (!run_dir.empty() && std::filesystem::exists(run_dir / "summary.json", ec)) {
    // The signal came after the search (during the held-out check, say): it finished.
    std::fprintf(stderr, "evojit: %s came as the run finished; it is complete in %s\n",
                 signal == SIGINT ? "SIGINT" : "SIGTERM", run_dir.c_str());
  } else if (!run_dir.empty() && std::filesystem::exists(run_dir / "run.json", ec) &&
             !is_gpu_run(run_dir)) {
    std::fprintf(stderr, "evojit: stopped by %s; continue the run with:\n  evojit resume %s\n",
                 signal == SIGINT ? "SIGINT" : "SIGTERM", run_dir.c_str());
  } else {
    std::fprintf(stderr, "evojit: stopped by %s; the run did not finish\n",
                 signal == SIGINT ? "SIGINT" : "SIGTERM");
  }
  return 128 + signal;
}

}  // namespace evojit::cli
