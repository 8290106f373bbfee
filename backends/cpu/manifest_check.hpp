// The check a manifest task passes before a run writes anything: its seed
// configuration compiles (else the manifest and the source disagree: an entry function
// the source lacks, a signature unlike the manifest's arguments) and its outputs agree
// with the reference on at least one training size. Each failure is one InputError
// naming the manifest and the JSON pointer to fix, with the compiler's own words.
#pragma once

#include "evaluators/backend.hpp"

namespace evojit {

// Compiles and runs (checking, not timing) the seed of `task` on `backend`; returns
// at once for a task not made from a manifest.
void require_manifest_seed_runs(Backend& backend, const Task& task);

}  // namespace evojit
