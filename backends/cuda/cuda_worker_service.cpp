#include "backends/cuda/cuda_worker_service.hpp"

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "backends/cuda/cuda_driver.hpp"
#include "backends/cuda/cuda_measure.hpp"
#include "backends/cuda/gpu_roofline_probe.hpp"
#include "backends/cuda/nvrtc_compiler.hpp"
#include "evaluators/evaluation_json.hpp"
#include "evaluators/worker/line_channel.hpp"
#include "evaluators/worker/worker_reply_auth.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

using nlohmann::json;
using namespace evojit::cuda;

constexpr std::size_t kMaxKernels = 64;
constexpr std::size_t kMaxInstances = 2;
constexpr unsigned kNanBits = 0x7fc00000u;

struct LoadedKernel {
  Module module;
  CUfunction function = nullptr;
  FunctionAttributes attributes;
};

// One size's data on the device; `pristine` holds the initial contents of buffers
// the kernel modifies, restored (device to device) before every run.
struct Instance {
  CudaProblem problem;
  std::vector<DeviceBuffer> device;
  std::vector<DeviceBuffer> pristine;
};

// Kernel arguments by value, and the pointer array cuLaunchKernel reads.
struct ArgumentPack {
  std::vector<std::uint64_t> storage;
  std::vector<void*> pointers;
  ArgumentPack(const std::vector<CudaArgument>& args, const Instance& inst) {
    storage.resize(args.size());
    for (std::size_t i = 0; i < args.size(); ++i) {
      const CudaArgument& a = args[i];
      void* slot = &storage[i];
      switch (a.kind) {
        case CudaArgument::Kind::buffer: {
          const CUdeviceptr p = inst.device.at(static_cast<std::size_t>(a.buffer)).get();
          std::memcpy(slot, &p, sizeof p);
          break;
        }
        case CudaArgument::Kind::i32: {
          const auto v = static_cast<std::int32_t>(a.integer);
          std::memcpy(slot, &v, sizeof v);
          break;
        }
        case CudaArgument::Kind::i64: {
          const auto v = static_cast<std::int64_t>(a.integer);
          std::memcpy(slot, &v, sizeof v);
          break;
        }
        case CudaArgument::Kind::f32:
          std::memcpy(slot, &a.real, sizeof a.real);
          break;
      }
    }
    for (auto& s : storage) pointers.push_back(&s);
  }
};

class CudaWorkerService {
 public:
  explicit CudaWorkerService(int device) : device_(device) {}

  json handle(const json& request) {
    const std::string op = request.value("op", "");
    if (op == "ping") return {{"ok", true}};
    if (ruined_) return {{"error", "the CUDA context is lost (sticky error); restart the worker"}};
    try {
      if (op == "device") return device();
      if (op == "compile") return compile(request);
      if (op == "run") return run(request);
      if (op == "roofline") return roofline(request);
    } catch (const CudaFailure& f) {
      if (f.sticky()) ruined_ = true;
      return {{"status", f.code() == CUDA_ERROR_OUT_OF_MEMORY ? "out_of_memory" : "crash"},
              {"diagnostic", f.what()},
              {"sticky", f.sticky()},
              {"sizes", json::array()}};
    }
    return {{"error", "unknown op '" + op + "'"}};
  }

 private:
  Context& context() {
    if (!context_) context_ = std::make_unique<Context>(device_);
    return *context_;
  }

  json device() {
    const DeviceInfo& i = context().info();
    return {{"ordinal", i.ordinal},
            {"name", i.name},
            {"uuid", i.uuid},
            {"cc", std::to_string(i.cc_major) + "." + std::to_string(i.cc_minor)},
            {"sm_count", i.sm_count},
            {"l2_bytes", i.l2_bytes},
            {"memory_bytes", i.memory_bytes},
            {"clock_khz", i.clock_khz},
            {"memory_clock_khz", i.memory_clock_khz},
            {"bus_width_bits", i.bus_width_bits},
            {"nominal_bandwidth", i.nominal_bandwidth()},
            {"nominal_fp32_flops", i.nominal_fp32_flops()},
            {"nvrtc", nvrtc_version()}};
  }

  json compile(const json& request) {
    const DeviceInfo& info = context().info();
    NvrtcRequest r;
    r.source = request.at("source").get<std::string>();
    r.kernel_name = request.at("kernel_name").get<std::string>();
    r.options = request.value("options", std::vector<std::string>{});
    r.force_ptx = request.value("force_ptx", false);
    r.cc_major = info.cc_major;
    r.cc_minor = info.cc_minor;
    NvrtcResult compiled = nvrtc_compile(r);
    CompileStats stats;
    stats.frontend_s = compiled.compile_s;
    json reply = {{"ok", false}, {"log", compiled.log}};
    json diagnostics = json::array();
    for (const SourceDiagnostic& d : compiled.diagnostics) diagnostics.push_back(to_json(d));
    reply["diagnostics"] = diagnostics;
    if (compiled.ok) {
      const auto load_started = std::chrono::steady_clock::now();
      std::string jit_log;
      LoadedKernel k;
      try {
        k.module = Module::load(compiled.image, &jit_log);
        k.function = k.module.function(compiled.lowered_name);
      } catch (const CudaFailure& f) {
        if (f.sticky()) throw;
        reply["log"] = compiled.log + jit_log + "\n" + f.what();
        stats.total_s = compiled.compile_s;
        reply["compile"] = to_json(stats);
        return reply;
      }
      k.attributes = function_attributes(k.function);
      stats.link_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
      stats.code_hash = hash_bytes(compiled.image.data(), compiled.image.size());
      const std::uint64_t handle =
          hash_combine(hash_text(r.source), hash_text(r.kernel_name + "|" + compiled.arch));
      reply["resources"] = {{"registers", k.attributes.registers},
                            {"shared_bytes", k.attributes.shared_bytes},
                            {"local_bytes", k.attributes.local_bytes},
                            {"max_threads_per_block", k.attributes.max_threads},
                            {"binary", compiled.image_kind + " " + compiled.arch}};
      reply["kernel"] = hash_hex(handle);
      reply["ok"] = true;
      if (kernels_.size() >= kMaxKernels && !kernels_.count(handle)) {
        kernels_.erase(kernel_order_.front());
        kernel_order_.pop_front();
      }
      if (!kernels_.count(handle)) kernel_order_.push_back(handle);
      kernels_[handle] = std::move(k);
    }
    stats.total_s = compiled.compile_s + stats.link_s;
    reply["compile"] = to_json(stats);
    return reply;
  }

  Instance& instance(const std::string& kind, const ProblemSize& size) {
    std::string key = kind;
    for (std::int64_t d : size.dims) key += ":" + std::to_string(d);
    auto it = instances_.find(key);
    if (it != instances_.end()) return *it->second;
    while (instances_.size() >= kMaxInstances) {
      instances_.erase(instance_order_.front());
      instance_order_.pop_front();
    }
    auto inst = std::make_unique<Instance>();
    inst->problem = make_cuda_problem(kind, size);
    for (const CudaBuffer& b : inst->problem.buffers) {
      if (!b.symbol.empty()) {
        inst->device.emplace_back();
        inst->pristine.emplace_back();
        continue;
      }
      inst->device.emplace_back(b.bytes());
      check(cuMemcpyHtoD(inst->device.back().get(), b.host.data(), b.bytes()), "cuMemcpyHtoD");
      inst->pristine.emplace_back();
      if (b.restore) {
        inst->pristine.back() = DeviceBuffer(b.bytes());
        check(cuMemcpyHtoD(inst->pristine.back().get(), b.host.data(), b.bytes()), "cuMemcpyHtoD");
      }
    }
    instance_order_.push_back(key);
    return *instances_.emplace(key, std::move(inst)).first->second;
  }

  json run(const json& request) {
    const std::string kind = request.at("problem").get<std::string>();
    const auto handle = std::stoull(request.at("kernel").get<std::string>(), nullptr, 16);
    auto kernel_it = kernels_.find(handle);
    if (kernel_it == kernels_.end()) return {{"error", "kernel not compiled in this worker"}};
    LoadedKernel& kernel = kernel_it->second;
    const MeasureOptions options = measure_options_from_json(request.value("measure", json{}));
    const bool timed = request.value("time", true);
    const bool flush_l2 = request.value("flush_l2", false);
    Context& ctx = context();
    CUstream stream = ctx.stream();
    if (flush_l2 && !flusher_) flusher_ = std::make_unique<L2Flusher>(ctx);

    json sizes = json::array();
    for (const json& js : request.at("sizes")) {
      ProblemSize size{js.at("label").get<std::string>(),
                       js.at("dims").get<std::vector<std::int64_t>>()};
      SizeResult r;
      r.label = size.label;
      r.dims = size.dims;
      const auto grid = js.at("grid").get<std::array<std::uint32_t, 3>>();
      const auto block = js.at("block").get<std::array<std::uint32_t, 3>>();
      const std::uint32_t shared = js.value("shared", 0u);
      const std::uint64_t threads = std::uint64_t{block[0]} * block[1] * block[2];
      if (threads == 0 || threads > static_cast<std::uint64_t>(kernel.attributes.max_threads)) {
        r.message = "block of " + std::to_string(threads) +
                    " threads: this kernel launches at most " +
                    std::to_string(kernel.attributes.max_threads) + " (" +
                    std::to_string(kernel.attributes.registers) + " registers per thread)";
        sizes.push_back(to_json(r));
        return {{"status", "crash"},
                {"diagnostic", "launch refused: " + r.message},
                {"sizes", sizes},
                {"sticky", false}};
      }
      Instance& inst = instance(kind, size);
      std::vector<ArgumentPack> packs;
      for (const auto& args : inst.problem.launches) packs.emplace_back(args, inst);
      auto restore = [&](bool poison) {
        for (std::size_t i = 0; i < inst.problem.buffers.size(); ++i) {
          const CudaBuffer& b = inst.problem.buffers[i];
          if (!b.symbol.empty()) {
            const auto [ptr, bytes] = kernel.module.global(b.symbol);
            check(cuMemcpyHtoDAsync(ptr, b.host.data(), std::min(bytes, b.bytes()), stream),
                  "cuMemcpyHtoDAsync (symbol)");
          } else if (b.restore) {
            check(
                cuMemcpyDtoDAsync(inst.device[i].get(), inst.pristine[i].get(), b.bytes(), stream),
                "cuMemcpyDtoDAsync");
          } else if (poison && b.output) {
            check(cuMemsetD32Async(inst.device[i].get(), kNanBits, b.bytes() / 4, stream),
                  "cuMemsetD32Async");
          }
        }
      };
      auto run_all = [&] {
        for (auto& p : packs)
          launch(kernel.function, grid, block, shared, stream, p.pointers.data());
      };
      // Correctness first, on a poisoned output; only a correct kernel is timed.
      try {
        restore(true);
        run_all();
        ctx.synchronize();
      } catch (const CudaFailure& f) {
        if (f.sticky()) {
          ruined_ = true;
          r.message = f.what();
          sizes.push_back(to_json(r));
          return {{"status", "crash"},
                  {"diagnostic", "size " + size.label + ": " + f.what()},
                  {"sizes", sizes},
                  {"sticky", true}};
        }
        r.message = f.what();
        sizes.push_back(to_json(r));
        return {{"status", f.code() == CUDA_ERROR_OUT_OF_MEMORY ? "out_of_memory" : "crash"},
                {"diagnostic", "size " + size.label + ": launch failed: " + f.what()},
                {"sizes", sizes},
                {"sticky", false}};
      }
      std::vector<std::vector<unsigned char>> outputs(inst.problem.buffers.size());
      for (std::size_t i = 0; i < inst.problem.buffers.size(); ++i) {
        const CudaBuffer& b = inst.problem.buffers[i];
        if (!b.output) continue;
        outputs[i].resize(b.bytes());
        check(cuMemcpyDtoH(outputs[i].data(), inst.device[i].get(), b.bytes()), "cuMemcpyDtoH");
      }
      const CheckResult check_result = inst.problem.check(outputs);
      r.ok = check_result.ok;
      // JSON has no infinity (it would travel as null): NaN outputs show as DBL_MAX.
      r.max_error = std::isfinite(check_result.max_error) ? check_result.max_error
                                                          : std::numeric_limits<double>::max();
      r.tolerance = check_result.tolerance;
      r.message = check_result.message;
      if (!r.ok) {
        sizes.push_back(to_json(r));
        return {{"status", "wrong_result"},
                {"diagnostic", "size " + size.label + ": " + r.message},
                {"sizes", sizes},
                {"sticky", false}};
      }
      if (timed) {
        bool any_restore = false;
        for (const CudaBuffer& b : inst.problem.buffers) any_restore |= b.restore;
        std::function<void()> reset;
        if (any_restore) reset = [&] { restore(false); };
        r.timing =
            time_on_stream(stream, run_all, reset, flush_l2 ? flusher_.get() : nullptr, options);
      }
      sizes.push_back(to_json(r));
    }
    return {{"status", "ok"}, {"sizes", sizes}, {"sticky", false}};
  }

  json roofline(const json& request) {
    instances_.clear();
    instance_order_.clear();
    const GpuRooflineProbe p =
        probe_gpu_roofline(context(), request.value("buffer_bytes", std::size_t{1} << 30));
    json reply = device();
    reply["copy_bytes_per_s"] = p.copy_bytes_per_s;
    reply["triad_bytes_per_s"] = p.triad_bytes_per_s;
    reply["fma_flops_per_s"] = p.fma_flops_per_s;
    reply["buffer_bytes"] = p.buffer_bytes;
    return reply;
  }

  int device_;
  bool ruined_ = false;
  std::unique_ptr<Context> context_;
  std::unique_ptr<L2Flusher> flusher_;
  std::unordered_map<std::uint64_t, LoadedKernel> kernels_;
  std::deque<std::uint64_t> kernel_order_;
  std::map<std::string, std::unique_ptr<Instance>> instances_;
  std::deque<std::string> instance_order_;
};

}  // namespace

int serve_cuda_worker(int in_fd, int out_fd, int device) {
  LineChannel channel(in_fd, out_fd);
  CudaWorkerService service(device);
  std::string line;
  while (channel.read_line(line) == LineChannel::ReadStatus::line) {
    json request;
    json reply;
    try {
      request = json::parse(line);
      if (request.value("op", "") == "quit") return 0;
      reply = service.handle(request);
    } catch (const std::bad_alloc&) {
      reply = {{"status", "out_of_memory"},
               {"diagnostic", "host allocation failed in the CUDA worker"}};
    } catch (const std::exception& e) {
      reply = {{"error", e.what()}};
    }
    const std::string body = reply.dump(-1, ' ', false, json::error_handler_t::replace);
    if (!channel.write_line(sign_worker_reply(body))) return 1;
  }
  return 0;
}

}  // namespace evojit
