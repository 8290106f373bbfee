#include "cli/progress_line.hpp"

#include <algorithm>
#include <string>

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

// Seconds left, from the evaluation rate so far and the time budget; < 0: unknown.
double eta_s(const RunProgress& p) {
  double eta = -1.0;
  if (p.budget && p.evaluations) {
    eta = p.elapsed_s / p.evaluations * (p.budget - std::min(p.budget, p.evaluations));
  }
  if (p.budget_seconds > 0.0) {
    const double left = std::max(0.0, p.budget_seconds - p.elapsed_s);
    eta = eta < 0.0 ? left : std::min(eta, left);
  }
  return eta;
}

}  // namespace

void ProgressLine::update(const RunProgress& p) {
  last_ = p;
  if (mode_ == ProgressMode::off) return;
  const auto now = std::chrono::steady_clock::now();
  const auto every = mode_ == ProgressMode::terminal ? std::chrono::duration<double>(0.1)
                                                     : std::chrono::duration<double>(log_every_s_);
  // The log's first line waits a full period too: a short run prints none.
  const auto since =
      (drawn_ || mode_ == ProgressMode::log) ? now - (drawn_ ? last_draw_ : started_) : every;
  if (since < every) return;
  last_draw_ = now;
  const double eta = eta_s(p);
  const std::string budget = p.budget ? "/" + std::to_string(p.budget) : "";
  if (mode_ == ProgressMode::terminal) {
    std::fprintf(out_, "\r\033[K[%zu%s evaluations] best fitness %.4f  elapsed %s  ETA %s",
                 p.evaluations, budget.c_str(), p.best_fitness, duration_text(p.elapsed_s).c_str(),
                 eta < 0.0 ? "?" : duration_text(eta).c_str());
  } else {
    std::fprintf(out_, "evojit: %zu%s evaluations, best fitness %.4f, elapsed %s, ETA %s\n",
                 p.evaluations, budget.c_str(), p.best_fitness, duration_text(p.elapsed_s).c_str(),
                 eta < 0.0 ? "?" : duration_text(eta).c_str());
  }
  std::fflush(out_);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (mode_ == ProgressMode::terminal && drawn_) std::fprintf(out_, "\n");
}

}  // namespace evojit::cli
