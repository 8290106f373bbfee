// Command-line numbers parsed strictly. CLI11 converts "-1" for an unsigned option by
// wrapping it (--budget -1 became "no limit", --workers -1 became 2^64-1) and takes
// "nan" and "inf" for a double; these options refuse both: one message naming the
// flag, what it expects and what it got, and exit code 2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace evojit::cli {

static_assert(std::is_same_v<std::size_t, std::uint64_t>, "counts and seeds share one parser");

// An integer in [lo, hi], digits only (no sign, no fraction, no overflow).
CLI::Option* add_integer_option(CLI::App& cmd, const std::string& name, std::uint64_t& target,
                                std::uint64_t lo, std::uint64_t hi, const std::string& description);
// A finite number of seconds, >= 0 (or > 0 when `positive`).
CLI::Option* add_seconds_option(CLI::App& cmd, const std::string& name, double& target,
                                bool positive, const std::string& description);

// The parsers the options use; throw CLI::ValidationError naming `name`.
std::uint64_t parse_integer(const std::string& name, const std::string& text, std::uint64_t lo,
                            std::uint64_t hi);
double parse_seconds(const std::string& name, const std::string& text, bool positive);

}  // namespace evojit::cli
