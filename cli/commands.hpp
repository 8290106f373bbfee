// The evojit subcommands, each registered on the CLI11 app with its callback.
#pragma once

#include <CLI/CLI.hpp>

namespace evojit::cli {

void add_commands(CLI::App& app);
// The exit code the chosen command asked for (0 unless it reported a failure).
int exit_code();

}  // namespace evojit::cli
