// The --plugin flags of `evojit run` and `evojit tasks`: the shared objects loaded into
// the registries (runs/plugins.hpp), and the check that a plug-in's task can run where
// the run would evaluate it.
#pragma once

#include <string>
#include <vector>

#include "runs/plugins.hpp"
#include "runs/run_spec.hpp"

namespace evojit::cli {

// The paths made absolute (run.json records where the file is, for a resume from
// anywhere), then loaded into the registries.
std::vector<LoadedPlugin> load_plugin_flags(std::vector<std::string>& paths, Registries& r);

// Throws an input error when the run's task comes from a plug-in and its backend's
// worker could not build that task.
void require_task_runs_where_registered(const std::vector<LoadedPlugin>& loaded,
                                        const RunSpec& spec);

}  // namespace evojit::cli
