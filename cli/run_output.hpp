// What `evojit run` and `evojit resume` print when a run ends, and their exit code:
// the text report (default), nothing (--quiet), or the summary as one JSON object on
// stdout (--json: summary.json, the best configuration, the run directory and the
// exit code). Exit codes: 0 the run finished with at least one valid evaluation,
// 3 it finished with none (every candidate failed); 2 (bad input) and 130/143
// (interrupted) are decided elsewhere (cli/main.cpp, the signal handling).
#pragma once

#include <filesystem>

#include "cli/progress_line.hpp"

namespace evojit::cli {

inline constexpr int kNoValidEvaluationExitCode = 3;

struct OutputFlags {
  bool quiet = false;
  bool json = false;
  ProgressMode progress_mode() const;  // off for --quiet and --json, else by the terminal
  // Seconds between progress lines off a terminal: 5, or EVOJIT_PROGRESS_SECONDS.
  double log_every_s() const;
};

// 0 when the run in `dir` has a valid evaluation, else kNoValidEvaluationExitCode.
int run_exit_code(const std::filesystem::path& dir);

// Prints the end of a run as `flags` ask and returns run_exit_code(dir).
int print_run_end(const std::filesystem::path& dir, const OutputFlags& flags);

}  // namespace evojit::cli
