#include "runs/plugins.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "runs/plugin_api.hpp"
#include "support/error.hpp"
#include "support/files.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

using nlohmann::json;

// Every registry's names, by kind ("fitness", "strategy", ...), duplicates kept.
std::map<std::string, std::vector<std::string>> names_of(const Registries& r) {
  std::map<std::string, std::vector<std::string>> out;
  auto names = [](const auto& list) {
    std::vector<std::string> v;
    for (const auto& [name, summary] : list) v.push_back(name);
    return v;
  };
  out["task"] = r.tasks.names();
  out["strategy"] = names(r.strategies.list());
  out["mutator"] = names(r.mutators.list());
  out["fitness"] = names(r.fitness.list());
  out["backend"] = names(r.backends.list());
  return out;
}

// What a plug-in added; a name it added twice or that was there before is an error.
std::vector<std::string> added_by(const std::map<std::string, std::vector<std::string>>& before,
                                  const std::map<std::string, std::vector<std::string>>& after,
                                  const std::string& where) {
  std::vector<std::string> added;
  for (const auto& [kind, names] : after) {
    // A registry may list its names sorted (tasks): what is new is what was not there.
    std::multiset<std::string> old(before.at(kind).begin(), before.at(kind).end());
    std::set<std::string> seen;
    for (const std::string& name : names) {
      if (!seen.insert(name).second) {
        throw_input_error(
            "the plug-in registers " + kind + " '" + name + "', a name that is already taken",
            where, "give it another name");
      }
      if (auto it = old.find(name); it != old.end()) {
        old.erase(it);
      } else {
        added.push_back(kind + " " + name);
      }
    }
  }
  return added;
}

}  // namespace

std::string plugin_file_hash(const std::filesystem::path& path) {
  return hash_hex(hash_text(read_bounded_file(path, std::uint64_t{1} << 30, "plug-in")));
}

std::vector<LoadedPlugin> load_plugins(const std::vector<std::string>& paths,
                                       Registries& registries) {
  std::vector<LoadedPlugin> loaded;
  for (const std::string& given : paths) {
    const std::string where = "--plugin " + given;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(given, ec)) {
      throw_input_error("no such plug-in file", where,
                        "give the path of a shared object built with EVOJIT_PLUGIN "
                        "(runs/plugin_api.hpp)");
    }
    LoadedPlugin p;
    p.path = std::filesystem::absolute(given, ec);
    p.hash = plugin_file_hash(p.path);
    // RTLD_NOW: a symbol the plug-in needs and nothing provides fails here, with the
    // loader's message, not halfway through a run.
    void* handle = dlopen(p.path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      throw_input_error(std::string("the plug-in does not load: ") + (why ? why : "unknown reason"),
                        where, "build it as a MODULE library linked with evojit::plugin");
    }
    using AbiFunction = const char* (*)();
    using RegisterFunction = void (*)(Registries&);
    auto abi = reinterpret_cast<AbiFunction>(dlsym(handle, EVOJIT_PLUGIN_ABI_SYMBOL));
    auto enter = reinterpret_cast<RegisterFunction>(dlsym(handle, EVOJIT_PLUGIN_REGISTER_SYMBOL));
    if (!abi || !enter) {
      dlclose(handle);
      throw_input_error(
          "not an evojit plug-in: it has no " +
              std::string(abi ? EVOJIT_PLUGIN_REGISTER_SYMBOL : EVOJIT_PLUGIN_ABI_SYMBOL) +
              "() entry function",
          where, "define its entry with EVOJIT_PLUGIN(registries) { ... }");
    }
    const std::string theirs = abi() ? abi() : "";
    if (theirs != EVOJIT_PLUGIN_ABI) {
      dlclose(handle);
      throw_input_error(
          "the plug-in was built for \"" + theirs + "\", and this is \"" + EVOJIT_PLUGIN_ABI + "\"",
          where, "rebuild it against this evojit's installed package");
    }
    const auto before = names_of(registries);
    try {
      enter(registries);
    } catch (const InputError& e) {
      throw_input_error(std::string("the plug-in's registration failed: ") + e.what(), where);
    } catch (const std::exception& e) {
      throw_input_error(std::string("the plug-in's registration threw: ") + e.what(), where);
    }
    p.added = added_by(before, names_of(registries), where);
    if (p.added.empty()) {
      throw_input_error("the plug-in registers nothing", where,
                        "add a fitness, strategy, mutator, task or backend to the registries "
                        "in its EVOJIT_PLUGIN body");
    }
    loaded.push_back(std::move(p));  // the handle stays open: the registries hold its code
  }
  return loaded;
}

json plugins_json(const std::vector<std::string>& paths) {
  json out = json::array();
  for (const std::string& path : paths) {
    out.push_back({{"path", path}, {"hash", plugin_file_hash(path)}});
  }
  return out;
}

std::vector<std::string> recorded_plugins(const std::filesystem::path& run_dir) {
  const std::filesystem::path file = run_dir / "run.json";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return {};  // resume says "not a run directory"
  json run;
  try {
    run = json::parse(read_bounded_file(file, std::uint64_t{1} << 26, "run.json"));
  } catch (const json::exception&) {
    return {};  // resume reports the broken file
  }
  std::vector<std::string> paths;
  if (!run.is_object() || !run.contains("plugins")) return paths;
  const json& list = run.at("plugins");
  for (std::size_t i = 0; list.is_array() && i < list.size(); ++i) {
    const std::string where = file.string() + "#/plugins/" + std::to_string(i);
    const json& p = list[i];
    if (!p.is_object() || !p.contains("path") || !p.at("path").is_string() || !p.contains("hash") ||
        !p.at("hash").is_string()) {
      throw_input_error("a recorded plug-in needs a path and a hash", where);
    }
    const std::string path = p.at("path").get<std::string>();
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw_input_error("the run used the plug-in " + path + ", which is missing", where,
                        "restore the file (the run's fitness, strategy or tasks come from it)");
    }
    if (plugin_file_hash(path) != p.at("hash").get<std::string>()) {
      throw_input_error("the plug-in " + path + " changed since the run started", where,
                        "restore the build the run was started with");
    }
    paths.push_back(path);
  }
  return paths;
}

}  // namespace evojit
