// The worker side of the CUDA backend (evojit-cuda-worker). One process owns one
// device's context: it compiles candidates with NVRTC, loads them through the
// driver API, runs them on the task's data and times them with CUDA events. A
// sticky error (an illegal address, say) ruins the context: the worker reports it
// with "sticky": true, and the driver replaces the process. It speaks the worker
// protocol (evaluators/worker/protocol.hpp) through the shared request loop
// (evaluators/worker/worker_service.hpp): device, compile (kernel name, NVRTC
// options, PTX), run (problem kind, launch geometry per size, L2 flushing), roofline
// (buffer size), ping and quit.
#pragma once

namespace evojit {

// Serves requests for CUDA device `device` until the input closes or "quit".
int serve_cuda_worker(int in_fd, int out_fd, int device);

}  // namespace evojit
