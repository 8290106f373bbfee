#include "evaluators/worker/worker_backend.hpp"

#include "evaluators/worker/worker_check.hpp"

#include <csignal>
#include <stdexcept>

#include "evaluators/worker/worker_failure.hpp"
#include "support/error.hpp"

namespace evojit {

using Reply = WorkerProcess::Reply;

WorkerBackend::WorkerBackend(std::unique_ptr<WorkerPool> pool, WorkerBackendOptions options)
    : owned_pool_(std::move(pool)),
      pool_(*owned_pool_),
      options_(std::move(options)),
      start_(std::chrono::steady_clock::now()) {
  // A request written to a worker that has just died must fail as EPIPE (and be
  // classified), not kill the driver with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
}

WorkerBackend::WorkerBackend(WorkerPool& pool, WorkerBackendOptions options)
    : pool_(pool), options_(std::move(options)), start_(std::chrono::steady_clock::now()) {
  std::signal(SIGPIPE, SIG_IGN);
}

double WorkerBackend::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void WorkerBackend::quit_worker(WorkerProcess& worker) {
  // Answered by the worker's exit (a closed pipe), which the process reaps.
  worker.request(to_json(QuitRequest{}), std::chrono::milliseconds(5000));
}

bool WorkerBackend::answered(const Reply& reply, std::string_view phase, Outcome& outcome) const {
  if (reply.kind == Reply::Kind::ok) {
    if (const auto theirs = mismatched_worker_version(reply.body)) {
      throw_input_error(
          "the " + options_.worker_name + " speaks worker protocol version " +
              std::to_string(*theirs) + ", this evojit speaks version " +
              std::to_string(kWorkerProtocolVersion),
          options_.executable,
          "the worker binary is from another build of evojit: rebuild both, or point the "
          "worker variable (EVOJIT_WORKER, EVOJIT_CUDA_WORKER) at the matching one");
    }
  }
  Evaluation e;
  if (!request_failed(reply, phase, options_.worker_name, e)) return true;
  outcome = {e.status, std::move(e.diagnostic), e.signal};
  return false;
}

WorkerBackend::Outcome WorkerBackend::malformed(WorkerProcess& worker, const Reply& reply,
                                                std::string_view phase,
                                                const MalformedMessage& what) const {
  quit_worker(worker);
  std::string text = reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 200) text = text.substr(0, 200) + "...";
  return {EvalStatus::worker_lost,
          std::string(phase) + ": the " + options_.worker_name + "'s reply is malformed (" +
              what.what() + "): " + text + "; the " + options_.worker_name + " was replaced",
          0};
}

Compiled WorkerBackend::compile(const Artifact& artifact) {
  Compiled c;
  WorkerPool::Lease lease = pool_.acquire();
  WorkerProcess& worker = lease.worker();
  const Reply reply = worker.request(to_json(compile_request(artifact)), options_.compile_timeout);
  Outcome failed;
  auto fail = [&](Outcome o) {
    c.status = o.status;
    c.diagnostic = std::move(o.diagnostic);
    c.signal = o.signal;
    return c;
  };
  if (!answered(reply, "compile", failed)) return fail(std::move(failed));
  CompileReply r;
  try {
    r = compile_reply_from_json(reply.body);
  } catch (const MalformedMessage& e) {
    return fail(malformed(worker, reply, "compile", e));
  }
  c.stats = r.stats;
  if (r.resources) c.resources = *r.resources;
  if (!r.ok) {
    c.status = r.status;
    c.diagnostic = std::move(r.log);
    c.source_diagnostics = std::move(r.diagnostics);
    if (r.sticky) lost_state(worker, c.diagnostic);
    return c;
  }
  c.kernel =
      std::make_shared<WorkerKernel>(std::move(lease), std::move(r.kernel), artifact.bindings);
  return c;
}

Measured WorkerBackend::run(const Compiled& compiled, std::span<const ProblemSize> sizes) {
  const auto* kernel = dynamic_cast<const WorkerKernel*>(compiled.kernel.get());
  if (!kernel) throw std::logic_error("WorkerBackend::run: not a candidate this backend compiled");
  RunRequest request = run_request(*kernel, sizes);
  request.kernel = kernel->handle();
  request.measure = options_.measure;
  const auto timeout =
      options_.run_timeout +
      std::chrono::milliseconds(static_cast<long long>(4000.0 * options_.measure.max_seconds *
                                                       static_cast<double>(sizes.size())));
  WorkerProcess& worker = kernel->worker();
  Reply reply;
  {
    std::lock_guard device(pool_.device_mutex());
    reply = worker.request(to_json(request), timeout);
  }
  Measured m;
  Outcome failed;
  auto fail = [&](Outcome o) {
    m.status = o.status;
    m.diagnostic = std::move(o.diagnostic);
    m.signal = o.signal;
    return m;
  };
  if (!answered(reply, "run", failed)) return fail(std::move(failed));
  RunReply r;
  try {
    r = run_reply_from_json(reply.body);
  } catch (const MalformedMessage& e) {
    return fail(malformed(worker, reply, "run", e));
  }
  m.status = r.status;
  m.diagnostic = std::move(r.diagnostic);
  m.sizes = std::move(r.sizes);
  if (r.sticky) lost_state(worker, m.diagnostic);
  return m;
}

void WorkerBackend::require_ready() { require_startable_worker(pool_, options_.executable); }

}  // namespace evojit
