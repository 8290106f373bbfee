// The one-line progress display of `evojit run`: evaluations, best fitness and ETA,
// redrawn in place on a terminal and silent otherwise (logs and pipes stay clean).
#pragma once

#include <chrono>

#include "runs/tuning_run.hpp"

namespace evojit::cli {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  void update(const RunProgress& p);
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace evojit::cli
