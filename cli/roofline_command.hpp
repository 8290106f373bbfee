// `evojit roofline` (measure, show, --check, spec-sheet figures) and the machine
// profile lines `evojit run` prints: which profile scores the run, its age, and the
// warnings recorded when it was measured.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "evaluators/machine_profile.hpp"

namespace evojit::cli {

// Spec-sheet figures as given on the command line: GB/s and GFLOP/s (10^9).
struct NominalFlags {
  double peak_bandwidth_gb_s = 0.0;
  double peak_gflop_s = 0.0;
  CLI::Option* bandwidth_option = nullptr;
  CLI::Option* flops_option = nullptr;
};
// Adds --peak-bandwidth and --peak-flops to `cmd`.
void add_nominal_flags(CLI::App& cmd, NominalFlags& flags);
// Validates (positive, finite; InputError naming the flag) and applies them.
// The figures given (bytes/s, FLOP/s); InputError for one that is not positive.
struct NominalFigures {
  std::optional<double> bandwidth;
  std::optional<double> flops;
};
NominalFigures nominal_figures(const NominalFlags& flags);
void apply_nominal_flags(const NominalFlags& flags, MachineProfile& profile);

// "profile  PATH (measured AT, AGE; SOURCE; load L)" and one line per warning.
void print_profile_in_use(const MachineProfile& p, const std::string& path);

// Sets `exit_code` to 1 when `--check` finds the saved profile no longer holds.
void add_roofline(CLI::App& app, int& exit_code);

}  // namespace evojit::cli
