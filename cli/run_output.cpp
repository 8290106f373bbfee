#include "cli/run_output.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "runs/run_report.hpp"

namespace evojit::cli {
namespace {

nlohmann::json read_json_or_null(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  return nlohmann::json::parse(in, nullptr, false);
}

}  // namespace

ProgressMode OutputFlags::progress_mode() const {
  if (quiet || json) return ProgressMode::off;
  return isatty(STDERR_FILENO) ? ProgressMode::terminal : ProgressMode::log;
}

double OutputFlags::log_every_s() const {
  if (const char* text = std::getenv("EVOJIT_PROGRESS_SECONDS")) {
    char* end = nullptr;
    const double s = std::strtod(text, &end);
    if (end != text && s > 0.0 && s < 1e6) return s;
  }
  return 5.0;
}

int run_exit_code(const std::filesystem::path& dir) {
  const nlohmann::json summary = read_json_or_null(dir / "summary.json");
  if (!summary.is_object()) return 0;  // unfinished: an interruption decides the code
  if (auto statuses = summary.find("statuses");
      statuses != summary.end() && statuses->is_object()) {
    return statuses->value("ok", 0) > 0 ? 0 : kNoValidEvaluationExitCode;
  }
  return summary.value("best_fitness", 0.0) > 0.0 ? 0 : kNoValidEvaluationExitCode;
}

int print_run_end(const std::filesystem::path& dir, const OutputFlags& flags) {
  const int code = run_exit_code(dir);
  if (flags.json) {
    nlohmann::json out = read_json_or_null(dir / "summary.json");
    if (!out.is_object()) out = nlohmann::json::object();
    out["run_dir"] = dir.string();
    out["best"] = read_json_or_null(dir / "best" / "best.json");
    out["exit_code"] = code;
    std::cout << out.dump(2) << "\n";
  } else if (!flags.quiet) {
    std::cout << format_run_report(dir);
  }
  if (code == kNoValidEvaluationExitCode && !flags.json) {
    std::fprintf(stderr,
                 "evojit: no valid evaluation: every candidate failed (see %s/journal.jsonl "
                 "for the diagnostics); exit code 3\n",
                 dir.c_str());
  }
  return code;
}

}  // namespace evojit::cli
