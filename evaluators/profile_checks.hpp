// Whether a machine profile can be trusted: the checks behind `evojit roofline`,
// `evojit roofline --check` and the profile `evojit run` accepts.
//
// - complete: every cache level the OS reports was measured (a profile measured
//   without the topology scores in-cache sizes against DRAM bandwidth);
// - consistent: more threads are not slower than fewer beyond noise, and
//   L1 >= L2 >= L3 >= DRAM;
// - quiet: the machine was not busy when it was measured (load average);
// - still true: a quick re-measurement agrees with the saved ceilings.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "evaluators/cache_topology.hpp"
#include "evaluators/machine_profile.hpp"

namespace evojit {

// Relative slack the consistency and --check comparisons allow for timing noise.
inline constexpr double kProfileNoise = 0.10;
inline constexpr double kProfileCheckTolerance = 0.20;

// Each problem in words; empty when consistent. Pure: fed figures, measures nothing.
std::vector<std::string> consistency_problems(const MachineProfile& p,
                                              double noise = kProfileNoise);

// Why the profile lacks levels the OS lists in `os_caches` (or was measured for other
// sizes); empty when complete.
std::vector<std::string> missing_levels(const MachineProfile& p,
                                        const std::vector<CacheLevel>& os_caches);

// Zeros when the file cannot be read.
LoadAverage read_load_average(const std::filesystem::path& file = "/proc/loadavg");
// Busy: the 1-minute load average is above half the cores (another process held at
// least that much of the machine while the probe meant to have all of it).
bool machine_is_busy(const LoadAverage& load, int cores);
std::string describe(const LoadAverage& load);

struct ProfileComparison {
  bool holds = true;
  std::vector<std::string> lines;  // one per ceiling: saved, now, change, verdict
};
// Every ceiling of `saved` (DRAM, each cache level by name, FMA) against `fresh`.
ProfileComparison compare_profiles(const MachineProfile& saved, const MachineProfile& fresh,
                                   double tolerance = kProfileCheckTolerance);

// "3 h ago" from an ISO 8601 UTC time; "at an unknown time" when unparsable.
std::string age_text(const std::string& measured_at);

}  // namespace evojit
