#include "evaluators/machine_profile.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "evaluators/profile_checks.hpp"
#include "evaluators/worker/protocol.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/files.hpp"
#include "support/hash.hpp"
#include "support/time.hpp"

namespace evojit {
namespace {

using nlohmann::json;

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

double series_peak(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}

json levels_json(const std::vector<MemoryLevel>& levels) {
  json out = json::array();
  for (const MemoryLevel& l : levels) {
    json level = {{"name", l.name},
                  {"working_set_bytes", l.working_set_bytes},
                  {"bandwidth_bytes_per_s", l.bandwidth_bytes_per_s}};
    if (l.capacity_bytes > 0.0) level["capacity_bytes"] = l.capacity_bytes;
    if (!l.working_sets_bytes.empty()) level["working_sets_bytes"] = l.working_sets_bytes;
    out.push_back(level);
  }
  return out;
}

json load_json(const LoadAverage& l) { return json::array({l.one, l.five, l.fifteen}); }

LoadAverage load_from_json(const json& j) {
  if (!j.is_array() || j.size() != 3) return {};
  return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>()};
}

json measurement_json(const MeasurementRecord& m) {
  return {{"evojit_version", m.evojit_version},
          {"repetitions", m.repetitions},
          {"max_seconds", m.max_seconds},
          {"duration_s", m.duration_s},
          {"load_before", load_json(m.load_before)},
          {"load_after", load_json(m.load_after)},
          {"busy", m.busy},
          {"warnings", m.warnings}};
}

MeasurementRecord measurement_from_json(const json& j) {
  MeasurementRecord m;
  m.evojit_version = j.value("evojit_version", "");
  m.repetitions = j.value("repetitions", 0);
  m.max_seconds = j.value("max_seconds", 0.0);
  m.duration_s = j.value("duration_s", 0.0);
  m.load_before = load_from_json(j.value("load_before", json()));
  m.load_after = load_from_json(j.value("load_after", json()));
  m.busy = j.value("busy", false);
  m.warnings = j.value("warnings", std::vector<std::string>{});
  return m;
}

// A figure read from the profile: present, a number, finite and positive.
double positive(const json& j, const std::string& pointer, const std::string& where) {
  const json* v = &j;
  try {
    v = &j.at(json::json_pointer(pointer));
  } catch (const json::exception&) {
    throw_input_error("missing " + pointer, where + "#" + pointer,
                      "measure with `evojit roofline`, or for nominal figures write "
                      "{\"source\": \"spec-sheet\", \"peak_bandwidth_bytes_per_s\": 2.0e11, "
                      "\"peak_flops_per_s\": 3.0e12, \"levels\": [...]}");
  }
  if (!v->is_number() || !std::isfinite(v->get<double>()) || !(v->get<double>() > 0.0)) {
    throw_input_error("expected a positive number, got " + v->dump(), where + "#" + pointer,
                      "figures are in bytes/s and FLOP/s (e.g. 2.0e11 for 200 GB/s)");
  }
  return v->get<double>();
}

std::vector<double> positive_series(const json& j, const std::string& pointer,
                                    const std::string& where) {
  const json* v =
      j.contains(json::json_pointer(pointer)) ? &j.at(json::json_pointer(pointer)) : nullptr;
  if (!v || !v->is_array() || v->empty()) {
    throw_input_error("expected a non-empty list of figures (one per thread count)",
                      where + "#" + pointer, "e.g. [9.5e9, 10.1e9] for 1 and 2 threads");
  }
  std::vector<double> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    out.push_back(positive(j, pointer + "/" + std::to_string(i), where));
  }
  return out;
}

std::vector<MemoryLevel> levels_from_json(const json& j, const std::string& where) {
  std::vector<MemoryLevel> levels;
  if (!j.contains("levels")) return levels;
  if (!j.at("levels").is_array()) {
    throw_input_error("expected a list of memory levels", where + "#/levels",
                      "[{\"name\": \"L1\", \"working_set_bytes\": 16384, "
                      "\"bandwidth_bytes_per_s\": [2.0e11]}, ...]");
  }
  for (std::size_t i = 0; i < j.at("levels").size(); ++i) {
    const std::string at = "/levels/" + std::to_string(i);
    const json& l = j.at("levels")[i];
    if (!l.is_object() || !l.contains("name") || !l.at("name").is_string()) {
      throw_input_error("a memory level needs a \"name\" (L1, L2, L3 or DRAM)", where + "#" + at);
    }
    MemoryLevel level{l.at("name").get<std::string>(),
                      positive(j, at + "/working_set_bytes", where),
                      positive_series(j, at + "/bandwidth_bytes_per_s", where)};
    if (l.contains("capacity_bytes"))
      level.capacity_bytes = positive(j, at + "/capacity_bytes", where);
    if (l.contains("working_sets_bytes")) {
      level.working_sets_bytes = positive_series(j, at + "/working_sets_bytes", where);
    }
    if (!levels.empty() && level.working_set_bytes <= levels.back().working_set_bytes) {
      throw_input_error("levels must be listed smallest working set first",
                        where + "#" + at + "/working_set_bytes", "order them L1, L2, L3, DRAM");
    }
    for (const MemoryLevel& other : levels) {
      if (other.name == level.name) {
        throw_input_error("level " + level.name + " is listed twice", where + "#" + at);
      }
    }
    levels.push_back(std::move(level));
  }
  return levels;
}

}  // namespace

double MachineProfile::peak_bandwidth() const {
  return nominal_bandwidth ? *nominal_bandwidth : series_peak(bandwidth_bytes_per_s);
}

double MemoryLevel::peak() const { return series_peak(bandwidth_bytes_per_s); }

double MachineProfile::bandwidth_for(double footprint_bytes) const {
  double best = peak_bandwidth();
  for (const MemoryLevel& level : levels) {
    if (level.name == "DRAM") continue;  // DRAM's ceiling is peak_bandwidth (maybe nominal)
    const double serves =
        level.capacity_bytes > 0.0 ? level.capacity_bytes : level.working_set_bytes;
    if (serves >= footprint_bytes) best = std::max(best, level.peak());
  }
  return best;
}

double MachineProfile::peak_flops() const {
  return nominal_flops ? *nominal_flops : series_peak(flops_per_s);
}

json to_json(const MachineProfile& p) {
  json j = {{"machine_id", p.machine_id},
            {"cpu_model", p.cpu_model},
            {"target", p.target},
            {"cores", p.cores},
            {"threads", p.threads},
            {"bandwidth_bytes_per_s", p.bandwidth_bytes_per_s},
            {"flops_per_s", p.flops_per_s},
            {"levels", levels_json(p.levels)},
            {"caches", to_json(p.caches)},
            {"peak_bandwidth_bytes_per_s", p.peak_bandwidth()},
            {"peak_flops_per_s", p.peak_flops()},
            {"measured_at", p.measured_at},
            {"source", p.source},
            {"measurement", measurement_json(p.measurement)}};
  if (p.nominal_bandwidth || p.nominal_flops) {
    json nominal = json::object();
    if (p.nominal_bandwidth) nominal["bandwidth_bytes_per_s"] = *p.nominal_bandwidth;
    if (p.nominal_flops) nominal["flops_per_s"] = *p.nominal_flops;
    j["nominal"] = nominal;
  }
  return j;
}

MachineProfile machine_profile_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) {
    throw_input_error("a machine profile is a JSON object, got " + std::string(j.type_name()),
                      where, "delete it and run `evojit roofline` to measure again");
  }
  MachineProfile p;
  try {
    p.machine_id = j.value("machine_id", "");
    p.cpu_model = j.value("cpu_model", "");
    p.target = j.value("target", "");
    p.cores = j.value("cores", 0);
    p.measured_at = j.value("measured_at", "");
    p.source = j.value("source", "measured");
    p.measurement = measurement_from_json(j.value("measurement", json::object()));
    p.caches = cache_topology_from_json(j.value("caches", json::array()), where + "#/caches");
  } catch (const json::exception& e) {
    throw_input_error(std::string("a field of the wrong type: ") + e.what(), where,
                      "delete it and run `evojit roofline` to measure again");
  }
  p.levels = levels_from_json(j, where);
  if (j.contains("threads")) {
    // A measured profile: per-thread series, of one length.
    try {
      p.threads = j.at("threads").get<std::vector<int>>();
    } catch (const json::exception&) {
      throw_input_error("expected a list of thread counts", where + "#/threads");
    }
    p.bandwidth_bytes_per_s = positive_series(j, "/bandwidth_bytes_per_s", where);
    p.flops_per_s = positive_series(j, "/flops_per_s", where);
    if (p.bandwidth_bytes_per_s.size() != p.threads.size() ||
        p.flops_per_s.size() != p.threads.size()) {
      throw_input_error("threads, bandwidth_bytes_per_s and flops_per_s differ in length", where,
                        "one figure per thread count in each list");
    }
    if (j.contains("nominal")) {
      const json& n = j.at("nominal");
      if (n.contains("bandwidth_bytes_per_s"))
        p.nominal_bandwidth = positive(j, "/nominal/bandwidth_bytes_per_s", where);
      if (n.contains("flops_per_s")) p.nominal_flops = positive(j, "/nominal/flops_per_s", where);
    }
    // The peaks are derived; one edited by hand would be ignored, so say so instead.
    for (const auto& [key, value] : {std::pair{"peak_bandwidth_bytes_per_s", p.peak_bandwidth()},
                                     std::pair{"peak_flops_per_s", p.peak_flops()}}) {
      if (j.contains(key) && j.at(key).is_number() &&
          std::abs(j.at(key).get<double>() - value) > 1e-6 * value) {
        throw_input_error(std::string(key) + " disagrees with the per-thread figures",
                          where + "#/" + key,
                          "for nominal figures set \"nominal\": {\"bandwidth_bytes_per_s\": ..., "
                          "\"flops_per_s\": ...} or use --peak-bandwidth / --peak-flops");
      }
    }
  } else {
    // Hand-written: nominal figures only.
    p.nominal_bandwidth = positive(j, "/peak_bandwidth_bytes_per_s", where);
    p.nominal_flops = positive(j, "/peak_flops_per_s", where);
    p.threads = {1};
    p.bandwidth_bytes_per_s = {*p.nominal_bandwidth};
    p.flops_per_s = {*p.nominal_flops};
    if (!j.contains("source")) p.source = "spec-sheet";
  }
  return p;
}

void apply_nominal_figures(MachineProfile& p, std::optional<double> bandwidth_bytes_per_s,
                           std::optional<double> flops_per_s) {
  if (!bandwidth_bytes_per_s && !flops_per_s) return;
  if (bandwidth_bytes_per_s) p.nominal_bandwidth = bandwidth_bytes_per_s;
  if (flops_per_s) p.nominal_flops = flops_per_s;
  if (p.source == "measured") p.source = "measured+spec-sheet";
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

MachineProfile measure_machine_profile(WorkerPool& pool, const ProfileMeasureOptions& options) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::vector<CacheLevel> caches = options.caches ? *options.caches : read_cache_topology();
  double last_level = 32.0 * (1 << 20);  // when the OS reports no caches
  for (const CacheLevel& c : caches) last_level = std::max(last_level, c.size_bytes);
  // Three arrays, each at least 4x the last-level cache and 64 MiB.
  const std::size_t array_bytes =
      std::max<std::size_t>(64u << 20, static_cast<std::size_t>(4 * last_level));
  const std::int64_t elements = static_cast<std::int64_t>(array_bytes / sizeof(float));

  MachineProfile p;
  p.measurement.evojit_version = EVOJIT_VERSION;
  p.measurement.repetitions = options.repetitions;
  p.measurement.max_seconds = options.max_seconds;
  p.measurement.load_before = read_load_average();
  const auto start = std::chrono::steady_clock::now();

  WorkerPool::Lease lease = pool.acquire();
  std::lock_guard device(pool.device_mutex());
  RooflineRequest request;
  request.max_threads = cores;
  request.stream_elements = elements;
  request.caches = caches;
  request.repetitions = options.repetitions;
  request.max_seconds = options.max_seconds;
  const auto reply = lease.worker().request(to_json(request), std::chrono::minutes(10));
  if (reply.kind != WorkerProcess::Reply::Kind::ok) {
    const std::string tail = reply.stderr_tail.substr(0, 300);
    throw_input_error("the worker measuring the roofline " +
                          std::string(reply.kind == WorkerProcess::Reply::Kind::timeout
                                          ? "did not answer in time"
                                          : "ended without answering") +
                          (tail.empty() ? "" : "; it said: " + tail),
                      default_worker_executable(),
                      "evojit-worker must be installed beside evojit (or named by EVOJIT_WORKER)");
  }
  if (const auto error = reply_error(reply.body)) {
    throw_input_error("roofline measurement failed in the worker: " + *error,
                      default_worker_executable(),
                      "the worker binary must come from the same build as evojit");
  }
  RooflineReply measured;
  try {
    measured = roofline_reply_from_json(reply.body);
  } catch (const MalformedMessage& e) {
    throw std::runtime_error(std::string("the worker's roofline reply is malformed: ") + e.what());
  }
  p.measurement.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  p.measurement.load_after = read_load_average();
  p.machine_id = this_machine_id();
  p.cpu_model = this_cpu_model();
  p.target = measured.target;
  p.cores = cores;
  p.caches = caches;
  p.threads = measured.threads;
  p.bandwidth_bytes_per_s = measured.bandwidth_bytes_per_s;
  p.flops_per_s = measured.flops_per_s;
  p.levels = levels_from_json(json{{"levels", measured.levels}}, "the worker's roofline reply");
  p.measured_at = iso8601_now();
  p.measurement.busy = machine_is_busy(p.measurement.load_before, cores);
  if (p.measurement.busy) {
    p.measurement.warnings.push_back(
        "the machine was busy (load average " + describe(p.measurement.load_before) + " on " +
        std::to_string(cores) + " cores): the ceilings may be low; measure again when it is quiet");
  }
  for (std::string& problem : consistency_problems(p)) {
    p.measurement.warnings.push_back("inconsistent: " + problem);
  }
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
