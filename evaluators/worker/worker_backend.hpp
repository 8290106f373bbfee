// The driver side of a backend whose candidates compile and run in worker processes
// (the CPU JIT, CUDA): a Backend partial implementation that owns (or borrows) the
// WorkerPool and speaks the worker protocol (evaluators/worker/protocol.hpp).
//
// compile() leases a worker and sends the compile request; the Compiled it returns
// holds the lease and the worker's kernel handle, so run() (the same candidate)
// reaches the same worker. run() sends the run request under the pool's device lock
// (one measurement at a time) with a deadline that grows with the sizes. A worker that
// died or missed its deadline, refused the request, or answered with a malformed reply
// is a failed evaluation with a diagnostic; a worker that speaks another protocol
// version makes the backend unusable: one InputError, not a failure per candidate.
//
// A derived backend adds what differs: the request fields (compile_request,
// run_request), the task, traits, ceilings and identity, and what to do when the
// worker's state is lost (lost_state; CUDA ends the worker so the pool replaces it).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "evaluators/backend.hpp"
#include "evaluators/worker/protocol.hpp"
#include "evaluators/worker/worker_pool.hpp"

namespace evojit {

struct WorkerBackendOptions {
  MeasureOptions measure;
  std::chrono::milliseconds compile_timeout{60'000};
  // The run request gets this plus 4x the measurement cap per size.
  std::chrono::milliseconds run_timeout{30'000};
  std::string worker_name = "worker";  // in diagnostics: "the CUDA worker was killed"
  std::string executable;              // in the protocol-mismatch error; empty: unnamed
};

// A compiled candidate: the worker that holds its code, leased until the candidate's
// evaluation ends, and the handle its run request names.
class WorkerKernel final : public CompiledKernel {
 public:
  WorkerKernel(WorkerPool::Lease lease, std::string handle, std::map<std::string, Value> bindings)
      : lease_(std::move(lease)), handle_(std::move(handle)), bindings_(std::move(bindings)) {}
  WorkerProcess& worker() const { return lease_.worker(); }
  const std::string& handle() const { return handle_; }
  // The candidate's parameters (CUDA derives its launch geometry from them).
  const std::map<std::string, Value>& bindings() const { return bindings_; }

 private:
  WorkerPool::Lease lease_;
  std::string handle_;
  std::map<std::string, Value> bindings_;
};

class WorkerBackend : public Backend {
 public:
  Compiled compile(const Artifact& artifact) override;
  Measured run(const Compiled& compiled, std::span<const ProblemSize> sizes) override;
  double elapsed_s() const override;
  // One worker started and pinged (evaluators/worker/worker_check.hpp).
  void require_ready() override;

  WorkerPool& pool() const { return pool_; }
  const WorkerBackendOptions& options() const { return options_; }

 protected:
  WorkerBackend(std::unique_ptr<WorkerPool> pool, WorkerBackendOptions options);
  WorkerBackend(WorkerPool& pool, WorkerBackendOptions options);

  // The compile request for an artifact (the source, and for CUDA its kernel name and
  // options).
  virtual CompileRequest compile_request(const Artifact& artifact) const = 0;
  // The run request's backend fields (task or problem, launch geometry, flags); the
  // base fills the kernel handle and the measurement options.
  virtual RunRequest run_request(const WorkerKernel& kernel,
                                 std::span<const ProblemSize> sizes) const = 0;
  // The worker reported its state lost (a sticky CUDA error). `diagnostic` may be
  // amended; the default does nothing.
  virtual void lost_state(WorkerProcess& /*worker*/, std::string& /*diagnostic*/) {}

  // Ends a worker without a reply; the pool starts a fresh one at its next request.
  static void quit_worker(WorkerProcess& worker);

 private:
  struct Outcome {
    EvalStatus status = EvalStatus::ok;
    std::string diagnostic;
    int signal = 0;
  };
  // True when `reply` is one to read; false with `outcome` saying why not. Throws
  // InputError for a worker of another protocol version.
  bool answered(const WorkerProcess::Reply& reply, std::string_view phase, Outcome& outcome) const;
  // A reply that does not have the protocol's shape: the worker is ended.
  Outcome malformed(WorkerProcess& worker, const WorkerProcess::Reply& reply,
                    std::string_view phase, const MalformedMessage& what) const;

  std::unique_ptr<WorkerPool> owned_pool_;
  WorkerPool& pool_;
  WorkerBackendOptions options_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace evojit
