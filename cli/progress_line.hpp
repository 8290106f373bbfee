// The progress display of `evojit run` and `evojit resume`: evaluations, best
// fitness, elapsed time and ETA on stderr. On a terminal one line is redrawn in place
// (at most 10 times a second); elsewhere (CI logs, nohup, a pipe) a plain line is
// printed every few seconds, so a long run shows it is alive without flooding a log;
// --quiet turns it off.
#pragma once

#include <chrono>
#include <cstdio>

#include "runs/run.hpp"

namespace evojit::cli {

enum class ProgressMode { off, terminal, log };

class ProgressLine {
 public:
  // `stderr_is_terminal`: redraw in place, else log lines.
  explicit ProgressLine(bool stderr_is_terminal)
      : ProgressLine(stderr_is_terminal ? ProgressMode::terminal : ProgressMode::log) {}
  explicit ProgressLine(ProgressMode mode, double log_every_s = 5.0, std::FILE* out = stderr)
      : mode_(mode), log_every_s_(log_every_s), out_(out) {}
  void update(const RunProgress& p);
  void finish();

 private:
  ProgressMode mode_;
  double log_every_s_;
  std::FILE* out_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  RunProgress last_{};
};

}  // namespace evojit::cli
