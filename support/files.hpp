// Reading a user's file whole, within bounds. Every reader of user files (run
// configs, T1 inputs, Kernel Tuner caches, run directory files, machine profiles,
// kernel sources) goes through here, so that `--config /dev/zero`, a FIFO or a
// multi-gigabyte file is one clear InputError, not a process that grows until the
// out-of-memory killer comes.
//
// A file must be a regular file (devices, FIFOs, sockets and directories are
// refused before a byte is read; opening never blocks) and at most its cap: each
// kind of file has a default cap (below), and EVOJIT_MAX_INPUT_MB, when set, replaces
// every cap (the error message says so).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace evojit {

inline constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
inline constexpr std::uint64_t kConfigFileCap = 16 * kMiB;      // run configs, run.json
inline constexpr std::uint64_t kProfileFileCap = 16 * kMiB;     // machine and GPU profiles
inline constexpr std::uint64_t kSourceFileCap = 16 * kMiB;      // kernel sources
inline constexpr std::uint64_t kT1FileCap = 256 * kMiB;         // T1 tuning inputs
inline constexpr std::uint64_t kCacheFileCap = 512 * kMiB;      // Kernel Tuner caches, also
                                                                // after decompression
inline constexpr std::uint64_t kRunStateFileCap = 2048 * kMiB;  // journal, checkpoint

// `default_cap`, or EVOJIT_MAX_INPUT_MB MiB when that is set to a positive integer.
// Throws InputError when EVOJIT_MAX_INPUT_MB is set to anything else.
std::uint64_t input_cap(std::uint64_t default_cap);

// The InputError for input beyond `cap` bytes: names `where`, the cap and how to
// raise it. `what` says what was too large ("the file", "its decompressed text").
[[noreturn]] void throw_input_too_large(std::string_view what, const std::string& where,
                                        std::uint64_t cap);

// Opens `path` for reading (O_CLOEXEC, never blocking on a FIFO) and checks that it
// is a regular file of at most `cap` bytes; returns the descriptor, which the caller
// closes. `kind` names the file in errors ("run configuration"). Throws InputError
// (no such file, not a regular file, too large, cannot open).
int open_bounded_file(const std::filesystem::path& path, std::uint64_t cap, std::string_view kind);

// The whole content of a regular file of at most input_cap(default_cap) bytes.
std::string read_bounded_file(const std::filesystem::path& path, std::uint64_t default_cap,
                              std::string_view kind);

}  // namespace evojit
