#include "cli/progress_line.hpp"

#include <algorithm>
#include <cstdio>

namespace evojit::cli {
namespace {

std::string duration_text(double s) {
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof text, "%.0fs", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof text, "%dm%02ds", static_cast<int>(s) / 60,
                  static_cast<int>(s) % 60);
  } else {
    std::snprintf(text, sizeof text, "%dh%02dm", static_cast<int>(s) / 3600,
                  (static_cast<int>(s) / 60) % 60);
  }
  return text;
}

}  // namespace

void ProgressLine::update(const RunProgress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  double eta = -1.0;
  if (p.budget && p.evaluations) {
    eta = p.elapsed_s / p.evaluations * (p.budget - std::min(p.budget, p.evaluations));
  }
  if (p.budget_seconds > 0.0) {
    const double left = std::max(0.0, p.budget_seconds - p.elapsed_s);
    eta = eta < 0.0 ? left : std::min(eta, left);
  }
  std::fprintf(stderr, "\r\033[K[%zu%s evaluations] best fitness %.4f  elapsed %s  ETA %s",
               p.evaluations, p.budget ? ("/" + std::to_string(p.budget)).c_str() : "",
               p.best_fitness, duration_text(p.elapsed_s).c_str(),
               eta < 0.0 ? "?" : duration_text(eta).c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\n");
}

}  // namespace evojit::cli
