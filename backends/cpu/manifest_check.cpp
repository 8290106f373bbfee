#include "backends/cpu/manifest_check.hpp"

#include <sstream>

#include "kernels/call_thunk.hpp"
#include "kernels/manifest_task.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

// The compiler's error and note lines ("file:line:col: error: ..."), at most a few.
std::string error_lines(const std::string& log, std::size_t max_lines = 5) {
  std::istringstream in(log);
  std::string line, out;
  std::size_t kept = 0;
  while (std::getline(in, line) && kept < max_lines) {
    // The notes say which argument did not convert.
    if (line.find("error:") == std::string::npos && line.find("note:") == std::string::npos) {
      continue;
    }
    out += "\n  " + line;
    ++kept;
  }
  return out.empty() ? "\n  " + log.substr(0, 400) : out;
}

}  // namespace

void require_manifest_seed_runs(Backend& backend, const Task& task) {
  const TaskManifest* m = manifest_of(task);
  if (!m) return;
  const std::string where = m->where;
  Artifact artifact;
  artifact.config = task.seed();
  artifact.bindings = task.space().bindings(artifact.config);
  artifact.source = task.render(artifact.bindings);
  const Compiled compiled = backend.compile(artifact);
  if (compiled.status == EvalStatus::compile_error) {
    const std::string& log = compiled.diagnostic;
    const std::string errors = error_lines(log);
    const std::string thunk = std::string(kCallThunkFile) + ":";
    if (log.find("undeclared identifier '" + m->function + "'") != std::string::npos) {
      throw_input_error(
          "entry function '" + m->function + "' not found in " + m->source_file + ":" + errors,
          where + "#/function",
          "name the kernel's function as its source declares it (outside any "
          "namespace, not static)");
    }
    if (errors.find(thunk) != std::string::npos) {
      throw_input_error("the signature of '" + m->function +
                            "' does not match the manifest's arguments:" + errors,
                        where + "#/arguments",
                        "list the function's parameters in order with their types: float32 -> "
                        "float*, float64 -> double*, int32 -> int32_t, int64 -> int64_t, uint8 "
                        "-> uint8_t (arrays as pointers, scalars by value)");
    }
    throw_input_error("the seed configuration of " + m->source_file + " does not compile:" + errors,
                      where + "#/source", "fix the kernel, or give a \"seed\" that compiles");
  }
  if (compiled.status != EvalStatus::ok) {
    throw_input_error("the seed configuration cannot be compiled: " + compiled.diagnostic,
                      where + "#/source");
  }
  const std::vector<ProblemSize> sizes = task.training_sizes();
  std::size_t disagreeing = 0;
  std::string first_failure;
  for (const ProblemSize& size : sizes) {
    const Measured measured = backend.run(compiled, std::span<const ProblemSize>(&size, 1));
    if (measured.status == EvalStatus::ok) return;
    if (measured.status == EvalStatus::wrong_result) ++disagreeing;
    if (first_failure.empty()) first_failure = measured.diagnostic;
  }
  if (disagreeing == sizes.size()) {
    throw_input_error(
        "the reference disagrees with the seed configuration on every training "
        "size; first: " +
            first_failure,
        where + "#/correctness",
        "check the reference function and the arguments' roles, or loosen "
        "atol/rtol");
  }
  throw_input_error("the seed configuration fails on every training size; first: " + first_failure,
                    where + "#/source", "fix the kernel or its arguments' lengths");
}

}  // namespace evojit
