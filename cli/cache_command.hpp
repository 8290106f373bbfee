// The evaluation cache on the command line: the flags of `evojit run` that choose it
// (--cache FILE, --no-cache, --cache-measurements M, --cache-forget P; runs/run_cache.hpp
// says what they do) and `evojit cache stats|clear|export [--cache FILE]` on the
// persistent store (evaluators/cache/evaluation_store.hpp).
#pragma once

#include <CLI/CLI.hpp>

#include "runs/run_spec.hpp"

namespace evojit::cli {

// Options on `cmd` writing into `spec`; apply_cache_flags() finishes them after parsing.
struct CacheFlags {
  std::string file;
  bool off = false;
  std::uint64_t measurements = 1;
  std::string forget;
};
void add_cache_flags(CLI::App& cmd, CacheFlags& flags);
// The flags given on the command line over `spec` (from a config file, or the
// defaults). Throws InputError for --cache with --no-cache or a bad probability.
void apply_cache_flags(const CLI::App& cmd, const CacheFlags& flags, CacheSpec& spec);

void add_cache_command(CLI::App& app);

}  // namespace evojit::cli
