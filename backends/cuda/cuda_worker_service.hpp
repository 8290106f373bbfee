// The worker side of the CUDA backend (evojit-cuda-worker). One process owns one
// device's context: it compiles candidates with NVRTC, loads them through the
// driver API, runs them on the task's data and times them with CUDA events. A
// sticky error (an illegal address, say) ruins the context: the worker reports it
// with "sticky": true, and the driver replaces the process. Requests and replies are
// JSON lines (evaluators/worker/line_channel.hpp):
//
//   {"op":"device"}                                  -> {"name","cc","sm_count",...}
//   {"op":"compile","source":S,"kernel_name":N,"options":[...],"force_ptx":B}
//       -> {"ok","compile","log","diagnostics","kernel","resources"}
//   {"op":"run","problem":KIND,"kernel":K,"flush_l2":B,"time":B,"measure":{...},
//    "sizes":[{"label","dims","grid":[3],"block":[3],"shared":N}]}
//       -> {"status","diagnostic","sizes":[...],"sticky":B}
//   {"op":"roofline","buffer_bytes":N}               -> {"copy","triad","fma","nominal_*",...}
//   {"op":"ping"}                                    -> {"ok":true}
//   {"op":"quit"}                                    -> (exits without a reply)
#pragma once

namespace evojit {

// Serves requests for CUDA device `device` until the input closes or "quit".
int serve_cuda_worker(int in_fd, int out_fd, int device);

}  // namespace evojit
