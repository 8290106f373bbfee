// The replay backend ("replay"): a recorded space (a Kernel Tuner cache, optionally with
// the T1 file giving its conditions) answers every evaluation instead of a compiler and
// a device, as Kernel Tuner's simulation mode does. Its task is made from the cache:
// the space (backends/replay/replay_evaluator.hpp says how it is built), one training
// size (the recorded problem size), no held-out sizes and no source. It is deterministic
// and its clock is simulated: it charges what the recorded tuning cost.
//
// Options: {"cache": path (required), "t1": path (optional)}. It measures nothing, so it
// refuses what it cannot honour: more than one worker, measurement options other than
// the defaults, a machine profile.
#pragma once

#include "evaluators/backend.hpp"

namespace evojit {

class KernelTunerCache;

// The content hash of a cache file (its bytes, as 16 hex digits), kept in run.json so
// that resume refuses a cache file that changed under the run.
std::string cache_file_hash(const std::filesystem::path& file);

// Throws InputError (files, a cache with nothing to search, a T1 space the cache does
// not cover, unknown option keys).
std::unique_ptr<Backend> make_replay_backend(const BackendContext& context);

void register_replay_backend(BackendRegistry& registry);

}  // namespace evojit
