// The worker side of the protocol (evaluators/worker/protocol.hpp), written once for
// every worker binary: read a request line, parse it, check its protocol version,
// dispatch it to the service's handler, sign the reply and write it. A malformed
// request, an unknown op or a handler's exception becomes an error reply; a failed
// allocation becomes an out_of_memory failure; "quit" ends the loop without a reply.
// A backend's service (backends/cpu/cpu_worker_service.cpp,
// backends/cuda/cuda_worker_service.cpp) implements only its handlers.
#pragma once

#include <exception>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "evaluators/worker/protocol.hpp"

namespace evojit {

class WorkerService {
 public:
  virtual ~WorkerService() = default;

  virtual CompileReply compile(const CompileRequest& request) = 0;
  virtual RunReply run(const RunRequest& request) = 0;
  virtual RooflineReply roofline(const RooflineRequest& request) = 0;
  virtual PingReply ping() = 0;
  // Workers without a device record answer the device op with an error reply.
  virtual std::optional<DeviceReply> device() { return std::nullopt; }

  // Called before every request other than ping: a reply here refuses it (the CUDA
  // worker whose context is lost).
  virtual std::optional<nlohmann::json> refuse(WorkerOp /*op*/) { return std::nullopt; }
  // A handler's exception the service answers itself (the CUDA worker's CudaFailure
  // becomes a crash or out_of_memory failure); nullopt: an error reply.
  virtual std::optional<nlohmann::json> reply_for(const std::exception& /*failure*/) {
    return std::nullopt;
  }

  // Answers one parsed request (the loop's dispatch; tests call it directly).
  nlohmann::json answer(const nlohmann::json& request);
};

struct ServeOptions {
  // Honour each request's "cpu_seconds" (evaluators/worker/worker_limits.hpp).
  bool cpu_budget = true;
  std::string worker_name = "worker";  // in diagnostics: "an allocation failed in the ..."
};

// Serves requests from `in_fd`, replies to `out_fd`, until the input closes or a quit
// request. Returns the process exit code: 0, or 1 when a reply cannot be written.
int serve_requests(int in_fd, int out_fd, WorkerService& service, const ServeOptions& options = {});

}  // namespace evojit
