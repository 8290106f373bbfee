// The record of one evaluation: what happened to a candidate, size by size. Failing
// candidates are data (an EvalStatus plus a diagnostic), never exceptions.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace evojit {

enum class EvalStatus {
  ok,
  compile_error,
  wrong_result,
  crash,
  timeout,
  out_of_memory,
  worker_lost,
};

const char* to_string(EvalStatus s);
// Throws InputError for an unknown name.
EvalStatus eval_status_from_string(const std::string& s);

// Where the compile time went (seconds), and the hash of the generated machine code.
struct CompileStats {
  double frontend_s = 0.0;  // clang: source -> LLVM IR
  double optimize_s = 0.0;  // IR optimisation pipeline (O3)
  double codegen_s = 0.0;   // machine code generation
  double link_s = 0.0;      // linking into the JIT session
  double total_s = 0.0;
  bool cache_hit = false;
  std::uint64_t code_hash = 0;  // hash of the object code; 0 when unknown
};

// A compile error located in the kernel source (1-based line and column).
struct SourceDiagnostic {
  int line = 0;
  int column = 0;
  std::string severity;  // "error", "warning", "note"
  std::string message;
};

struct Timing {
  double median_s = 0.0;
  double cv = 0.0;  // coefficient of variation of the repetitions
  int repetitions = 0;
  double min_s = 0.0;
};

struct SizeResult {
  std::string label;
  std::vector<std::int64_t> dims;
  bool ok = false;
  Timing timing;
  double max_error = 0.0;
  double tolerance = 0.0;
  std::string message;      // the check's message when !ok
  double roofline_s = 0.0;  // filled by the fitness
  double fraction = 0.0;    // roofline_s / timing.median_s
  std::string suspect;      // why the figure is not to be trusted (fitness); empty if fine
  // Other figures the backend recorded for this size, by name (a replayed Kernel Tuner
  // cache: its numeric fields, "GFLOP/s", "energy", ...), for a fitness that reads
  // them (--objective). Not serialized: the fitness they gave is.
  std::vector<std::pair<std::string, double>> recorded;
};

// What a GPU kernel occupies, read with cuFuncGetAttribute after loading; `present`
// is false on backends that have no such figures.
struct KernelResources {
  bool present = false;
  int registers = 0;     // per thread
  int shared_bytes = 0;  // static shared memory per block
  int local_bytes = 0;   // local memory per thread: spills and stack arrays
  int max_threads_per_block = 0;
  std::string binary;  // "cubin sm_90", "ptx compute_90"
};

struct Evaluation {
  EvalStatus status = EvalStatus::ok;
  std::string diagnostic;  // human-readable: compiler output, signal, failing size...
  std::vector<SourceDiagnostic> source_diagnostics;
  int signal = 0;  // for crash
  CompileStats compile;
  KernelResources resources;
  std::vector<SizeResult> sizes;
  double wall_s = 0.0;   // driver-side time for the whole evaluation
  double fitness = 0.0;  // 0 unless status == ok
  // Minimized objectives of a multi-objective fitness (evaluators/fitness.hpp);
  // empty for a single-objective one.
  std::vector<double> objectives;
  // Which cache answered instead of a measurement ("structural", "code", "functional",
  // "persistent"; empty: none did) and the seconds that saved by what the answered
  // evaluation had cost (evaluators/pipeline.hpp). Both stay out of the JSON when unset.
  std::string cache_hit;
  double saved_s = 0.0;
};

}  // namespace evojit
