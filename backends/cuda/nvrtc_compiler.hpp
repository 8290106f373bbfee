// CUDA source -> loadable image through NVRTC, in the worker. The image is a CUBIN
// for the device's own sm_XY when this NVRTC knows that architecture, else PTX for
// the newest virtual architecture it knows at or below the device's (the driver
// then finishes the compile at load time). Compile errors come back as data: the
// log, and each diagnostic with its line and, where NVRTC shows the caret, column.
//
// No CUDA header here: callers need not include <nvrtc.h>.
#pragma once

#include <string>
#include <vector>

#include "evaluators/evaluation.hpp"

namespace evojit::cuda {

struct NvrtcRequest {
  std::string source;
  std::string program_name = "kernel.cu";
  // A __global__ function's name, or a name expression for a template instance
  // ("gemm<128, 64>"): its lowered (mangled) name is returned.
  std::string kernel_name;
  int cc_major = 0, cc_minor = 0;
  std::vector<std::string> options;  // "-std=c++17" is added unless a -std is given
  bool force_ptx = false;            // skip the CUBIN path (tests, old drivers)
};

struct NvrtcResult {
  bool ok = false;
  std::string log;
  std::vector<SourceDiagnostic> diagnostics;
  std::string image;       // CUBIN or PTX bytes
  std::string image_kind;  // "cubin" or "ptx"
  std::string arch;        // "sm_90" or "compute_90"
  std::string lowered_name;
  double compile_s = 0.0;
};

NvrtcResult nvrtc_compile(const NvrtcRequest& request);

// "kernel.cu(12): error: identifier "x" is undefined" lines, with the column read
// from the caret line NVRTC prints under the echoed source line (aligned against
// `source` when given). Other lines are ignored.
std::vector<SourceDiagnostic> parse_nvrtc_log(const std::string& log,
                                              const std::string& source = {});

// The NVRTC version, "13.0".
std::string nvrtc_version();

}  // namespace evojit::cuda
