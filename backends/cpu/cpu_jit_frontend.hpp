// Internal to the CPU JIT (backends/cpu/cpu_jit.cpp): clang 19 in process, from kernel
// source to an unoptimised LLVM module annotated for the requested -O level.
//
// The compiler invocation (the `clang++ -O3 -march=native ...` command line resolved
// to cc1 options: triple, host CPU, host features, language options) is built once;
// each compile copies it and pays only for parsing and IR generation of the kernel.
// The IR optimisation pipeline is left to the caller (-disable-llvm-passes), so it can
// be timed on its own and run with the JIT's target machine.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "evaluators/evaluation.hpp"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm
namespace clang {
class CompilerInvocation;
}  // namespace clang

namespace evojit::detail {

// The name the kernel source has in compiler messages.
inline constexpr const char* kKernelFileName = "kernel.cpp";

struct FrontendResult {
  std::unique_ptr<llvm::Module> module;  // null when the source did not compile
  std::string log;                       // diagnostics as clang prints them
  std::vector<SourceDiagnostic> diagnostics;
};

class ClangFrontend {
 public:
  // `flags` are extra driver flags appended after the defaults. Without
  // system_headers, no header search beyond clang's builtin headers (hermetic, the
  // built-in tasks' path); with it, the system's C++ headers as clang++ finds them.
  // Throws std::runtime_error when the flags do not form a valid compile command.
  ClangFrontend(int opt_level, const std::vector<std::string>& flags, bool system_headers = false);
  ~ClangFrontend();
  ClangFrontend(const ClangFrontend&) = delete;
  ClangFrontend& operator=(const ClangFrontend&) = delete;

  // Thread-compatible: concurrent calls need distinct contexts.
  FrontendResult compile(const std::string& source, llvm::LLVMContext& context) const;

  const std::string& triple() const;
  const std::string& cpu() const;
  const std::vector<std::string>& features() const;  // "+avx2", "-avx512f", ...
  // The resolved cc1 command line, one argument per line (part of the cache key).
  const std::string& command_line() const { return command_line_; }
  // The header search directories the driver chose (the sandbox keeps them readable).
  const std::vector<std::string>& include_dirs() const { return include_dirs_; }

 private:
  std::shared_ptr<clang::CompilerInvocation> invocation_;
  std::string command_line_;
  std::vector<std::string> include_dirs_;
};

}  // namespace evojit::detail
