#include "backends/cuda/cuda_driver.hpp"

#include <cstdio>
#include <vector>

namespace evojit::cuda {

CudaFailure::CudaFailure(CUresult code, const std::string& what)
    : std::runtime_error(what + ": " + error_name(code)), code_(code) {}

bool CudaFailure::sticky() const { return is_sticky(code_); }

std::string error_name(CUresult r) {
  const char* name = nullptr;
  const char* text = nullptr;
  cuGetErrorName(r, &name);
  cuGetErrorString(r, &text);
  std::string out = name ? name : "CUDA error " + std::to_string(static_cast<int>(r));
  if (text) out += std::string(" (") + text + ")";
  return out;
}

bool is_sticky(CUresult r) {
  switch (r) {
    case CUDA_ERROR_ILLEGAL_ADDRESS:
    case CUDA_ERROR_LAUNCH_FAILED:
    case CUDA_ERROR_MISALIGNED_ADDRESS:
    case CUDA_ERROR_ILLEGAL_INSTRUCTION:
    case CUDA_ERROR_INVALID_ADDRESS_SPACE:
    case CUDA_ERROR_INVALID_PC:
    case CUDA_ERROR_HARDWARE_STACK_ERROR:
    case CUDA_ERROR_ASSERT:
    case CUDA_ERROR_LAUNCH_TIMEOUT:
    case CUDA_ERROR_ECC_UNCORRECTABLE:
    case CUDA_ERROR_CONTEXT_IS_DESTROYED:
    case CUDA_ERROR_UNKNOWN:
      return true;
    default:
      return false;
  }
}

void check(CUresult r, const char* what) {
  if (r != CUDA_SUCCESS) throw CudaFailure(r, what);
}

int device_count(std::string* why_none) {
  const CUresult init = cuInit(0);
  if (init != CUDA_SUCCESS) {
    if (why_none) *why_none = "cuInit failed: " + error_name(init);
    return 0;
  }
  int count = 0;
  const CUresult r = cuDeviceGetCount(&count);
  if (r != CUDA_SUCCESS) {
    if (why_none) *why_none = "cuDeviceGetCount failed: " + error_name(r);
    return 0;
  }
  if (count == 0 && why_none) *why_none = "the driver reports no CUDA device";
  return count;
}

int DeviceInfo::fp32_lanes_per_sm() const {
  // FP32 lanes per SM by architecture (CUDA C++ Programming Guide, throughput table).
  if (cc_major == 6 && cc_minor == 0) return 64;
  if (cc_major == 7) return 64;
  if (cc_major == 8 && cc_minor == 0) return 64;
  return 128;  // 6.1, 8.6, 8.9, 9.0, 10.x, 12.x
}

double DeviceInfo::nominal_bandwidth() const {
  return 2.0 * memory_clock_khz * 1e3 * bus_width_bits / 8.0;
}

double DeviceInfo::nominal_fp32_flops() const {
  return 2.0 * sm_count * fp32_lanes_per_sm() * clock_khz * 1e3;
}

Context::Context(int ordinal) {
  check(cuInit(0), "cuInit");
  check(cuDeviceGet(&device_, ordinal), "cuDeviceGet");
  check(cuDevicePrimaryCtxRetain(&context_, device_), "cuDevicePrimaryCtxRetain");
  check(cuCtxSetCurrent(context_), "cuCtxSetCurrent");
  check(cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  info_.ordinal = ordinal;
  char name[256] = {};
  cuDeviceGetName(name, sizeof name, device_);
  info_.name = name;
  CUuuid uuid{};
  if (cuDeviceGetUuid(&uuid, device_) == CUDA_SUCCESS) {
    char hex[3];
    for (unsigned char c : uuid.bytes) {
      std::snprintf(hex, sizeof hex, "%02x", c);
      info_.uuid += hex;
    }
  }
  auto attr = [&](CUdevice_attribute a) {
    int v = 0;
    cuDeviceGetAttribute(&v, a, device_);
    return v;
  };
  info_.cc_major = attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
  info_.cc_minor = attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
  info_.sm_count = attr(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
  info_.l2_bytes = attr(CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
  info_.clock_khz = attr(CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
  info_.memory_clock_khz = attr(CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
  info_.bus_width_bits = attr(CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
  info_.max_shared_per_block_optin = attr(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
  cuDeviceTotalMem(&info_.memory_bytes, device_);
}

Context::~Context() {
  if (stream_) cuStreamDestroy(stream_);
  if (context_) cuDevicePrimaryCtxRelease(device_);
}

void Context::synchronize() const { check(cuStreamSynchronize(stream_), "cuStreamSynchronize"); }

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
  check(cuMemAlloc(&ptr_, bytes ? bytes : 1), "cuMemAlloc");
}

DeviceBuffer::~DeviceBuffer() {
  if (ptr_) cuMemFree(ptr_);
}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
  if (this != &o) {
    if (ptr_) cuMemFree(ptr_);
    ptr_ = o.ptr_;
    bytes_ = o.bytes_;
    o.ptr_ = 0;
  }
  return *this;
}

Module Module::load(const std::string& image, std::string* log) {
  std::vector<char> error_log(16384, '\0');
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void* values[] = {error_log.data(), reinterpret_cast<void*>(error_log.size())};
  Module m;
  const CUresult r = cuModuleLoadDataEx(&m.module_, image.c_str(), 2, options, values);
  if (log) *log = error_log.data();
  check(r, "cuModuleLoadDataEx");
  return m;
}

Module::~Module() {
  if (module_) cuModuleUnload(module_);
}

Module& Module::operator=(Module&& o) noexcept {
  if (this != &o) {
    if (module_) cuModuleUnload(module_);
    module_ = o.module_;
    o.module_ = nullptr;
  }
  return *this;
}

CUfunction Module::function(const std::string& lowered_name) const {
  CUfunction f = nullptr;
  check(cuModuleGetFunction(&f, module_, lowered_name.c_str()),
        ("cuModuleGetFunction(" + lowered_name + ")").c_str());
  return f;
}

std::pair<CUdeviceptr, std::size_t> Module::global(const std::string& name) const {
  CUdeviceptr p = 0;
  std::size_t bytes = 0;
  check(cuModuleGetGlobal(&p, &bytes, module_, name.c_str()),
        ("cuModuleGetGlobal(" + name + ")").c_str());
  return {p, bytes};
}

FunctionAttributes function_attributes(CUfunction f) {
  FunctionAttributes a;
  auto get = [&](CUfunction_attribute which) {
    int v = 0;
    cuFuncGetAttribute(&v, which, f);
    return v;
  };
  a.registers = get(CU_FUNC_ATTRIBUTE_NUM_REGS);
  a.shared_bytes = get(CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES);
  a.local_bytes = get(CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES);
  a.max_threads = get(CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
  a.const_bytes = get(CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES);
  a.binary_version = get(CU_FUNC_ATTRIBUTE_BINARY_VERSION);
  return a;
}

Event::Event() { check(cuEventCreate(&event_, CU_EVENT_DEFAULT), "cuEventCreate"); }

Event::~Event() {
  if (event_) cuEventDestroy(event_);
}

double elapsed_ms(const Event& from, const Event& to) {
  check(cuEventSynchronize(to.get()), "cuEventSynchronize");
  float ms = 0.0f;
  check(cuEventElapsedTime(&ms, from.get(), to.get()), "cuEventElapsedTime");
  return ms;
}

void launch(CUfunction f, const std::array<std::uint32_t, 3>& grid,
            const std::array<std::uint32_t, 3>& block, std::uint32_t shared_bytes, CUstream stream,
            void** args, bool overlap) {
  // Past the default 48 KB a kernel gets dynamic shared memory only once it opts in.
  if (shared_bytes > 48 * 1024) {
    check(cuFuncSetAttribute(f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                             static_cast<int>(shared_bytes)),
          "cuFuncSetAttribute (dynamic shared memory)");
  }
  if (overlap) {
    CUlaunchAttribute attribute{};
    attribute.id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
    attribute.value.programmaticStreamSerializationAllowed = 1;
    CUlaunchConfig config{};
    config.gridDimX = grid[0];
    config.gridDimY = grid[1];
    config.gridDimZ = grid[2];
    config.blockDimX = block[0];
    config.blockDimY = block[1];
    config.blockDimZ = block[2];
    config.sharedMemBytes = shared_bytes;
    config.hStream = stream;
    config.attrs = &attribute;
    config.numAttrs = 1;
    check(cuLaunchKernelEx(&config, f, args, nullptr), "cuLaunchKernelEx");
    return;
  }
  check(cuLaunchKernel(f, grid[0], grid[1], grid[2], block[0], block[1], block[2], shared_bytes,
                       stream, args, nullptr),
        "cuLaunchKernel");
}

}  // namespace evojit::cuda
