// What compiling a kernel as users write it costs against the built-in tasks' hermetic
// path, side by side in one run, each repetition a distinct source (no cache answers):
//   hermetic        the triad seed, no header search (the built-in path)
//   system headers  the same source with the system's C++ headers searchable and -fopenmp
//   conv1d          examples/conv1d rendered (includes <algorithm>, uses OpenMP)
// Prints medians (ms) and ratios to the hermetic path; never fails on time.
//
//   bench_user_kernel_compile [--reps N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "backends/cpu/cpu_jit.hpp"
#include "interop/task_manifest_file.hpp"
#include "kernels/kernel_abi.hpp"
#include "kernels/task_registry.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 9;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--reps") reps = std::max(1, std::stoi(argv[i + 1]));
  }
  using namespace evojit;
  TaskRegistry tasks;
  register_builtin_tasks(tasks);
  const Task& triad = tasks.get("triad");
  const std::string triad_source = triad.render(triad.space().bindings(triad.seed()));
  const auto conv1d = load_manifest_task(EVOJIT_SOURCE_DIR "/examples/conv1d/conv1d.json");
  const std::string conv1d_source = conv1d->render(conv1d->space().bindings(conv1d->seed()));

  CpuJit hermetic;
  JitOptions user_options;
  user_options.system_headers = true;
  user_options.extra_flags = {"-fopenmp"};
  CpuJit user(user_options);

  struct Method {
    const char* name;
    CpuJit& jit;
    const std::string& source;
    std::vector<double> ms;
  };
  std::vector<Method> methods = {{"hermetic (triad)", hermetic, triad_source, {}},
                                 {"system headers (triad)", user, triad_source, {}},
                                 {"conv1d (<algorithm>, OpenMP)", user, conv1d_source, {}}};
  for (int rep = 0; rep <= reps; ++rep) {  // rep 0 warms up and is not counted
    for (Method& m : methods) {
      const std::string source = m.source + "\n// rep " + std::to_string(rep) + "\n";
      const auto start = std::chrono::steady_clock::now();
      const CompiledKernel k = m.jit.compile(source, kKernelEntry);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (!k.ok) {
        std::fprintf(stderr, "%s does not compile:\n%s\n", m.name, k.log.c_str());
        return 1;
      }
      if (rep > 0) m.ms.push_back(ms);
    }
  }
  const double base = median(methods[0].ms);
  std::printf("compile to callable, median of %d (ms), ratio to the hermetic path\n", reps);
  for (const Method& m : methods) {
    std::printf("  %-30s %8.1f ms  %5.2fx\n", m.name, median(m.ms), median(m.ms) / base);
  }
  return 0;
}
