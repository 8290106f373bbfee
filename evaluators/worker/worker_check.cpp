#include "evaluators/worker/worker_check.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "support/error.hpp"

namespace evojit {
namespace {

// The first request waits for the worker's warm-up (its JIT and a first compile);
// this is far more than that takes, and only a broken worker ever reaches it.
constexpr std::chrono::seconds kStartTimeout{120};

std::string how_it_ended(const WorkerProcess::Reply& reply) {
  if (reply.kind == WorkerProcess::Reply::Kind::timeout) {
    return "did not answer within " + std::to_string(kStartTimeout.count()) + " s";
  }
  if (reply.kind == WorkerProcess::Reply::Kind::died) {
    if (reply.signal) return std::string("was killed by signal ") + strsignal(reply.signal);
    if (reply.exit_code == 127) return "could not be executed (exit code 127)";
    return "exited with code " + std::to_string(reply.exit_code) + " instead of answering";
  }
  return "answered " + reply.body.dump().substr(0, 200);
}

}  // namespace

void require_startable_worker(WorkerPool& pool, const std::string& executable) {
  const std::string exe = executable.empty() ? default_worker_executable() : executable;
  const char* from_env = std::getenv("EVOJIT_WORKER");
  const std::string hint = from_env && *from_env
                               ? "EVOJIT_WORKER names it; point it at a built evojit-worker"
                               : "evojit-worker must be installed beside evojit";
  WorkerPool::Lease lease = pool.acquire();
  WorkerProcess::Reply reply;
  try {
    reply = lease.worker().request({{"op", "ping"}}, kStartTimeout);
  } catch (const std::runtime_error& e) {
    // Spawning itself failed: no pipes, no fork, or no scratch directory.
    const char* tmp = std::getenv("TMPDIR");
    throw_input_error(std::string("no worker can start: ") + e.what(),
                      std::string("TMPDIR=") + (tmp && *tmp ? tmp : "/tmp"),
                      "set TMPDIR to a writable directory with free space");
  }
  const bool answered = reply.kind == WorkerProcess::Reply::Kind::ok && reply.body.is_object() &&
                        reply.body.value("ok", false);
  if (answered) return;
  std::string text = "no worker can start: the worker " + how_it_ended(reply);
  std::string last_words = reply.stderr_tail.substr(0, 300);
  while (!last_words.empty() && (last_words.back() == '\n' || last_words.back() == ' ')) {
    last_words.pop_back();
  }
  if (!last_words.empty()) text += "; it said: " + last_words;
  throw_input_error(text, exe, hint);
}

}  // namespace evojit
