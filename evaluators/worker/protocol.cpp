#include "evaluators/worker/protocol.hpp"

#include "evaluators/evaluation_json.hpp"

namespace evojit {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<WorkerOp, std::string_view>, 6> kOps = {{
    {WorkerOp::compile, "compile"},
    {WorkerOp::run, "run"},
    {WorkerOp::roofline, "roofline"},
    {WorkerOp::ping, "ping"},
    {WorkerOp::device, "device"},
    {WorkerOp::quit, "quit"},
}};

json request(WorkerOp op) {
  return {{"op", std::string(to_string(op))}, {"v", kWorkerProtocolVersion}};
}

// Every read of a message goes through these: a missing or mistyped field becomes a
// MalformedMessage naming it, never a nlohmann exception from deep inside a backend.
template <class T>
T field(const json& j, const char* key) {
  if (!j.is_object()) throw MalformedMessage("not a JSON object");
  const auto it = j.find(key);
  if (it == j.end()) throw MalformedMessage(std::string("no \"") + key + "\"");
  try {
    return it->get<T>();
  } catch (const json::exception& e) {
    throw MalformedMessage(std::string("\"") + key + "\": " + e.what());
  }
}

template <class T>
T optional_field(const json& j, const char* key, T fallback) {
  if (!j.is_object()) throw MalformedMessage("not a JSON object");
  if (!j.contains(key) || j.at(key).is_null()) return fallback;
  return field<T>(j, key);
}

// A nested record read by the evaluation JSON readers, which throw nlohmann's
// exceptions.
template <class F>
auto nested(const json& j, const char* key, F read) {
  try {
    return read(j.at(key));
  } catch (const json::exception& e) {
    throw MalformedMessage(std::string("\"") + key + "\": " + e.what());
  }
}

EvalStatus status_field(const json& j, const char* key, EvalStatus fallback) {
  if (!j.contains(key)) return fallback;
  const std::string text = field<std::string>(j, key);
  try {
    return eval_status_from_string(text);
  } catch (const std::exception&) {
    throw MalformedMessage(std::string("\"") + key + "\": unknown status '" + text + "'");
  }
}

json diagnostics_json(const std::vector<SourceDiagnostic>& diagnostics) {
  json out = json::array();
  for (const SourceDiagnostic& d : diagnostics) out.push_back(to_json(d));
  return out;
}

std::vector<SizeResult> size_results(const json& j) {
  std::vector<SizeResult> out;
  if (!j.contains("sizes")) return out;
  for (const json& r : field<json>(j, "sizes")) {
    try {
      out.push_back(size_result_from_json(r));
    } catch (const json::exception& e) {
      throw MalformedMessage(std::string("\"sizes\": ") + e.what());
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(WorkerOp op) {
  for (const auto& [o, name] : kOps) {
    if (o == op) return name;
  }
  return "?";
}

WorkerOp request_op(const json& j) {
  const std::string op = field<std::string>(j, "op");
  for (const auto& [o, name] : kOps) {
    if (name == op) return o;
  }
  throw MalformedMessage("unknown op '" + op + "'");
}

// --- requests ---------------------------------------------------------------------------

json to_json(const CompileRequest& r) {
  json j = request(WorkerOp::compile);
  j["source"] = r.source;
  if (!r.kernel_name.empty()) j["kernel_name"] = r.kernel_name;
  if (!r.options.empty()) j["options"] = r.options;
  if (r.force_ptx) j["force_ptx"] = true;
  return j;
}

json to_json(const RunRequest& r) {
  json j = request(WorkerOp::run);
  j["kernel"] = r.kernel;
  json sizes = json::array();
  for (const RunSize& s : r.sizes) {
    json size = {{"label", s.size.label}, {"dims", s.size.dims}};
    if (s.launch) {
      size["grid"] = s.launch->grid;
      size["block"] = s.launch->block;
      size["shared"] = s.launch->shared_bytes;
      if (s.launch->overlap_launches) size["overlap_launches"] = true;
    }
    sizes.push_back(std::move(size));
  }
  j["sizes"] = std::move(sizes);
  j["measure"] = to_json(r.measure);
  j["time"] = r.time;
  if (!r.task.empty()) j["task"] = r.task;
  if (!r.problem.empty()) j["problem"] = r.problem;
  if (!r.task_manifest.empty()) j["task_manifest"] = r.task_manifest;
  if (r.flush_l2) j["flush_l2"] = true;
  return j;
}

json to_json(const RooflineRequest& r) {
  json j = request(WorkerOp::roofline);
  if (r.max_threads > 0) {
    j["max_threads"] = r.max_threads;
    j["stream_elements"] = r.stream_elements;
    j["caches"] = to_json(r.caches);
    j["repetitions"] = r.repetitions;
    j["max_seconds"] = r.max_seconds;
  }
  if (r.buffer_bytes > 0) j["buffer_bytes"] = r.buffer_bytes;
  return j;
}

json to_json(const PingRequest&) { return request(WorkerOp::ping); }
json to_json(const DeviceRequest&) { return request(WorkerOp::device); }
json to_json(const QuitRequest&) { return request(WorkerOp::quit); }

CompileRequest compile_request_from_json(const json& j) {
  CompileRequest r;
  r.source = field<std::string>(j, "source");
  r.kernel_name = optional_field<std::string>(j, "kernel_name", "");
  r.options = optional_field<std::vector<std::string>>(j, "options", {});
  r.force_ptx = optional_field<bool>(j, "force_ptx", false);
  return r;
}

RunRequest run_request_from_json(const json& j) {
  RunRequest r;
  r.kernel = field<std::string>(j, "kernel");
  for (const json& s : field<json>(j, "sizes")) {
    RunSize size;
    size.size.label = field<std::string>(s, "label");
    size.size.dims = field<std::vector<std::int64_t>>(s, "dims");
    if (s.contains("grid") || s.contains("block")) {
      LaunchShape launch;
      launch.grid = field<std::array<std::uint32_t, 3>>(s, "grid");
      launch.block = field<std::array<std::uint32_t, 3>>(s, "block");
      launch.shared_bytes = optional_field<std::uint32_t>(s, "shared", 0);
      launch.overlap_launches = optional_field<bool>(s, "overlap_launches", false);
      size.launch = launch;
    }
    r.sizes.push_back(std::move(size));
  }
  if (j.contains("measure")) {
    r.measure = nested(j, "measure", [](const json& m) { return measure_options_from_json(m); });
  }
  r.time = optional_field<bool>(j, "time", true);
  r.task = optional_field<std::string>(j, "task", "");
  r.problem = optional_field<std::string>(j, "problem", "");
  r.task_manifest = optional_field<std::string>(j, "task_manifest", "");
  r.flush_l2 = optional_field<bool>(j, "flush_l2", false);
  return r;
}

RooflineRequest roofline_request_from_json(const json& j) {
  RooflineRequest r;
  r.max_threads = optional_field<int>(j, "max_threads", 0);
  r.stream_elements = optional_field<std::int64_t>(j, "stream_elements", 0);
  if (j.contains("caches")) {
    try {
      r.caches = cache_topology_from_json(j.at("caches"), "caches");
    } catch (const std::exception& e) {
      throw MalformedMessage(std::string("\"caches\": ") + e.what());
    }
  }
  r.repetitions = optional_field<int>(j, "repetitions", 0);
  r.max_seconds = optional_field<double>(j, "max_seconds", 0.0);
  r.buffer_bytes = optional_field<std::size_t>(j, "buffer_bytes", 0);
  return r;
}

// --- replies ----------------------------------------------------------------------------

json to_json(const CompileReply& r) {
  json j = {{"ok", r.ok},
            {"status", to_string(r.ok ? EvalStatus::ok : r.status)},
            {"compile", to_json(r.stats)},
            {"log", r.log},
            {"diagnostics", diagnostics_json(r.diagnostics)},
            {"sticky", r.sticky}};
  if (r.ok) j["kernel"] = r.kernel;
  if (r.resources) j["resources"] = to_json(*r.resources);
  return j;
}

json to_json(const RunReply& r) {
  json sizes = json::array();
  for (const SizeResult& s : r.sizes) sizes.push_back(to_json(s));
  return {{"status", to_string(r.status)},
          {"diagnostic", r.diagnostic},
          {"sizes", std::move(sizes)},
          {"sticky", r.sticky}};
}

json to_json(const RooflineReply& r) {
  json j = {{"threads", r.threads},
            {"bandwidth", r.bandwidth_bytes_per_s},
            {"flops", r.flops_per_s},
            {"levels", r.levels},
            {"target", r.target}};
  if (r.fma_flops_per_s > 0.0) {
    j["copy_bytes_per_s"] = r.copy_bytes_per_s;
    j["triad_bytes_per_s"] = r.triad_bytes_per_s;
    j["fma_flops_per_s"] = r.fma_flops_per_s;
    j["buffer_bytes"] = r.buffer_bytes;
    j["device"] = r.device;
  }
  return j;
}

json to_json(const PingReply& r) { return {{"ok", true}, {"sandbox", r.sandbox}}; }

json to_json(const DeviceReply& r) {
  json j = r.record.is_object() ? r.record : json::object();
  j["name"] = r.name;
  j["uuid"] = r.uuid;
  j["cc"] = r.cc;
  return j;
}

json to_json(const FailureReply& r) {
  return {{"ok", false},         {"status", to_string(r.status)}, {"diagnostic", r.diagnostic},
          {"log", r.diagnostic}, {"sizes", json::array()},        {"sticky", r.sticky}};
}

CompileReply compile_reply_from_json(const json& j) {
  CompileReply r;
  r.ok = field<bool>(j, "ok");
  r.status = status_field(j, "status", r.ok ? EvalStatus::ok : EvalStatus::compile_error);
  if (r.ok != (r.status == EvalStatus::ok)) {
    throw MalformedMessage("\"ok\" and \"status\" disagree");
  }
  if (j.contains("compile")) {
    r.stats = nested(j, "compile", [](const json& c) { return compile_stats_from_json(c); });
  }
  r.log = optional_field<std::string>(j, "log", optional_field<std::string>(j, "diagnostic", ""));
  for (const json& d : optional_field<json>(j, "diagnostics", json::array())) {
    try {
      r.diagnostics.push_back(source_diagnostic_from_json(d));
    } catch (const json::exception& e) {
      throw MalformedMessage(std::string("\"diagnostics\": ") + e.what());
    }
  }
  if (r.ok) r.kernel = field<std::string>(j, "kernel");
  if (j.contains("resources")) {
    r.resources =
        nested(j, "resources", [](const json& c) { return kernel_resources_from_json(c); });
  }
  r.sticky = optional_field<bool>(j, "sticky", false);
  return r;
}

RunReply run_reply_from_json(const json& j) {
  RunReply r;
  if (!j.is_object() || !j.contains("status")) throw MalformedMessage("no \"status\"");
  r.status = status_field(j, "status", EvalStatus::ok);
  r.diagnostic = optional_field<std::string>(j, "diagnostic", "");
  r.sizes = size_results(j);
  r.sticky = optional_field<bool>(j, "sticky", false);
  return r;
}

RooflineReply roofline_reply_from_json(const json& j) {
  RooflineReply r;
  if (j.contains("fma_flops_per_s")) {
    r.copy_bytes_per_s = field<double>(j, "copy_bytes_per_s");
    r.triad_bytes_per_s = field<double>(j, "triad_bytes_per_s");
    r.fma_flops_per_s = field<double>(j, "fma_flops_per_s");
    r.buffer_bytes = optional_field<std::size_t>(j, "buffer_bytes", 0);
    r.device = optional_field<json>(j, "device", json::object());
    return r;
  }
  r.threads = field<std::vector<int>>(j, "threads");
  r.bandwidth_bytes_per_s = field<std::vector<double>>(j, "bandwidth");
  r.flops_per_s = field<std::vector<double>>(j, "flops");
  r.levels = optional_field<json>(j, "levels", json::array());
  r.target = optional_field<std::string>(j, "target", "");
  return r;
}

PingReply ping_reply_from_json(const json& j) {
  if (!field<bool>(j, "ok")) throw MalformedMessage("\"ok\" is false");
  PingReply r;
  r.sandbox = optional_field<json>(j, "sandbox", json::object());
  return r;
}

DeviceReply device_reply_from_json(const json& j) {
  DeviceReply r;
  r.name = field<std::string>(j, "name");
  r.uuid = optional_field<std::string>(j, "uuid", "");
  r.cc = optional_field<std::string>(j, "cc", "");
  r.record = j;
  return r;
}

// --- errors and versions ----------------------------------------------------------------

json error_reply(const std::string& what) { return {{"error", what}}; }

std::optional<json> protocol_mismatch_reply(const json& request) {
  const auto it = request.find("v");
  if (it != request.end() && it->is_number_integer() && it->get<int>() == kWorkerProtocolVersion) {
    return std::nullopt;
  }
  const std::string theirs = it == request.end() ? "no version" : "version " + it->dump();
  json reply =
      error_reply("worker protocol mismatch: the request speaks " + theirs +
                  ", this worker speaks version " + std::to_string(kWorkerProtocolVersion));
  reply["worker_protocol"] = kWorkerProtocolVersion;
  reply["request_protocol"] = it == request.end() ? json(nullptr) : *it;
  return reply;
}

std::optional<std::string> reply_error(const json& reply) {
  if (!reply.is_object() || !reply.contains("error")) return std::nullopt;
  const json& e = reply.at("error");
  return e.is_string() ? e.get<std::string>() : e.dump();
}

std::optional<int> mismatched_worker_version(const json& reply) {
  if (!reply.is_object() || !reply.contains("error")) return std::nullopt;
  const auto it = reply.find("worker_protocol");
  if (it == reply.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int>();
}

}  // namespace evojit
