// Thin RAII over the CUDA driver API, for the CUDA backend's own files, its tests
// and benchmarks: this header includes <cuda.h>, so nothing outside the backend's
// implementation should include it (public headers stay CUDA-free).
//
// A failing driver call throws CudaFailure carrying the CUresult; sticky() says the
// context is ruined (an illegal address, say) and the process must be replaced.
#pragma once

#include <cuda.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace evojit::cuda {

class CudaFailure : public std::runtime_error {
 public:
  CudaFailure(CUresult code, const std::string& what);
  CUresult code() const { return code_; }
  bool sticky() const;

 private:
  CUresult code_;
};

std::string error_name(CUresult r);  // "CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access..."
// Errors after which the context can no longer be used.
bool is_sticky(CUresult r);
void check(CUresult r, const char* what);

// The number of devices the driver sees, or 0 (with the reason) when it cannot
// start: no driver, stub library, no device.
int device_count(std::string* why_none = nullptr);

struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  std::string uuid;  // hex
  int cc_major = 0, cc_minor = 0;
  int sm_count = 0;
  int l2_bytes = 0;
  std::size_t memory_bytes = 0;
  int clock_khz = 0;         // SM clock (nominal)
  int memory_clock_khz = 0;  // peak memory clock
  int bus_width_bits = 0;
  int max_shared_per_block_optin = 0;
  // Nominal peaks: memory clock x bus width x 2 (DDR); SMs x FP32 lanes x 2 x clock.
  double nominal_bandwidth() const;
  double nominal_fp32_flops() const;
  int fp32_lanes_per_sm() const;
};

// The primary context of one device, current on the calling thread.
class Context {
 public:
  explicit Context(int ordinal);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  const DeviceInfo& info() const { return info_; }
  CUstream stream() const { return stream_; }
  void synchronize() const;

 private:
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  CUstream stream_ = nullptr;
  DeviceInfo info_;
};

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(o.ptr_), bytes_(o.bytes_) { o.ptr_ = 0; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept;
  CUdeviceptr get() const { return ptr_; }
  std::size_t bytes() const { return bytes_; }

 private:
  CUdeviceptr ptr_ = 0;
  std::size_t bytes_ = 0;
};

struct FunctionAttributes {
  int registers = 0;
  int shared_bytes = 0;  // static shared memory
  int local_bytes = 0;   // local memory per thread (spills, stack arrays)
  int max_threads = 0;   // the most threads per block this function can launch with
  int const_bytes = 0;
  int binary_version = 0;
};

class Module {
 public:
  // Loads a cubin or PTX image; a PTX image is JIT-compiled by the driver, whose
  // error log goes to `log`.
  static Module load(const std::string& image, std::string* log);
  Module() = default;
  ~Module();
  Module(Module&& o) noexcept : module_(o.module_) { o.module_ = nullptr; }
  Module& operator=(Module&& o) noexcept;
  CUfunction function(const std::string& lowered_name) const;
  // The address and size of a __device__/__constant__ variable.
  std::pair<CUdeviceptr, std::size_t> global(const std::string& name) const;

 private:
  CUmodule module_ = nullptr;
};

FunctionAttributes function_attributes(CUfunction f);

class Event {
 public:
  Event();
  ~Event();
  Event(const Event&) = delete;
  CUevent get() const { return event_; }

 private:
  CUevent event_ = nullptr;
};

// Milliseconds between two recorded events (after synchronizing on the second).
double elapsed_ms(const Event& from, const Event& to);

// overlap: programmatic stream serialization (sm_90+, ignored below): the kernel may start
// while the launch before it on the stream drains, and must wait for it itself.
void launch(CUfunction f, const std::array<std::uint32_t, 3>& grid,
            const std::array<std::uint32_t, 3>& block, std::uint32_t shared_bytes, CUstream stream,
            void** args, bool overlap = false);

}  // namespace evojit::cuda
