// Loading plug-ins (runs/plugin_api.hpp) into a run's registries: dlopen, the ABI
// check, the one registration call. What was loaded (path and content hash) goes into
// run.json ("plugins"), so that `evojit resume` loads the same files again and refuses
// when one is missing or changed. A loaded plug-in stays loaded for the process's life:
// the registries hold its code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runs/registries.hpp"

namespace evojit {

struct LoadedPlugin {
  std::filesystem::path path;      // absolute
  std::string hash;                // of the file's content (hash_hex)
  std::vector<std::string> added;  // "fitness mine", "strategy greedy", ...
};

// Loads each file and calls its entry function. Throws InputError naming the file when
// it does not exist or load (the loader's dlerror text), lacks the entry functions, was
// built against another evojit (both ABI strings), throws, registers nothing, or adds a
// name the registries already have. Nothing is written.
std::vector<LoadedPlugin> load_plugins(const std::vector<std::string>& paths,
                                       Registries& registries);

// The content hash a plug-in is recorded with.
std::string plugin_file_hash(const std::filesystem::path& path);

// run.json's "plugins": [{"path", "hash"}] of these files.
nlohmann::json plugins_json(const std::vector<std::string>& paths);

// Checks run.json's "plugins" against the files (each present, its hash the recorded
// one) and returns their paths, for `evojit resume` to load; InputError otherwise.
std::vector<std::string> recorded_plugins(const std::filesystem::path& run_dir);

}  // namespace evojit
