// A run that cannot evaluate anything must not start: before a run writes its
// directory, one worker of its pool is started and pinged. A worker binary that is
// missing, exits at once (EVOJIT_WORKER=/bin/false) or cannot get a scratch
// directory would otherwise turn every evaluation into worker_lost and "finish" a
// run that measured nothing.
#pragma once

#include "evaluators/worker/worker_pool.hpp"

namespace evojit {

// Throws InputError naming the worker executable (or the scratch directory) and how
// it failed. The worker that answered stays alive in the pool for the run.
// `executable` names the pool's worker binary in the message (empty: the CPU worker's).
void require_startable_worker(WorkerPool& pool, const std::string& executable = {});

}  // namespace evojit
