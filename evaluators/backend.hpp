// A backend: where candidates are compiled and measured (the CPU JIT, CUDA, the replay
// of a recorded space). One vertical plug-in, registered by name ("cpu", "cuda",
// "replay") and chosen by that name, never by type: the run code (runs/run.hpp) and the
// candidate pipeline (evaluators/pipeline.hpp) see only this interface. No LLVM or
// CUDA type appears here; each backend keeps its own behind its folder
// (backends/<name>/).
//
// A backend is made for one task (the problem and the kernel family it tunes) and
// hands that task to the run: the space, the seed, the training and held-out sizes,
// the workload model and the source of a configuration.
//
// Contract: compile() and run() never throw for a failing candidate (a failure is an
// EvalStatus with a diagnostic); they throw only when the backend itself is unusable.
// Both may be called from several threads at once, up to traits().concurrency; a
// backend serializes what must not overlap (measurements on one device).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluators/evaluation.hpp"
#include "evaluators/machine_profile.hpp"
#include "evaluators/measurement.hpp"
#include "kernels/task.hpp"
#include "support/named_registry.hpp"

namespace evojit {

class TaskRegistry;

// What is compiled: one candidate rendered for the backend.
struct Artifact {
  Config config;                          // the genome it came from (replay looks it up)
  std::map<std::string, Value> bindings;  // its parameters by name (launch geometry, ...)
  std::string source;                     // the complete source; empty on replay
};

// The backend's handle on a compiled candidate between compile() and run(), for
// example the worker that holds its code. Opaque to everyone else.
class CompiledKernel {
 public:
  virtual ~CompiledKernel() = default;
};

struct Compiled {
  EvalStatus status = EvalStatus::ok;  // anything but ok ends the evaluation
  std::string diagnostic;
  std::vector<SourceDiagnostic> source_diagnostics;
  int signal = 0;
  CompileStats stats;  // stats.code_hash: the code's identity (0: unknown)
  KernelResources resources;
  std::shared_ptr<CompiledKernel> kernel;  // set when status == ok
};

// What running a compiled candidate on the sizes gave.
struct Measured {
  EvalStatus status = EvalStatus::ok;
  std::string diagnostic;
  int signal = 0;
  std::vector<SizeResult> sizes;
  // What the evaluation cost by the backend's clock when that is not this process's
  // time (replay: the recorded compile + verification + benchmark time); it becomes
  // Evaluation::wall_s, so that a deterministic backend's journal is reproducible.
  std::optional<double> charged_s;
};

struct BackendTraits {
  std::string name;              // the registry name: "cpu", "cuda", "replay"
  std::string kernel_file;       // the winner's source goes to best/<kernel_file>; empty: none
  std::string device_name;       // what was measured on, as Kernel Tuner names it
  std::size_t concurrency = 1;   // evaluations that can usefully run at once
  bool deterministic = false;    // the same configuration always gives the same result
  bool simulated_clock = false;  // elapsed_s() charges recorded, not real, time
  // Compiled::stats.code_hash covers everything a run of the code depends on (the CPU
  // JIT: object bytes, target, flags, LLVM), so equal hashes may share a measurement
  // (the pipeline's code cache). Not CUDA's: the launch geometry is outside the cubin.
  bool code_identity = false;
  std::string default_fitness;  // the fitness registry name used when none is asked for
  // The names in SizeResult::recorded this backend fills (a fitness checks its
  // --objective fields against them); empty: none.
  std::vector<std::string> recorded_fields;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual BackendTraits traits() const = 0;
  // The task this backend was made for.
  virtual const Task& task() const = 0;

  virtual Compiled compile(const Artifact& artifact) = 0;
  virtual Measured run(const Compiled& compiled, std::span<const ProblemSize> sizes) = 0;
  // The functional probe: a hash of the candidate's outputs on a small fixed input
  // (issue "functional hashing"). nullopt: this backend has no probe (yet).
  virtual std::optional<std::uint64_t> probe(const Compiled& /*compiled*/) { return std::nullopt; }

  // Throws InputError when the backend cannot evaluate anything (a worker that does not
  // start): run() asks before it writes a file, so such a run never "finishes" having
  // measured nothing.
  virtual void require_ready() {}

  // What the user should hear while it happens (a roofline about to be measured).
  using Notify = std::function<void(const std::string&)>;

  // The machine's ceilings for the roofline fitness, loaded from `profile_path` (the
  // backend's default location when empty) or measured and saved there first; nullopt
  // for a backend that measures nothing (replay). `note` is told what the user should
  // hear, when it happens. Throws InputError for a named profile that cannot be used.
  virtual std::optional<MachineProfile> ceilings(const std::filesystem::path& profile_path,
                                                 const Notify& note) = 0;

  // Seconds of tuning time charged so far: wall time, or the recorded cost of what was
  // evaluated when traits().simulated_clock.
  virtual double elapsed_s() const = 0;

  // Facts about the backend recorded in run.json under "backend" (device, cache hash,
  // ...), and checked again when the run is resumed (throw InputError on a mismatch).
  virtual nlohmann::json identity() const { return nlohmann::json::object(); }
  virtual void require_same_identity(const nlohmann::json& /*recorded*/) const {}

  // Recorded per-evaluation figures a T4 file should carry for `config` (replay: every
  // repetition and what compiling and benchmarking cost when it was recorded).
  struct Recorded {
    std::vector<double> times_ms;
    double compile_ms = 0.0, verification_ms = 0.0, benchmark_ms = 0.0;
  };
  virtual std::optional<Recorded> recorded(const Config& /*config*/) const { return std::nullopt; }
};

// What a backend is made from.
struct BackendContext {
  std::string task;                     // a task name (cpu, cuda); empty for replay
  const TaskRegistry* tasks = nullptr;  // the registered tasks a name resolves in
  // Backend-specific options as a JSON object (replay: {"cache", "t1"}; cuda:
  // {"device", "flush_l2", "kernel_source", "t1"}), validated by the factory, which
  // throws InputError naming the bad key.
  nlohmann::json options = nlohmann::json::object();
  std::size_t workers = 1;
  MeasureOptions measure;
};

using BackendFactory = std::function<std::unique_ptr<Backend>(const BackendContext&)>;

class BackendRegistry : public NamedRegistry<BackendFactory> {
 public:
  BackendRegistry() : NamedRegistry("backend", "--backend") {}
  std::unique_ptr<Backend> create(const std::string& name, const BackendContext& context) const {
    return factory(name)(context);
  }
};

}  // namespace evojit
