// Every built-in task's kernels, compiled by the CPU JIT as a worker does, must pass
// the task's own check on every training and held-out size: the seed and a sample of
// random valid configurations (a config that is valid in the space must be correct).
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backends/cpu/cpu_jit.hpp"
#include "kernels/kernel_abi.hpp"
#include "kernels/task_registry.hpp"
#include "support/rng.hpp"

namespace evojit {
namespace {

constexpr int kRandomConfigs = 10;

CpuJit& jit() {
  static CpuJit instance;
  return instance;
}

void check_task_kernels(const std::string& task_name, std::uint64_t seed) {
  TaskRegistry registry;
  register_builtin_tasks(registry);
  const Task& task = registry.get(task_name);
  const ParameterSpace& space = task.space();

  std::vector<ProblemSize> sizes = task.training_sizes();
  for (const ProblemSize& s : task.held_out_sizes()) sizes.push_back(s);
  std::vector<std::unique_ptr<ProblemInstance>> instances;
  for (const ProblemSize& s : sizes) instances.push_back(task.instantiate(s));

  std::vector<Config> configs{task.seed()};
  Rng rng(seed);
  for (int i = 0; i < kRandomConfigs; ++i) {
    const std::optional<Config> c = space.sample(rng);
    ASSERT_TRUE(c.has_value());
    configs.push_back(*c);
  }

  for (const Config& config : configs) {
    ASSERT_TRUE(space.is_valid(config));
    SCOPED_TRACE(task_name + " " + space.canonical(config));
    const CompiledKernel kernel = jit().compile(task.render(space.bindings(config)), kKernelEntry);
    ASSERT_TRUE(kernel.ok) << kernel.log;
    const auto entry = reinterpret_cast<KernelEntry>(kernel.entry);
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      SCOPED_TRACE(sizes[i].label);
      // Twice: the second run checks that reset() really restores the inputs.
      for (int run = 0; run < 2; ++run) {
        instances[i]->reset();
        entry(&instances[i]->args());
        const CheckResult result = instances[i]->check();
        EXPECT_TRUE(result.ok) << result.message;
        EXPECT_LE(result.max_error, result.tolerance);
      }
    }
  }
}

TEST(TaskKernels, TriadSeedAndRandomConfigsPassOnEverySize) { check_task_kernels("triad", 7); }

TEST(TaskKernels, Heat2dSeedAndRandomConfigsPassOnEverySize) { check_task_kernels("heat2d", 11); }

}  // namespace
}  // namespace evojit
