// SIGINT and SIGTERM for the evojit command. The first one asks the run to stop
// cleanly (runs/stop_request.hpp: the evaluations in flight finish, the checkpoint is
// written, the workers and their scratch directories go away), after which the
// command prints how to resume and exits 128 + the signal (130, 143). A second one
// abandons the evaluations in flight and exits at once with the same code; the run
// is then resumable as after kill -9.
#pragma once

#include <filesystem>

namespace evojit::cli {

void install_stop_handlers();

// 128 + the stop signal received, or 0 when none came. When one came and `run_dir`
// holds a run, prints on stderr the command that continues it.
int exit_code_for_stop(const std::filesystem::path& run_dir);

}  // namespace evojit::cli
