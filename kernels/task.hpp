// A task: what is tuned. A kernel template with a parameter space, a plain
// reference, a workload model (flops and bytes per size, for the roofline), training
// sizes and held-out sizes, and a correctness tolerance.
//
// The driver uses the description (space, sizes, workload, render). The worker uses
// instantiate(): inputs and the reference result for one size live there, next to
// the candidate, never in the driver.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "genomes/parameter_space.hpp"
#include "kernels/kernel_abi.hpp"

namespace evojit {

struct ProblemSize {
  std::string label;               // "n=2^20", "1024x1024x8"
  std::vector<std::int64_t> dims;  // task-specific meaning, at most kMaxKernelDims
};

// Roofline workload model for one size: minimum work and compulsory memory traffic.
struct Workload {
  double flops = 0.0;
  double bytes = 0.0;
  // Bytes of data the kernel touches; it decides which memory level (L1, L2, L3,
  // DRAM) bounds the bandwidth (cache-aware roofline). 0 means `bytes`.
  double footprint_bytes = 0.0;
};

struct CheckResult {
  bool ok = false;
  double max_error = 0.0;  // the task's error metric (max relative error, say)
  double tolerance = 0.0;
  std::string message;  // where it went wrong: index, got, expected
};

// One size's data in the worker: inputs, outputs and the reference result.
class ProblemInstance {
 public:
  virtual ~ProblemInstance() = default;
  // Arguments for evojit_kernel; pointers stay valid for the instance's lifetime.
  virtual const KernelArgs& args() const = 0;
  // Restores the inputs (and clears the outputs) so the next run starts afresh.
  // Called between timed repetitions when the task updates in place.
  virtual void reset() = 0;
  // Compares the outputs of the last run with the reference.
  virtual CheckResult check() const = 0;
  // What the compiled entry point is called with: &args() under the fixed ABI; a task
  // with its own call thunk (a manifest task) hands its argument block instead.
  virtual const void* entry_argument() const { return &args(); }
};

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  virtual std::string summary() const = 0;  // one line for `evojit tasks`
  virtual const ParameterSpace& space() const = 0;
  // The naive kernel the search starts from.
  virtual Config seed() const = 0;
  // The complete kernel source with parameters bound (prelude included).
  virtual std::string render(const std::map<std::string, Value>& bindings) const = 0;
  virtual std::vector<ProblemSize> training_sizes() const = 0;
  virtual std::vector<ProblemSize> held_out_sizes() const = 0;
  virtual Workload workload(const ProblemSize& size) const = 0;
  // True when the kernel updates its inputs, so inputs are reset between repetitions.
  virtual bool updates_in_place() const { return false; }
  virtual std::unique_ptr<ProblemInstance> instantiate(const ProblemSize& size) const = 0;
  // A task from a manifest (kernels/manifest_task.hpp): its self-contained JSON text,
  // which the worker builds the task from; empty for a task the worker knows by name.
  virtual std::string manifest_json() const { return {}; }
  // Compiler flags for a kernel written as users write them (system headers, OpenMP);
  // empty: the hermetic built-in path (no include paths, the prelude's ABI).
  virtual std::vector<std::string> compile_flags() const { return {}; }
};

// One #define per binding (render_defines), and the source that render() builds from a template:
// the prelude, one #define per binding (booleans as 0/1, strings bare), then the template text.
std::string render_defines(const std::map<std::string, Value>& bindings);
std::string render_with_defines(const std::string& kernel_template,
                                const std::map<std::string, Value>& bindings);

}  // namespace evojit
