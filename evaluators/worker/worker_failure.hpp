// How a request to a worker that did not come back becomes an evaluation's failure:
// a worker that missed its deadline or died is classified from how it ended (its
// EvalStatus, signal and a diagnostic with its last words), and one that refused a
// request is worker_lost. Shared by every backend that evaluates in worker processes.
#pragma once

#include <string_view>

#include "evaluators/evaluation.hpp"
#include "evaluators/worker/worker_pool.hpp"

namespace evojit {

// Sets e.status, e.signal (for a signal) and e.diagnostic for a reply whose kind is
// timeout or died. `phase` ("compile", "run") and `worker` ("worker", "CUDA worker")
// name what failed in the diagnostic.
void classify_lost_worker(const WorkerProcess::Reply& reply, std::string_view phase,
                          std::string_view worker, Evaluation& e);

// What a worker killed by someone else's SIGKILL says in its diagnostic.
inline constexpr std::string_view kKilledFromOutside = "was killed from outside";

// True for an evaluation lost to a worker killed from outside: nothing is known of
// the candidate, so its configuration deserves one more try (once: a candidate that
// gets its worker killed every time then stays worker_lost).
bool worth_retrying(const Evaluation& e);

// False for a reply to work with. True, with `e` saying why, when the worker timed
// out or died (classify_lost_worker) or answered the `phase` request with an error.
bool request_failed(const WorkerProcess::Reply& reply, std::string_view phase,
                    std::string_view worker, Evaluation& e);

}  // namespace evojit
