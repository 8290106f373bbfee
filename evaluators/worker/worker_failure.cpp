#include "evaluators/worker/worker_failure.hpp"

#include <csignal>
#include <cstring>
#include <string>

#include "evaluators/worker/worker_limits.hpp"

namespace evojit {

using Reply = WorkerProcess::Reply;

// Every way a worker can end maps to exactly one class:
//   missed its wall-clock deadline, or SIGXCPU (its CPU budget)   -> timeout
//   exit code kWorkerExitOutOfMemory (died after a failed allocation),
//   SIGKILL that the driver did not send while the kernel counted an
//   out-of-memory kill (or where it cannot tell: /proc/vmstat unreadable),
//   or SIGSEGV/SIGBUS/SIGABRT with peak RSS near its memory limit -> out_of_memory
//   SIGKILL with no out-of-memory kill counted (someone killed it)  -> worker_lost,
//                                                                    retried once
//   a reply that failed authentication (forged by the candidate)  -> crash
//   any other signal                                              -> crash (signal)
//   any other exit                                                -> worker_lost
// A worker without a memory limit (the CUDA worker) never meets the memory-limit
// case, and one that sets no CPU budget and never exits kWorkerExitOutOfMemory never
// meets those: for it the classes are timeout, SIGKILL, other signal, other exit.
void classify_lost_worker(const Reply& reply, std::string_view phase, std::string_view worker,
                          Evaluation& e) {
  const std::string what(phase);
  const std::string who(worker);
  const std::string tail =
      reply.stderr_tail.empty() ? "" : "\nworker stderr:\n" + reply.stderr_tail;
  const std::string memory =
      " (peak RSS " + std::to_string(reply.peak_rss_bytes >> 20) + " MiB" +
      (reply.memory_limit_bytes
           ? ", limit " + std::to_string(reply.memory_limit_bytes >> 20) + " MiB)"
           : ")");
  if (reply.kind == Reply::Kind::timeout) {
    e.status = EvalStatus::timeout;
    e.diagnostic = what + " exceeded its time limit; the " + who + " was killed" + tail;
    return;
  }
  if (reply.kind == Reply::Kind::forged) {
    e.status = EvalStatus::crash;
    e.diagnostic = what + ": the " + who +
                   "'s reply failed authentication (candidate code wrote to the reply "
                   "channel: a forged reply); the " +
                   who + " was killed";
    return;
  }
  // Driver-side evidence that does not rely on the worker's word: a crash at the
  // memory limit is the allocation failure's consequence, not a bug of its own.
  const bool at_memory_limit =
      reply.memory_limit_bytes > 0 && reply.peak_rss_bytes >= reply.memory_limit_bytes / 10 * 9;
  const bool memory_signal =
      reply.signal == SIGSEGV || reply.signal == SIGBUS || reply.signal == SIGABRT;
  if (reply.signal == SIGXCPU) {
    e.status = EvalStatus::timeout;
    e.diagnostic = what + " exceeded the " + who + "'s CPU time limit" + tail;
  } else if (reply.exit_code == kWorkerExitOutOfMemory && !reply.signal) {
    e.status = EvalStatus::out_of_memory;
    e.diagnostic = what + ": an allocation failed and the " + who + " died of it" + memory + tail;
  } else if (reply.signal == SIGKILL && reply.oom_kills == 0) {
    e.status = EvalStatus::worker_lost;
    e.signal = SIGKILL;
    e.diagnostic = what + ": " + who + " " + std::string(kKilledFromOutside) +
                   " (SIGKILL; the kernel counted no out-of-memory kill)" + memory + tail;
  } else if (reply.signal == SIGKILL) {
    // Nobody here sent it: on Linux that is the out-of-memory killer.
    e.status = EvalStatus::out_of_memory;
    e.diagnostic =
        what + ": " + who + " killed (SIGKILL), most likely out of memory" + memory + tail;
  } else if (memory_signal && at_memory_limit) {
    e.status = EvalStatus::out_of_memory;
    e.signal = reply.signal;
    e.diagnostic = what + ": " + who + " died with signal " + std::to_string(reply.signal) +
                   " at its memory limit" + memory + tail;
  } else if (reply.signal) {
    e.status = EvalStatus::crash;
    e.signal = reply.signal;
    e.diagnostic = what + ": " + who + " crashed with signal " + std::to_string(reply.signal) +
                   " (" + strsignal(reply.signal) + ")" + tail;
  } else {
    e.status = EvalStatus::worker_lost;
    e.diagnostic =
        what + ": " + who + " exited with code " + std::to_string(reply.exit_code) + tail;
  }
}

bool worth_retrying(const Evaluation& e) {
  return e.status == EvalStatus::worker_lost &&
         e.diagnostic.find(kKilledFromOutside) != std::string::npos;
}

bool request_failed(const Reply& reply, std::string_view phase, std::string_view worker,
                    Evaluation& e) {
  if (reply.kind != Reply::Kind::ok) {
    classify_lost_worker(reply, phase, worker, e);
    return true;
  }
  if (reply.body.contains("error")) {
    e.status = EvalStatus::worker_lost;
    e.diagnostic = std::string(worker) + " refused the " + std::string(phase) +
                   " request: " + reply.body["error"].dump();
    return true;
  }
  return false;
}

}  // namespace evojit
