// `evojit tasks`: every task of every backend and everything else a run is made of by
// name (plug-ins' registrations included), or one task manifest checked and described.
#pragma once

#include <CLI/CLI.hpp>

namespace evojit::cli {

void add_tasks(CLI::App& app);

}  // namespace evojit::cli
