#include "cli/roofline_command.hpp"

#include <cmath>
#include <cstdio>
#include <memory>

#include "cli/cuda_commands.hpp"
#include "evaluators/profile_checks.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "support/error.hpp"

namespace evojit::cli {
namespace {

// The quick re-measurement of --check: one sweep, short timing caps.
constexpr int kCheckRepetitions = 1;
constexpr double kCheckMaxSeconds = 0.2;

void print_warnings(const MachineProfile& p) {
  for (const std::string& w : p.measurement.warnings) std::printf("WARNING   %s\n", w.c_str());
}

void print_profile(const MachineProfile& p) {
  std::printf("machine   %s (id %s)\n", p.cpu_model.c_str(), p.machine_id.c_str());
  std::printf("target    %s\n", p.target.c_str());
  std::printf("caches   ");
  if (p.caches.empty()) std::printf(" none reported by the OS");
  for (const CacheLevel& c : p.caches) {
    std::printf(" %s %.0f KiB (line %d B, shared by %d cpu%s);", c.name.c_str(),
                c.size_bytes / 1024.0, c.line_bytes, c.shared_by_cpus,
                c.shared_by_cpus == 1 ? "" : "s");
  }
  std::printf("\n");
  const MeasurementRecord& m = p.measurement;
  std::printf(
      "measured  %s (%s), evojit %s, best of %d sweeps, %.1f s; load average %s before, %s "
      "after\n",
      p.measured_at.c_str(), age_text(p.measured_at).c_str(), m.evojit_version.c_str(),
      m.repetitions, m.duration_s, describe(m.load_before).c_str(), describe(m.load_after).c_str());
  std::printf("threads   bandwidth (GB/s)   FP32 FMA (GFLOP/s)\n");
  for (std::size_t i = 0; i < p.threads.size(); ++i) {
    std::printf("%7d   %16.2f   %18.2f\n", p.threads[i], p.bandwidth_bytes_per_s[i] / 1e9,
                p.flops_per_s[i] / 1e9);
  }
  for (const MemoryLevel& level : p.levels) {
    std::printf("%-5s working set %8.0f KiB: bandwidth %8.2f GB/s  (per thread count:",
                level.name.c_str(), level.working_set_bytes / 1024.0, level.peak() / 1e9);
    for (double b : level.bandwidth_bytes_per_s) std::printf(" %.2f", b / 1e9);
    std::printf(")\n");
  }
  if (p.nominal_bandwidth) {
    std::printf("nominal   DRAM bandwidth %.2f GB/s (spec sheet)\n", *p.nominal_bandwidth / 1e9);
  }
  if (p.nominal_flops) {
    std::printf("nominal   FP32 FMA %.2f GFLOP/s (spec sheet)\n", *p.nominal_flops / 1e9);
  }
  std::printf("peak      %16.2f   %18.2f   (DRAM ridge point %.2f FLOP/byte; source %s)\n",
              p.peak_bandwidth() / 1e9, p.peak_flops() / 1e9, p.peak_flops() / p.peak_bandwidth(),
              p.source.c_str());
  print_warnings(p);
}

MachineProfile measure(const ProfileMeasureOptions& options) {
  const LoadAverage load = read_load_average();
  std::fflush(stdout);  // what was printed so far comes first, also when piped
  std::fprintf(stderr,
               "measuring memory bandwidth and FMA peak for 1..all cores (best of %d sweeps; "
               "load average now %s)...\n",
               options.repetitions, describe(load).c_str());
  WorkerPool pool(1);
  return measure_machine_profile(pool, options);
}

// Exit code 0: the saved profile still holds; 1: it does not (measure again).
int check_profile(const std::filesystem::path& where) {
  const std::optional<MachineProfile> saved = load_machine_profile(where);
  if (!saved) {
    throw_input_error("no saved machine profile to check", where.string(),
                      "run `evojit roofline` first to measure one");
  }
  std::printf("profile   %s (measured %s, %s; source %s)\n", where.c_str(),
              saved->measured_at.c_str(), age_text(saved->measured_at).c_str(),
              saved->source.c_str());
  bool holds = true;
  for (const std::string& m : missing_levels(*saved, read_cache_topology())) {
    std::printf("INCOMPLETE %s\n", m.c_str());
    holds = false;
  }
  ProfileMeasureOptions options;
  options.repetitions = kCheckRepetitions;
  options.max_seconds = kCheckMaxSeconds;
  const MachineProfile fresh = measure(options);
  const ProfileComparison comparison = compare_profiles(*saved, fresh);
  for (const std::string& line : comparison.lines) std::printf("%s\n", line.c_str());
  holds = holds && comparison.holds;
  print_warnings(fresh);
  std::printf("load      %s now (%d cores)\n", describe(fresh.measurement.load_before).c_str(),
              fresh.cores);
  if (holds) {
    std::printf("holds     every ceiling is within %.0f%% of a quick re-measurement\n",
                100.0 * kProfileCheckTolerance);
    return 0;
  }
  std::printf("DOES NOT HOLD: measure again with `evojit roofline --force%s`%s\n",
              where == default_profile_path() ? "" : (" --profile " + where.string()).c_str(),
              fresh.measurement.busy ? " once the machine is quiet" : "");
  return 1;
}

}  // namespace

void add_nominal_flags(CLI::App& cmd, NominalFlags& flags) {
  flags.bandwidth_option = cmd.add_option(
      "--peak-bandwidth", flags.peak_bandwidth_gb_s,
      "Spec-sheet DRAM bandwidth in GB/s (10^9 bytes/s), replacing the measured one");
  flags.flops_option =
      cmd.add_option("--peak-flops", flags.peak_gflop_s,
                     "Spec-sheet FP32 peak in GFLOP/s (10^9 FLOP/s), replacing the measured one");
}

NominalFigures nominal_figures(const NominalFlags& flags) {
  auto figure = [](CLI::Option* option, double value, const char* flag,
                   const char* example) -> std::optional<double> {
    if (!option || option->count() == 0) return std::nullopt;
    if (!std::isfinite(value) || !(value > 0.0)) {
      throw_input_error("expected a positive number, got " + option->as<std::string>(), flag,
                        std::string("e.g. ") + flag + " " + example);
    }
    return value * 1e9;
  };
  return {
      figure(flags.bandwidth_option, flags.peak_bandwidth_gb_s, "--peak-bandwidth", "204.8 (GB/s)"),
      figure(flags.flops_option, flags.peak_gflop_s, "--peak-flops", "3072 (GFLOP/s)")};
}

void apply_nominal_flags(const NominalFlags& flags, MachineProfile& profile) {
  const NominalFigures figures = nominal_figures(flags);
  apply_nominal_figures(profile, figures.bandwidth, figures.flops);
}

void print_profile_in_use(const MachineProfile& p, const std::string& path) {
  std::printf("profile   %s (measured %s, %s; source %s; load average %s then)\n", path.c_str(),
              p.measured_at.empty() ? "-" : p.measured_at.c_str(), age_text(p.measured_at).c_str(),
              p.source.c_str(), describe(p.measurement.load_before).c_str());
  std::printf("ceilings  DRAM %.2f GB/s", p.peak_bandwidth() / 1e9);
  for (const MemoryLevel& level : p.levels) {
    if (level.name != "DRAM") std::printf(", %s %.2f GB/s", level.name.c_str(), level.peak() / 1e9);
  }
  std::printf(", FP32 %.2f GFLOP/s\n", p.peak_flops() / 1e9);
  if (!p.machine_id.empty() && p.source != "spec-sheet" && p.machine_id != this_machine_id()) {
    std::printf("WARNING   the profile was measured on another machine (id %s)\n",
                p.machine_id.c_str());
  }
  print_warnings(p);
}

void add_roofline(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("roofline", "Measure this machine's bandwidth and FMA peak");
  auto path = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto check = std::make_shared<bool>(false);
  auto repetitions = std::make_shared<int>(ProfileMeasureOptions{}.repetitions);
  auto nominal = std::make_shared<NominalFlags>();
  cmd->add_option("--profile", *path, "Profile file (default: the user's cache directory)");
  cmd->add_flag("--force", *force, "Measure again even if a profile exists");
  cmd->add_flag("--check", *check,
                "Compare the saved profile with a quick re-measurement (exit 1: it no longer "
                "holds)");
  cmd->add_option("--repetitions", *repetitions, "Sweeps of the probe; each figure keeps its best")
      ->capture_default_str();
  add_nominal_flags(*cmd, *nominal);
  auto device = std::make_shared<std::string>("cpu");
  cmd->add_option("--device", *device, "cpu, or cuda:N for a GPU")->capture_default_str();
  cmd->callback([path, force, check, repetitions, nominal, device, &exit_code] {
    if (*device != "cpu") return gpu_roofline_command(*device, *path, *force);
    if (*repetitions < 1 || *repetitions > 100) {
      throw_input_error("expected 1..100 sweeps, got " + std::to_string(*repetitions),
                        "--repetitions", "e.g. --repetitions 3");
    }
    const std::filesystem::path where =
        path->empty() ? default_profile_path() : std::filesystem::path(*path);
    if (*check) {
      exit_code = check_profile(where);
      return;
    }
    std::optional<MachineProfile> profile;
    if (!*force) profile = load_machine_profile(where);
    if (profile) {
      const std::vector<std::string> missing = missing_levels(*profile, read_cache_topology());
      if (!missing.empty() && profile->source == "spec-sheet") {
        std::string reasons;
        for (const std::string& m : missing) reasons += "\n  " + m;
        throw_input_error("hand-written machine profile is incomplete:" + reasons, where.string(),
                          "add the missing levels, or `--force` to measure (overwrites it)");
      }
      for (const std::string& m : missing) {
        std::fprintf(stderr, "profile %s is incomplete (%s): measuring again\n", where.c_str(),
                     m.c_str());
      }
      if (!missing.empty()) profile.reset();
    }
    const bool had_profile = profile.has_value();
    if (!profile) {
      ProfileMeasureOptions options;
      options.repetitions = *repetitions;
      profile = measure(options);
    }
    const bool nominal_given =
        nominal->bandwidth_option->count() > 0 || nominal->flops_option->count() > 0;
    apply_nominal_flags(*nominal, *profile);
    if (!had_profile || nominal_given) {
      save_machine_profile(*profile, where);
      std::printf("profile   %s (saved)\n", where.c_str());
    } else {
      std::printf("profile   %s (measured %s, %s; --force to measure again, --check to test it)\n",
                  where.c_str(), profile->measured_at.c_str(),
                  age_text(profile->measured_at).c_str());
    }
    print_profile(*profile);
  });
}

}  // namespace evojit::cli
