#include "backends/cuda/cuda_worker_service.hpp"

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "backends/cuda/cuda_driver.hpp"
#include "backends/cuda/cuda_measure.hpp"
#include "backends/cuda/gpu_roofline_probe.hpp"
#include "backends/cuda/nvrtc_compiler.hpp"
#include "backends/cuda/tasks/cuda_task.hpp"
#include "backends/cuda/tasks/manifest_cuda_task.hpp"
#include "evaluators/evaluation_json.hpp"
#include "evaluators/worker/worker_service.hpp"
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
        case CudaArgument::Kind::raw:
          std::memcpy(slot, &a.bits, sizeof a.bits);
          break;
      }
    }
    for (auto& s : storage) pointers.push_back(&s);
  }
};

RunReply failed_run(EvalStatus status, std::string diagnostic, SizeResult size, bool sticky) {
  RunReply reply;
  reply.status = status;
  reply.diagnostic = std::move(diagnostic);
  reply.sizes.push_back(std::move(size));
  reply.sticky = sticky;
  return reply;
}

class CudaWorkerService final : public WorkerService {
 public:
  explicit CudaWorkerService(int device) : device_(device) {}

  PingReply ping() override { return {}; }

  std::optional<json> refuse(WorkerOp) override {
    if (!ruined_) return std::nullopt;
    return error_reply("the CUDA context is lost (sticky error); restart the worker");
  }

  std::optional<json> reply_for(const std::exception& e) override {
    const auto* f = dynamic_cast<const CudaFailure*>(&e);
    if (!f) return std::nullopt;
    if (f->sticky()) ruined_ = true;
    FailureReply reply;
    reply.status =
        f->code() == CUDA_ERROR_OUT_OF_MEMORY ? EvalStatus::out_of_memory : EvalStatus::crash;
    reply.diagnostic = f->what();
    reply.sticky = f->sticky();
    return to_json(reply);
  }

  std::optional<DeviceReply> device() override {
    const DeviceInfo& i = context().info();
    DeviceReply reply;
    reply.name = i.name;
    reply.uuid = i.uuid;
    reply.cc = std::to_string(i.cc_major) + "." + std::to_string(i.cc_minor);
    reply.record = {{"ordinal", i.ordinal},
                    {"sm_count", i.sm_count},
                    {"l2_bytes", i.l2_bytes},
                    {"memory_bytes", i.memory_bytes},
                    {"clock_khz", i.clock_khz},
                    {"memory_clock_khz", i.memory_clock_khz},
                    {"bus_width_bits", i.bus_width_bits},
                    {"nominal_bandwidth", i.nominal_bandwidth()},
                    {"nominal_fp32_flops", i.nominal_fp32_flops()},
                    {"nvrtc", nvrtc_version()}};
    return reply;
  }

 private:
  Context& context() {
    if (!context_) context_ = std::make_unique<Context>(device_);
    return *context_;
  }

  CompileReply compile(const CompileRequest& request) override {
    const DeviceInfo& info = context().info();
    if (request.kernel_name.empty()) throw std::runtime_error("a CUDA compile names its kernel");
    NvrtcRequest r;
    r.source = request.source;
    r.kernel_name = request.kernel_name;
    r.options = request.options;
    r.force_ptx = request.force_ptx;
    r.cc_major = info.cc_major;
    r.cc_minor = info.cc_minor;
    NvrtcResult compiled = nvrtc_compile(r);
    CompileStats stats;
    stats.frontend_s = compiled.compile_s;
    CompileReply reply;
    reply.log = compiled.log;
    reply.diagnostics = compiled.diagnostics;
    if (compiled.ok) {
      const auto load_started = std::chrono::steady_clock::now();
      std::string jit_log;
      LoadedKernel k;
      try {
        k.module = Module::load(compiled.image, &jit_log);
        k.function = k.module.function(compiled.lowered_name);
      } catch (const CudaFailure& f) {
        if (f.sticky()) throw;
        reply.log = compiled.log + jit_log + "\n" + f.what();
        stats.total_s = compiled.compile_s;
        reply.stats = stats;
        return reply;
      }
      k.attributes = function_attributes(k.function);
      stats.link_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
      stats.code_hash = hash_bytes(compiled.image.data(), compiled.image.size());
      const std::uint64_t handle =
          hash_combine(hash_text(r.source), hash_text(r.kernel_name + "|" + compiled.arch));
      KernelResources resources;
      resources.present = true;
      resources.registers = k.attributes.registers;
      resources.shared_bytes = k.attributes.shared_bytes;
      resources.local_bytes = k.attributes.local_bytes;
      resources.max_threads_per_block = k.attributes.max_threads;
      resources.binary = compiled.image_kind + " " + compiled.arch;
      reply.resources = resources;
      reply.kernel = hash_hex(handle);
      reply.ok = true;
      reply.status = EvalStatus::ok;
      if (kernels_.size() >= kMaxKernels && !kernels_.count(handle)) {
        kernels_.erase(kernel_order_.front());
        kernel_order_.pop_front();
      }
      if (!kernels_.count(handle)) kernel_order_.push_back(handle);
      kernels_[handle] = std::move(k);
    }
    stats.total_s = compiled.compile_s + stats.link_s;
    reply.stats = stats;
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
    std::optional<TaskManifest> manifest = manifest_of_problem_kind(kind);
    std::shared_ptr<ExpectedOutputs> expected;
    if (manifest) {
      expected = std::make_shared<ExpectedOutputs>();
      inst->problem = make_manifest_cuda_problem(std::make_shared<const TaskManifest>(*manifest),
                                                 size, expected);
    } else {
      inst->problem = make_cuda_problem(kind, size);
    }
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
    if (manifest) *expected = seed_outputs(*manifest, *inst, size);
    instance_order_.push_back(key);
    return *instances_.emplace(key, std::move(inst)).first->second;
  }

  // A manifest task's reference: its seed configuration run once on the size's initial
  // data, whose outputs are downloaded; the buffers then get their initial contents back.
  ExpectedOutputs seed_outputs(TaskManifest manifest, Instance& inst, const ProblemSize& size) {
    const auto task = make_manifest_cuda_task(std::move(manifest));
    const auto bindings = task->space().bindings(task->seed());
    NvrtcRequest request;
    request.source = task->render(bindings);
    request.kernel_name = task->kernel_name();
    request.options = task->compile_options();
    request.cc_major = context().info().cc_major;
    request.cc_minor = context().info().cc_minor;
    const NvrtcResult compiled = nvrtc_compile(request);
    if (!compiled.ok) {
      throw std::runtime_error("the seed configuration, the reference, does not compile:\n" +
                               compiled.log);
    }
    std::string jit_log;
    Module module = Module::load(compiled.image, &jit_log);
    const CUfunction function = module.function(compiled.lowered_name);
    const LaunchGeometry g = task->launch(bindings, size);
    ArgumentPack pack(inst.problem.launches.at(0), inst);
    CUstream stream = context().stream();
    launch(function, g.grid, g.block, g.dynamic_shared_bytes, stream, pack.pointers.data());
    context().synchronize();
    ExpectedOutputs outputs(inst.problem.buffers.size());
    for (std::size_t i = 0; i < inst.problem.buffers.size(); ++i) {
      const CudaBuffer& b = inst.problem.buffers[i];
      if (b.output) {
        outputs[i].resize(b.bytes());
        check(cuMemcpyDtoH(outputs[i].data(), inst.device[i].get(), b.bytes()), "cuMemcpyDtoH");
      }
      if (b.symbol.empty()) {
        check(cuMemcpyHtoD(inst.device[i].get(), b.host.data(), b.bytes()), "cuMemcpyHtoD");
      }
    }
    return outputs;
  }

  RunReply run(const RunRequest& request) override {
    const std::string& kind = request.problem;
    if (kind.empty()) throw std::runtime_error("a CUDA run names its problem");
    const auto handle = std::stoull(request.kernel, nullptr, 16);
    auto kernel_it = kernels_.find(handle);
    if (kernel_it == kernels_.end()) throw std::runtime_error("kernel not compiled in this worker");
    LoadedKernel& kernel = kernel_it->second;
    const MeasureOptions& options = request.measure;
    const bool timed = request.time;
    const bool flush_l2 = request.flush_l2;
    Context& ctx = context();
    CUstream stream = ctx.stream();
    if (flush_l2 && !flusher_) flusher_ = std::make_unique<L2Flusher>(ctx);

    RunReply reply;
    for (const RunSize& run_size : request.sizes) {
      const ProblemSize& size = run_size.size;
      if (!run_size.launch)
        throw std::runtime_error("size " + size.label + " has no launch geometry");
      SizeResult r;
      r.label = size.label;
      r.dims = size.dims;
      const auto grid = run_size.launch->grid;
      const auto block = run_size.launch->block;
      const std::uint32_t shared = run_size.launch->shared_bytes;
      const bool overlap = run_size.launch->overlap_launches && ctx.info().cc_major >= 9;
      const std::uint64_t threads = std::uint64_t{block[0]} * block[1] * block[2];
      if (threads == 0 || threads > static_cast<std::uint64_t>(kernel.attributes.max_threads)) {
        r.message = "block of " + std::to_string(threads) +
                    " threads: this kernel launches at most " +
                    std::to_string(kernel.attributes.max_threads) + " (" +
                    std::to_string(kernel.attributes.registers) + " registers per thread)";
        const std::string diagnostic = "launch refused: " + r.message;
        return failed_run(EvalStatus::crash, diagnostic, std::move(r), false);
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
          launch(kernel.function, grid, block, shared, stream, p.pointers.data(), overlap);
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
          return failed_run(EvalStatus::crash, "size " + size.label + ": " + f.what(), std::move(r),
                            true);
        }
        r.message = f.what();
        return failed_run(
            f.code() == CUDA_ERROR_OUT_OF_MEMORY ? EvalStatus::out_of_memory : EvalStatus::crash,
            "size " + size.label + ": launch failed: " + f.what(), std::move(r), false);
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
        const std::string diagnostic = "size " + size.label + ": " + r.message;
        return failed_run(EvalStatus::wrong_result, diagnostic, std::move(r), false);
      }
      if (timed) {
        bool any_restore = false;
        for (const CudaBuffer& b : inst.problem.buffers) any_restore |= b.restore;
        std::function<void()> reset;
        if (any_restore) reset = [&] { restore(false); };
        r.timing =
            time_on_stream(stream, run_all, reset, flush_l2 ? flusher_.get() : nullptr, options);
      }
      reply.sizes.push_back(std::move(r));
    }
    return reply;
  }

  RooflineReply roofline(const RooflineRequest& request) override {
    instances_.clear();
    instance_order_.clear();
    const GpuRooflineProbe p = probe_gpu_roofline(
        context(), request.buffer_bytes ? request.buffer_bytes : std::size_t{1} << 30);
    RooflineReply reply;
    reply.device = to_json(*device());
    reply.copy_bytes_per_s = p.copy_bytes_per_s;
    reply.triad_bytes_per_s = p.triad_bytes_per_s;
    reply.fma_flops_per_s = p.fma_flops_per_s;
    reply.buffer_bytes = p.buffer_bytes;
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
  CudaWorkerService service(device);
  ServeOptions options;
  options.cpu_budget = false;  // device work: the driver's deadline bounds it
  options.worker_name = "CUDA worker (host memory)";
  return serve_requests(in_fd, out_fd, service, options);
}

}  // namespace evojit
