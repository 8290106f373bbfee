#include "evaluators/machine_profile.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "evaluators/worker_pool.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/files.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Last-level cache size in bytes, from sysfs; 32 MiB when unknown.
std::size_t last_level_cache_bytes() {
  std::size_t best = 0;
  for (int i = 0; i < 8; ++i) {
    const std::string text =
        read_first_line("/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/size");
    if (text.empty()) continue;
    std::size_t value = std::stoull(text);
    if (text.back() == 'K') value <<= 10;
    if (text.back() == 'M') value <<= 20;
    best = std::max(best, value);
  }
  return best ? best : (32u << 20);
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

nlohmann::json levels_json(const std::vector<MemoryLevel>& levels) {
  nlohmann::json out = nlohmann::json::array();
  for (const MemoryLevel& l : levels) {
    out.push_back({{"name", l.name},
                   {"working_set_bytes", l.working_set_bytes},
                   {"bandwidth_bytes_per_s", l.bandwidth_bytes_per_s}});
  }
  return out;
}

std::vector<MemoryLevel> levels_from_json(const nlohmann::json& j) {
  std::vector<MemoryLevel> levels;
  for (const nlohmann::json& l : j) {
    levels.push_back({l.at("name").get<std::string>(), l.at("working_set_bytes").get<double>(),
                      l.at("bandwidth_bytes_per_s").get<std::vector<double>>()});
  }
  return levels;
}

}  // namespace

double MachineProfile::peak_bandwidth() const {
  return bandwidth_bytes_per_s.empty()
             ? 0.0
             : *std::max_element(bandwidth_bytes_per_s.begin(), bandwidth_bytes_per_s.end());
}

double MemoryLevel::peak() const {
  return bandwidth_bytes_per_s.empty()
             ? 0.0
             : *std::max_element(bandwidth_bytes_per_s.begin(), bandwidth_bytes_per_s.end());
}

double MachineProfile::bandwidth_for(double footprint_bytes) const {
  double best = peak_bandwidth();
  for (const MemoryLevel& level : levels) {
    if (level.working_set_bytes >= footprint_bytes) best = std::max(best, level.peak());
  }
  return best;
}

double MachineProfile::peak_flops() const {
  return flops_per_s.empty() ? 0.0 : *std::max_element(flops_per_s.begin(), flops_per_s.end());
}

nlohmann::json to_json(const MachineProfile& p) {
  return {{"machine_id", p.machine_id},
          {"cpu_model", p.cpu_model},
          {"target", p.target},
          {"cores", p.cores},
          {"threads", p.threads},
          {"bandwidth_bytes_per_s", p.bandwidth_bytes_per_s},
          {"flops_per_s", p.flops_per_s},
          {"levels", levels_json(p.levels)},
          {"peak_bandwidth_bytes_per_s", p.peak_bandwidth()},
          {"peak_flops_per_s", p.peak_flops()},
          {"measured_at", p.measured_at},
          {"source", p.source}};
}

MachineProfile machine_profile_from_json(const nlohmann::json& j, const std::string& where) {
  MachineProfile p;
  try {
    p.machine_id = j.at("machine_id").get<std::string>();
    p.cpu_model = j.value("cpu_model", "");
    p.target = j.value("target", "");
    p.cores = j.value("cores", 0);
    p.threads = j.at("threads").get<std::vector<int>>();
    p.bandwidth_bytes_per_s = j.at("bandwidth_bytes_per_s").get<std::vector<double>>();
    p.flops_per_s = j.at("flops_per_s").get<std::vector<double>>();
    p.levels = levels_from_json(j.value("levels", nlohmann::json::array()));
    p.measured_at = j.value("measured_at", "");
    p.source = j.value("source", "measured");
  } catch (const nlohmann::json::exception& e) {
    throw_input_error(std::string("not a machine profile: ") + e.what(), where,
                      "delete it and run `evojit roofline` to measure again");
  }
  if (p.peak_bandwidth() <= 0.0 || p.peak_flops() <= 0.0) {
    throw_input_error("machine profile has no positive bandwidth or FLOP/s", where,
                      "run `evojit roofline` to measure again");
  }
  return p;
}

std::string this_cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown cpu";
}

std::string this_machine_id() {
  const std::string text = this_cpu_model() + "|" +
                           std::to_string(std::thread::hardware_concurrency()) + "|" +
                           read_first_line("/etc/machine-id");
  return hash_hex(hash_text(text));
}

std::filesystem::path cache_directory() {
  if (const char* dir = std::getenv("EVOJIT_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::filesystem::path(xdg) / "evojit";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".cache" / "evojit";
}

std::filesystem::path default_profile_path() {
  return cache_directory() / ("machine-" + this_machine_id() + ".json");
}

MachineProfile measure_machine_profile(WorkerPool& pool) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Three arrays, each at least 4x the last-level cache and 64 MiB.
  const std::size_t array_bytes = std::max<std::size_t>(64u << 20, 4 * last_level_cache_bytes());
  const std::int64_t elements = static_cast<std::int64_t>(array_bytes / sizeof(float));

  WorkerPool::Lease lease = pool.acquire();
  std::lock_guard device(pool.device_mutex());
  const auto reply = lease.worker().request(
      {{"op", "roofline"}, {"max_threads", cores}, {"stream_elements", elements}},
      std::chrono::minutes(10));
  if (reply.kind != WorkerProcess::Reply::Kind::ok || reply.body.contains("error")) {
    throw std::runtime_error(
        "roofline measurement failed in the worker: " +
        (reply.body.contains("error") ? reply.body["error"].dump() : reply.stderr_tail));
  }
  MachineProfile p;
  p.machine_id = this_machine_id();
  p.cpu_model = this_cpu_model();
  p.target = reply.body.value("target", "");
  p.cores = cores;
  p.threads = reply.body.at("threads").get<std::vector<int>>();
  p.bandwidth_bytes_per_s = reply.body.at("bandwidth").get<std::vector<double>>();
  p.flops_per_s = reply.body.at("flops").get<std::vector<double>>();
  p.levels = levels_from_json(reply.body.at("levels"));
  p.measured_at = utc_now();
  return p;
}

std::optional<MachineProfile> load_machine_profile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  const std::string text = read_bounded_file(path, kProfileFileCap, "machine profile");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw_input_error(std::string("machine profile is not valid JSON: ") + e.what(), path.string(),
                      "delete it and run `evojit roofline` to measure again");
  }
  return machine_profile_from_json(j, path.string());
}

void save_machine_profile(const MachineProfile& p, const std::filesystem::path& path) {
  write_file_atomically(path, to_json(p).dump(2) + "\n");
}

}  // namespace evojit
