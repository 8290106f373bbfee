#include "cli/plugin_flags.hpp"

#include <filesystem>

#include "support/error.hpp"

namespace evojit::cli {

std::vector<LoadedPlugin> load_plugin_flags(std::vector<std::string>& paths, Registries& r) {
  for (std::string& p : paths) p = std::filesystem::absolute(p).string();
  return load_plugins(paths, r);
}

// CPU candidates run in evojit-worker, which builds a size's data from its own task
// registry and loads no plug-ins: a plug-in's task would fail every evaluation there.
void require_task_runs_where_registered(const std::vector<LoadedPlugin>& loaded,
                                        const RunSpec& spec) {
  for (const LoadedPlugin& p : loaded) {
    for (const std::string& added : p.added) {
      if (added == "task " + spec.task && spec.backend == "cpu") {
        throw_input_error("task '" + spec.task + "' comes from the plug-in " + p.path.string() +
                              ", and the CPU worker that runs candidates loads no plug-ins",
                          "--task " + spec.task,
                          "tune it through the C++ API with a worker of your own "
                          "(examples/tune_scale.cpp), or as a task manifest");
      }
    }
  }
}

}  // namespace evojit::cli
