// The CPU JIT: C++ kernel source -> clang 19 in process -> LLVM IR -> O3 for the host
// CPU (the -march=native equivalent) -> machine code -> linked into one long-lived
// ORC LLJIT session -> callable. One CpuJit per worker process; everything reusable
// (the target machine, the JIT session, the host symbols) is built once, so a
// compile pays only for the kernel itself. An in-memory cache keyed by a hash of
// source + flags + target returns the already-linked entry point. The cache is
// bounded (max_kernels): beyond it, the least recently compiled kernel's JITDylib is
// removed and its code freed, so a long-lived worker does not grow by the size of
// every kernel it ever compiled; an entry point handed out earlier is then invalid
// (holds() says which still are).
//
// LLVM and clang stay out of this header (pimpl): only evaluators/ links them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evaluators/evaluation.hpp"

namespace evojit {

struct JitOptions {
  int opt_level = 3;
  // Extra clang driver flags (e.g. "-ffast-math", "-DFOO=1").
  std::vector<std::string> extra_flags;
  // Kernels as users write them: the system's C++ headers (and with extra_flags
  // -fopenmp, OpenMP). Off: the hermetic path of the built-in kernels, no header
  // search beyond clang's builtin headers (faster to compile).
  bool system_headers = false;
  // Linked kernels kept; older ones are freed. At least 1.
  std::size_t max_kernels = 64;
};

struct CompiledKernel {
  bool ok = false;
  void* entry = nullptr;  // address of the requested symbol when ok
  std::string log;        // compiler output (errors and warnings), as clang prints it
  std::vector<SourceDiagnostic> diagnostics;
  CompileStats stats;
};

class CpuJit {
 public:
  // Throws std::runtime_error when LLVM cannot set up a JIT for the host.
  explicit CpuJit(JitOptions options = {});
  ~CpuJit();
  CpuJit(const CpuJit&) = delete;
  CpuJit& operator=(const CpuJit&) = delete;

  // Compiles `source` and returns the address of `entry_symbol` (extern "C").
  // A compile error is a result (ok == false, diagnostics with line and column),
  // not an exception.
  CompiledKernel compile(const std::string& source, const std::string& entry_symbol);

  // The host CPU name and features the code is generated for, e.g. "znver3".
  std::string target_description() const;
  std::size_t cache_size() const;
  // The header search directories kernels may read (the sandbox keeps them readable).
  std::vector<std::string> include_dirs() const;
  // Whether `entry` (a CompiledKernel::entry) still points at linked code.
  bool holds(const void* entry) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace evojit
