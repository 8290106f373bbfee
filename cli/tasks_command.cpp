#include "cli/tasks_command.hpp"

#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/builtins.hpp"
#include "cli/cuda_commands.hpp"
#include "cli/plugin_flags.hpp"
#include "interop/task_manifest_file.hpp"

namespace evojit::cli {
namespace {

// `evojit tasks --task-file F`: the manifest checked and described, nothing run.
void describe_manifest(const std::string& file) {
  const std::unique_ptr<Task> task = load_manifest_task(file);
  const ParameterSpace& space = task->space();
  std::printf("%s: %s\n", task->name().c_str(), task->summary().c_str());
  std::printf("parameters: %zu, %llu points before restrictions\n", space.size(),
              static_cast<unsigned long long>(space.cartesian_size()));
  for (const Parameter& p : space.parameters()) {
    std::printf("  %-16s %zu values\n", p.name.c_str(), p.values.size());
  }
  std::printf("restrictions: %zu\n", space.constraint_texts().size());
  std::printf("seed: %s\n", space.canonical(task->seed()).c_str());
  std::printf("training sizes:");
  for (const ProblemSize& s : task->training_sizes()) std::printf(" %s", s.label.c_str());
  std::printf("\nheld-out sizes:");
  for (const ProblemSize& s : task->held_out_sizes()) std::printf(" %s", s.label.c_str());
  std::printf("\n");
}

void print_task(const Task& t, const char* backend) {
  std::printf("%-10s [%s] %s\n", t.name().c_str(), backend, t.summary().c_str());
  std::printf("%-10s parameters:", "");
  for (const Parameter& p : t.space().parameters()) std::printf(" %s", p.name.c_str());
  std::printf("\n%-10s training sizes:", "");
  for (const ProblemSize& s : t.training_sizes()) std::printf(" %s", s.label.c_str());
  std::printf("; held-out:");
  for (const ProblemSize& s : t.held_out_sizes()) std::printf(" %s", s.label.c_str());
  std::printf("\n");
}

// Every task of every backend (cpu: `--task`; cuda: `--device cuda:N --task`), then
// everything else a run is made of by name, plug-ins' registrations included.
void list_tasks(std::vector<std::string> plugins) {
  Registries r;
  register_builtins(r);
  std::set<std::string> from_plugins;
  for (const LoadedPlugin& p : load_plugin_flags(plugins, r)) {
    for (const std::string& added : p.added) {
      if (added.starts_with("task ")) from_plugins.insert(added.substr(5));
    }
  }
  for (const std::string& name : r.tasks.names()) {
    // A plug-in's task runs through the C++ API with a worker of one's own (README).
    print_task(r.tasks.get(name), from_plugins.count(name) ? "plug-in, C++ API" : "cpu");
  }
  const TaskRegistry gpu = cuda_tasks();
  for (const std::string& name : gpu.names()) print_task(gpu.get(name), "cuda");
  std::printf("\nstrategies:\n");
  for (const auto& [name, summary] : r.strategies.list()) {
    std::printf("  %-24s %s\n", name.c_str(), summary.c_str());
  }
  std::printf("\nmutators (a strategy's \"mutator\" parameter):\n");
  for (const auto& [name, summary] : r.mutators.list()) {
    std::printf("  %-24s %s\n", name.c_str(), summary.c_str());
  }
  std::printf("\nfitness functions:\n");
  for (const auto& [name, summary] : r.fitness.list()) {
    std::printf("  %-24s %s\n", name.c_str(), summary.c_str());
  }
  std::printf("\nbackends:\n");
  for (const auto& [name, summary] : r.backends.list()) {
    std::printf("  %-24s %s\n", name.c_str(), summary.c_str());
  }
}

}  // namespace

void add_tasks(CLI::App& app) {
  auto* tasks = app.add_subcommand(
      "tasks",
      "List the tasks of every backend, strategies, mutators, fitness functions, backends");
  auto plugins = std::make_shared<std::vector<std::string>>();
  auto task_file = std::make_shared<std::string>();
  tasks->add_option("--plugin", *plugins, "Also list what this plug-in registers (repeatable)");
  tasks->add_option("--task-file", *task_file,
                    "Check a task manifest and print its space and sizes, without running");
  tasks->callback([plugins, task_file] {
    task_file->empty() ? list_tasks(*plugins) : describe_manifest(*task_file);
  });
}

}  // namespace evojit::cli
