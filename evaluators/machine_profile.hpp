// The machine's measured roofline: memory bandwidth per level of the hierarchy and
// FP32 FMA peak for 1..all cores, with the cache topology it was measured against and
// a record of when, how and under what load it was measured. Saved as JSON in the
// user's cache directory under a machine id, so every run on this machine scores
// against the same ceilings. Spec-sheet (nominal) figures can override the measured
// DRAM bandwidth and FMA peak, or a hand-written profile can give them all.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/cache_topology.hpp"

namespace evojit {

class WorkerPool;

// Sustained bandwidth of one level of the memory hierarchy (cache-aware roofline):
// a kernel whose data fits in L2 is bounded by L2 bandwidth, not DRAM's.
struct MemoryLevel {
  std::string name;                           // "L1", "L2", "L3", "DRAM"
  double working_set_bytes = 0.0;             // the probe's, with one thread
  std::vector<double> bandwidth_bytes_per_s;  // per thread count
  // The largest footprint the level serves (all instances of the cache); 0: unknown,
  // then working_set_bytes stands in.
  double capacity_bytes = 0.0;
  std::vector<double> working_sets_bytes;  // the probe's, per thread count
  double peak() const;
};

// /proc/loadavg: runnable processes averaged over 1, 5 and 15 minutes.
struct LoadAverage {
  double one = 0.0, five = 0.0, fifteen = 0.0;
};

// How the ceilings were measured, so a reader can judge them.
struct MeasurementRecord {
  std::string evojit_version;
  int repetitions = 0;       // sweeps; each figure is the best of them
  double max_seconds = 0.0;  // timing cap of one figure in one sweep
  double duration_s = 0.0;
  LoadAverage load_before;
  LoadAverage load_after;
  bool busy = false;                  // the machine was loaded when the probe began
  std::vector<std::string> warnings;  // busy machine, inconsistent figures
};

struct MachineProfile {
  std::string machine_id;
  std::string cpu_model;
  std::string target;  // the JIT's CPU name and features
  int cores = 0;
  std::vector<int> threads;
  std::vector<double> bandwidth_bytes_per_s;  // DRAM, per thread count
  std::vector<double> flops_per_s;            // per thread count
  std::vector<MemoryLevel> levels;            // smallest working set first; DRAM last
  std::vector<CacheLevel> caches;             // the topology the levels were measured for
  std::string measured_at;                    // ISO 8601 UTC
  std::string source = "measured";            // "measured", "spec-sheet", "measured+spec-sheet"
  MeasurementRecord measurement;
  // Spec-sheet figures: when set, they are the DRAM and FLOP ceilings.
  std::optional<double> nominal_bandwidth;  // bytes/s
  std::optional<double> nominal_flops;      // FLOP/s

  // The ceilings fitness uses: the nominal figure when given, else the best over
  // thread counts.
  double peak_bandwidth() const;  // DRAM
  double peak_flops() const;
  // The bandwidth ceiling for a kernel touching `footprint_bytes`: the fastest level
  // whose capacity is at least that large (DRAM when none is).
  double bandwidth_for(double footprint_bytes) const;
};

nlohmann::json to_json(const MachineProfile& p);
// Validates field by field: throws InputError naming the file and JSON pointer, and
// how to fix it. Accepts a hand-written profile holding only nominal figures
// ("peak_bandwidth_bytes_per_s", "peak_flops_per_s", optionally "levels").
MachineProfile machine_profile_from_json(const nlohmann::json& j, const std::string& where);

// Applies spec-sheet figures (either may be absent) over a profile.
void apply_nominal_figures(MachineProfile& p, std::optional<double> bandwidth_bytes_per_s,
                           std::optional<double> flops_per_s);

// A stable id for this machine: CPU model, core count and /etc/machine-id, hashed.
std::string this_machine_id();
std::string this_cpu_model();
// $EVOJIT_CACHE_DIR, else $XDG_CACHE_HOME/evojit, else ~/.cache/evojit.
std::filesystem::path cache_directory();
std::filesystem::path default_profile_path();

struct ProfileMeasureOptions {
  int repetitions = 3;
  double max_seconds = 0.5;
  // The topology to probe; read from sysfs by the driver when not given.
  std::optional<std::vector<CacheLevel>> caches;
};

// Measures in a worker (the probe kernels are JIT-compiled like candidates), and
// records the load and the consistency of the figures (evaluators/profile_checks.hpp).
MachineProfile measure_machine_profile(WorkerPool& pool, const ProfileMeasureOptions& options = {});
std::optional<MachineProfile> load_machine_profile(const std::filesystem::path& path);
// Written atomically (temporary file + rename).
void save_machine_profile(const MachineProfile& p, const std::filesystem::path& path);

}  // namespace evojit
