#include "backends/cuda/gpu_profile.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>

#include "backends/cuda/cuda_backend.hpp"
#include "evaluators/worker/protocol.hpp"
#include "evaluators/worker/worker_pool.hpp"
#include "support/atomic_file.hpp"
#include "support/error.hpp"
#include "support/files.hpp"
#include "support/time.hpp"

namespace evojit {
namespace {

using nlohmann::json;

}  // namespace

int parse_cuda_device(const std::string& text) {
  if (text.rfind("cuda:", 0) == 0 && text.size() > 5 &&
      text.find_first_not_of("0123456789", 5) == std::string::npos) {
    return std::stoi(text.substr(5));
  }
  if (text == "cuda") return 0;
  throw_input_error("unknown device '" + text + "'", "--device", "use cpu or cuda:N (cuda:0)");
}

GpuProfile measure_gpu_profile(int device, std::size_t buffer_bytes) {
  WorkerPool pool(1, cuda_worker_options(device));
  WorkerPool::Lease lease = pool.acquire();
  RooflineRequest request;
  request.buffer_bytes = buffer_bytes;
  const WorkerProcess::Reply reply =
      lease.worker().request(to_json(request), std::chrono::minutes(5));
  if (reply.kind != WorkerProcess::Reply::Kind::ok) {
    throw_input_error("the CUDA worker died measuring the roofline" +
                          (reply.stderr_tail.empty() ? "" : ": " + reply.stderr_tail),
                      "cuda:" + std::to_string(device), "is there a CUDA device and driver?");
  }
  const json& body = reply.body;
  if (body.contains("error") || !body.contains("fma_flops_per_s")) {
    throw_input_error("cannot measure the GPU roofline: " +
                          body.value("error", body.value("diagnostic", body.dump())),
                      "cuda:" + std::to_string(device), "is there a CUDA device and driver?");
  }
  RooflineReply measured;
  try {
    measured = roofline_reply_from_json(body);
  } catch (const MalformedMessage& e) {
    throw std::runtime_error(std::string("the CUDA worker's roofline reply is malformed: ") +
                             e.what());
  }
  const json& j = measured.device;
  GpuProfile g;
  g.device = j;
  g.copy_bytes_per_s = measured.copy_bytes_per_s;
  g.triad_bytes_per_s = measured.triad_bytes_per_s;
  g.nominal_bandwidth = j.value("nominal_bandwidth", 0.0);
  g.nominal_fp32_flops = j.value("nominal_fp32_flops", 0.0);
  MachineProfile& p = g.profile;
  const std::string uuid = j.value("uuid", "");
  p.machine_id = "cuda-" + uuid.substr(0, std::min<std::size_t>(uuid.size(), 16));
  p.cpu_model = j.value("name", "CUDA device");
  p.target = "sm_" + [&] {
    std::string cc = j.value("cc", "0.0");
    cc.erase(std::remove(cc.begin(), cc.end(), '.'), cc.end());
    return cc;
  }();
  p.cores = j.value("sm_count", 0);
  p.threads = {1};
  p.bandwidth_bytes_per_s = {std::max(g.copy_bytes_per_s, g.triad_bytes_per_s)};
  p.flops_per_s = {measured.fma_flops_per_s};
  MemoryLevel dram;
  dram.name = "DRAM";
  dram.working_set_bytes =
      static_cast<double>(measured.buffer_bytes ? measured.buffer_bytes : buffer_bytes);
  dram.bandwidth_bytes_per_s = p.bandwidth_bytes_per_s;
  p.levels = {dram};
  p.measured_at = iso8601_now();
  p.source = "measured";
  return g;
}

std::filesystem::path default_gpu_profile_path(int device) {
  return cache_directory() / ("gpu-cuda" + std::to_string(device) + ".json");
}

std::optional<GpuProfile> load_gpu_profile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  const std::string text = read_bounded_file(path, kProfileFileCap, "GPU profile");
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception&) {
    return std::nullopt;
  }
  GpuProfile g;
  g.profile = machine_profile_from_json(j.at("profile"), path.string());
  g.copy_bytes_per_s = j.value("copy_bytes_per_s", 0.0);
  g.triad_bytes_per_s = j.value("triad_bytes_per_s", 0.0);
  g.nominal_bandwidth = j.value("nominal_bandwidth", 0.0);
  g.nominal_fp32_flops = j.value("nominal_fp32_flops", 0.0);
  g.device = j.value("device", json::object());
  return g;
}

GpuProfile ensure_gpu_profile(const std::filesystem::path& path, int device, bool* measured) {
  const std::filesystem::path where = path.empty() ? default_gpu_profile_path(device) : path;
  if (measured) *measured = false;
  if (auto loaded = load_gpu_profile(where)) return *loaded;
  GpuProfile g = measure_gpu_profile(device);
  save_gpu_profile(g, where);
  if (measured) *measured = true;
  return g;
}

void save_gpu_profile(const GpuProfile& g, const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  write_file_atomically(path, json{{"profile", to_json(g.profile)},
                                   {"copy_bytes_per_s", g.copy_bytes_per_s},
                                   {"triad_bytes_per_s", g.triad_bytes_per_s},
                                   {"nominal_bandwidth", g.nominal_bandwidth},
                                   {"nominal_fp32_flops", g.nominal_fp32_flops},
                                   {"device", g.device}}
                                      .dump(2) +
                                  "\n");
}

}  // namespace evojit
