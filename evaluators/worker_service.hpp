// The worker side of the driver/worker protocol. A worker is a long-lived process
// (evojit-worker) that compiles candidates with its one CpuJit and runs them on the
// task's inputs; the driver never runs candidate code. Requests and replies are JSON
// lines (evaluators/line_channel.hpp):
//
//   {"op":"compile","source":S}                     ->
//   {"ok","compile","log","diagnostics","kernel"}
//   {"op":"run","task":T,"kernel":K,"sizes":[...],
//    "measure":{...}}                                -> {"status","diagnostic","sizes":[...]}
//   {"op":"roofline","max_threads":N,"stream_elements":E} -> {"bandwidth":[...],"flops":[...]}
//   {"op":"ping"}                                    -> {"ok":true}
//
// Every reply carries "error" instead when the request itself was malformed.
#pragma once

namespace evojit {

// Serves requests until the input closes. Returns the process exit code.
int serve_worker(int in_fd, int out_fd);

}  // namespace evojit
