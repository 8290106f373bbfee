// The CPU's data caches as the OS reports them (Linux sysfs:
// /sys/devices/system/cpu/cpu0/cache/index*/): size, line size and how many logical
// CPUs share each level. Read by the driver, because the sandboxed worker may not open
// /sys; the driver hands it to the roofline probe and records it in the machine
// profile, so a profile can be checked against the levels this machine really has.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evojit {

struct CacheLevel {
  std::string name;  // the profile's level name: "L1", "L2", "L3" (data or unified)
  int level = 0;
  std::string type;  // "Data" or "Unified"
  double size_bytes = 0.0;
  int line_bytes = 0;
  int shared_by_cpus = 1;  // logical CPUs sharing one instance of this cache
};

// Data and unified caches of cpu0, smallest level first (instruction caches are not
// memory levels a kernel's data lives in). Empty when `cpu_dir` has no cache entries
// (not Linux, or /sys not readable): then the OS lists no levels to check against.
std::vector<CacheLevel> read_cache_topology(
    const std::filesystem::path& cpu_dir = "/sys/devices/system/cpu/cpu0/cache");

// "32K", "1024K", "32M", "65536" -> bytes; 0 when not a size.
double parse_cache_size(const std::string& text);
// "0-1,4,6-7" -> 5; 0 when not a CPU list.
int count_cpu_list(const std::string& text);

nlohmann::json to_json(const std::vector<CacheLevel>& caches);
// Throws InputError naming `where` when the JSON is not a list of caches.
std::vector<CacheLevel> cache_topology_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace evojit
