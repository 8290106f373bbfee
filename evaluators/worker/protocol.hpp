// The worker protocol: what the driver asks a worker process (evojit-worker,
// evojit-cuda-worker) and what it answers, as typed requests and replies with their
// JSON form written once, here. One schema serves both backends: the CPU names its
// task, the CUDA backend adds what only it needs (kernel name, NVRTC options, PTX,
// launch geometry per size, L2 flushing, problem kind) as optional members.
//
// Every request carries "v": kWorkerProtocolVersion. A worker answers a request of
// another version with an error reply naming both versions (protocol_mismatch_reply),
// and the driver turns that into one InputError (a worker binary from another build),
// never into a failed evaluation per candidate. WorkerProcess::request writes the
// version into a request built by hand that lacks it (a ping, a test's), so every
// request on the wire has one. Any request may also carry
// "cpu_seconds", the CPU budget WorkerProcess sets (evaluators/worker/worker_limits.hpp).
//
// Requests and replies are JSON lines (evaluators/worker/line_channel.hpp), signed by
// the worker (evaluators/worker/worker_reply_auth.hpp). The *_from_json functions throw
// MalformedMessage for a message that does not have the schema's shape.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/cache_topology.hpp"
#include "evaluators/evaluation.hpp"
#include "evaluators/measurement.hpp"
#include "kernels/task.hpp"

namespace evojit {

// Raised whenever a message's fields change meaning or shape.
inline constexpr int kWorkerProtocolVersion = 2;

enum class WorkerOp { compile, run, roofline, ping, device, quit };
std::string_view to_string(WorkerOp op);

class MalformedMessage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CompileRequest {
  std::string source;
  // CUDA: the __global__ function to look up, NVRTC options, PTX instead of a cubin.
  // CPU: non-empty options compile the kernel as users write it (system headers, the
  // options as clang flags, e.g. -fopenmp) rather than on the hermetic built-in path.
  std::string kernel_name;
  std::vector<std::string> options;
  bool force_ptx = false;
};

// CUDA launch geometry of one size.
struct LaunchShape {
  std::array<std::uint32_t, 3> grid{1, 1, 1};
  std::array<std::uint32_t, 3> block{1, 1, 1};
  std::uint32_t shared_bytes = 0;  // dynamic shared memory
  // Programmatic dependent launch (sm_90+): each launch of a sequence may start while
  // the one before drains; the kernel waits for it (griddepcontrol.wait) before reading.
  bool overlap_launches = false;
};

struct RunSize {
  ProblemSize size;
  std::optional<LaunchShape> launch;  // CUDA
};

struct RunRequest {
  std::string kernel;  // the handle a compile reply gave
  std::vector<RunSize> sizes;
  MeasureOptions measure;
  bool time = true;       // false: check correctness only
  std::string task;       // CPU: the registered task whose inputs it runs on
  std::string problem;    // CUDA: the problem kind (backends/cuda/tasks)
  bool flush_l2 = false;  // CUDA: flush the L2 before every timed repetition
  // CPU: a task from a manifest, as its self-contained JSON text (kernels/task_manifest.hpp);
  // the worker builds the task and its buffers from it. Empty: `task` names a built-in.
  std::string task_manifest;
};

struct RooflineRequest {
  // CPU: threads up to max_threads, a stream over stream_elements floats per array,
  // the cache sizes (the sandbox cannot read /sys), repetitions and time per point.
  int max_threads = 0;
  std::int64_t stream_elements = 0;
  std::vector<CacheLevel> caches;
  int repetitions = 0;
  double max_seconds = 0.0;
  // CUDA: the buffer the bandwidth probes stream over.
  std::size_t buffer_bytes = 0;
};

struct PingRequest {};
struct DeviceRequest {};
// Ends the worker without a reply; the pool starts a fresh one at the next request.
struct QuitRequest {};

nlohmann::json to_json(const CompileRequest& r);
nlohmann::json to_json(const RunRequest& r);
nlohmann::json to_json(const RooflineRequest& r);
nlohmann::json to_json(const PingRequest& r);
nlohmann::json to_json(const DeviceRequest& r);
nlohmann::json to_json(const QuitRequest& r);

// The op of a request. Throws MalformedMessage for an unknown one.
WorkerOp request_op(const nlohmann::json& request);
CompileRequest compile_request_from_json(const nlohmann::json& j);
RunRequest run_request_from_json(const nlohmann::json& j);
RooflineRequest roofline_request_from_json(const nlohmann::json& j);

// A compile's outcome. A failure other than a compile error (the CUDA context lost,
// an allocation failing in the worker) has status crash or out_of_memory.
struct CompileReply {
  bool ok = false;
  EvalStatus status = EvalStatus::compile_error;  // ok when ok
  CompileStats stats;
  std::string log;  // the compiler's output (or the failure's diagnostic)
  std::vector<SourceDiagnostic> diagnostics;
  std::string kernel;                        // the handle for run requests, when ok
  std::optional<KernelResources> resources;  // CUDA
  bool sticky = false;  // CUDA: the context is lost; the worker must be replaced
};

struct RunReply {
  EvalStatus status = EvalStatus::ok;
  std::string diagnostic;
  std::vector<SizeResult> sizes;
  bool sticky = false;
};

struct RooflineReply {
  // CPU: per thread count; levels in the machine profile's "levels" format.
  std::vector<int> threads;
  std::vector<double> bandwidth_bytes_per_s;
  std::vector<double> flops_per_s;
  nlohmann::json levels = nlohmann::json::array();
  std::string target;
  // CUDA: the probes' figures and the device record (a device reply's).
  double copy_bytes_per_s = 0.0;
  double triad_bytes_per_s = 0.0;
  double fma_flops_per_s = 0.0;
  std::size_t buffer_bytes = 0;
  nlohmann::json device = nlohmann::json::object();
};

struct PingReply {
  nlohmann::json sandbox = nlohmann::json::object();  // what the sandbox enforces (CPU)
};

// CUDA: the device the worker owns. `record` is the whole record (name, uuid, cc,
// sm_count, memory and clock figures, nominal ceilings, NVRTC version).
struct DeviceReply {
  std::string name;
  std::string uuid;
  std::string cc;  // "9.0"
  nlohmann::json record = nlohmann::json::object();
};

// A request that failed as a whole in the worker (an allocation, a lost CUDA
// context): readable as a compile reply and as a run reply.
struct FailureReply {
  EvalStatus status = EvalStatus::crash;
  std::string diagnostic;
  bool sticky = false;
};

nlohmann::json to_json(const CompileReply& r);
nlohmann::json to_json(const RunReply& r);
nlohmann::json to_json(const RooflineReply& r);
nlohmann::json to_json(const PingReply& r);
nlohmann::json to_json(const DeviceReply& r);
nlohmann::json to_json(const FailureReply& r);

CompileReply compile_reply_from_json(const nlohmann::json& j);
RunReply run_reply_from_json(const nlohmann::json& j);
RooflineReply roofline_reply_from_json(const nlohmann::json& j);
PingReply ping_reply_from_json(const nlohmann::json& j);
DeviceReply device_reply_from_json(const nlohmann::json& j);

// A request the worker refused: {"error": what}.
nlohmann::json error_reply(const std::string& what);
// The version check a worker applies first; nullopt when `request` speaks this
// version, else the error reply naming both.
std::optional<nlohmann::json> protocol_mismatch_reply(const nlohmann::json& request);
// When `reply` is an error reply, its text; nullopt otherwise.
std::optional<std::string> reply_error(const nlohmann::json& reply);
// When `reply` refuses a request of another protocol version: the worker's version.
std::optional<int> mismatched_worker_version(const nlohmann::json& reply);

}  // namespace evojit
