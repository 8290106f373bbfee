// The machine's measured roofline: memory bandwidth and FP32 FMA peak for 1..all
// cores, saved as JSON in the user's cache directory under a machine id, so every
// run on this machine scores against the same ceilings. A spec-sheet value can
// override a measured one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evojit {

class WorkerPool;

// Sustained bandwidth of one level of the memory hierarchy (cache-aware roofline):
// a kernel whose data fits in L2 is bounded by L2 bandwidth, not DRAM's.
struct MemoryLevel {
  std::string name;  // "L1", "L2", "L3", "DRAM"
  double working_set_bytes = 0.0;
  std::vector<double> bandwidth_bytes_per_s;  // per thread count
  double peak() const;
};

struct MachineProfile {
  std::string machine_id;
  std::string cpu_model;
  std::string target;  // the JIT's CPU name and features
  int cores = 0;
  std::vector<int> threads;
  std::vector<double> bandwidth_bytes_per_s;
  std::vector<double> flops_per_s;
  std::vector<MemoryLevel> levels;  // smallest working set first; DRAM last
  std::string measured_at;          // ISO 8601 UTC
  std::string source = "measured";  // "measured" or "override"

  // The ceilings fitness uses: the best over thread counts.
  double peak_bandwidth() const;  // DRAM
  double peak_flops() const;
  // The bandwidth ceiling for a kernel touching `footprint_bytes`: the fastest level
  // whose measured working set is at least that large (DRAM when none is).
  double bandwidth_for(double footprint_bytes) const;
};

nlohmann::json to_json(const MachineProfile& p);
// Throws InputError naming the file and field when the JSON is not a profile.
MachineProfile machine_profile_from_json(const nlohmann::json& j, const std::string& where);

// A stable id for this machine: CPU model, core count and /etc/machine-id, hashed.
std::string this_machine_id();
std::string this_cpu_model();
// $EVOJIT_CACHE_DIR, else $XDG_CACHE_HOME/evojit, else ~/.cache/evojit.
std::filesystem::path cache_directory();
std::filesystem::path default_profile_path();

// Measures in a worker (the probe kernels are JIT-compiled like candidates).
MachineProfile measure_machine_profile(WorkerPool& pool);
std::optional<MachineProfile> load_machine_profile(const std::filesystem::path& path);
// Written atomically (temporary file + rename).
void save_machine_profile(const MachineProfile& p, const std::filesystem::path& path);

}  // namespace evojit
