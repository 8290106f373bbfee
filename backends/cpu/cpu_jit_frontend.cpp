#include "backends/cpu/cpu_jit_frontend.hpp"

#include <stdexcept>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Frontend/Utils.h>
#include <clang/Lex/HeaderSearchOptions.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#ifndef EVOJIT_CLANG_RESOURCE_DIR
#error "EVOJIT_CLANG_RESOURCE_DIR must name clang's resource directory (set by CMake)"
#endif

namespace evojit::detail {
namespace {

const char* severity_name(clang::DiagnosticsEngine::Level level) {
  switch (level) {
    case clang::DiagnosticsEngine::Note:
      return "note";
    case clang::DiagnosticsEngine::Remark:
      return "remark";
    case clang::DiagnosticsEngine::Warning:
      return "warning";
    case clang::DiagnosticsEngine::Ignored:
      return "ignored";
    case clang::DiagnosticsEngine::Error:
    case clang::DiagnosticsEngine::Fatal:
      break;
  }
  return "error";
}

// Prints exactly as clang would (the log a person or an LLM reads) and keeps a
// structured copy with line and column (what a mutator acts on).
class CapturingPrinter : public clang::TextDiagnosticPrinter {
 public:
  CapturingPrinter(llvm::raw_ostream& os, clang::DiagnosticOptions* options,
                   std::vector<SourceDiagnostic>& out)
      : clang::TextDiagnosticPrinter(os, options), out_(out) {}

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                        const clang::Diagnostic& info) override {
    clang::TextDiagnosticPrinter::HandleDiagnostic(level, info);
    SourceDiagnostic d;
    d.severity = severity_name(level);
    llvm::SmallString<256> text;
    info.FormatDiagnostic(text);
    d.message = std::string(text.str());
    if (info.getLocation().isValid() && info.hasSourceManager()) {
      const clang::PresumedLoc loc = info.getSourceManager().getPresumedLoc(info.getLocation());
      if (loc.isValid()) {
        d.line = static_cast<int>(loc.getLine());
        d.column = static_cast<int>(loc.getColumn());
      }
    }
    out_.push_back(std::move(d));
  }

 private:
  std::vector<SourceDiagnostic>& out_;
};

}  // namespace

ClangFrontend::ClangFrontend(int opt_level, const std::vector<std::string>& flags,
                             bool system_headers) {
  // The same command a person would type, resolved once by clang's own driver, so
  // -march=native (host CPU name and features), the -O3 defaults (vectorizers,
  // unrolling, fp-contract) and the target ABI are exactly those of clang++.
  // No header search beyond clang's builtin headers (immintrin.h and friends).
  // With system_headers, the driver's own search for the system's C++ headers (the
  // GCC installation's libstdc++, /usr/include), as clang++ on the command line.
  std::vector<std::string> args = {"clang++", "-std=c++20", "-O" + std::to_string(opt_level),
                                   "-march=native", "-fno-color-diagnostics", "-resource-dir",
                                   EVOJIT_CLANG_RESOURCE_DIR,
                                   // The caller runs the IR pipeline with the JIT's target machine.
                                   "-Xclang", "-disable-llvm-passes"};
  if (!system_headers) {
    args.insert(args.end(), {"-fno-exceptions", "-fno-rtti", "-nostdlibinc", "-nostdinc++"});
  }
  args.insert(args.end(), flags.begin(), flags.end());
  args.insert(args.end(), {"-c", kKernelFileName});
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());

  std::string errors;
  llvm::raw_string_ostream errors_os(errors);
  auto diag_options = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
  auto* printer = new clang::TextDiagnosticPrinter(errors_os, diag_options.get());
  auto diags = clang::CompilerInstance::createDiagnostics(diag_options.get(), printer, true);
  std::vector<std::string> cc1;
  clang::CreateInvocationOptions opts;
  opts.Diags = diags;
  opts.RecoverOnError = false;
  opts.ProbePrecompiled = false;
  opts.CC1Args = &cc1;
  std::shared_ptr<clang::CompilerInvocation> invocation = clang::createInvocation(argv, opts);
  errors_os.flush();
  if (!invocation || diags->hasErrorOccurred()) {
    throw std::runtime_error("cpu jit: cannot set up the clang invocation: " + errors);
  }
  // The driver's defaults suit a one-shot process; a long-lived JIT must free each
  // compile's AST and must not print colour codes into logs.
  invocation->getFrontendOpts().DisableFree = false;
  invocation->getDiagnosticOpts().ShowColors = false;
  invocation_ = std::move(invocation);
  for (const auto& a : cc1) command_line_ += a + "\n";
  for (const auto& entry : invocation_->getHeaderSearchOpts().UserEntries) {
    include_dirs_.push_back(entry.Path);
  }
}

ClangFrontend::~ClangFrontend() = default;

const std::string& ClangFrontend::triple() const { return invocation_->getTargetOpts().Triple; }
const std::string& ClangFrontend::cpu() const { return invocation_->getTargetOpts().CPU; }
const std::vector<std::string>& ClangFrontend::features() const {
  return invocation_->getTargetOpts().FeaturesAsWritten;
}

FrontendResult ClangFrontend::compile(const std::string& source, llvm::LLVMContext& context) const {
  FrontendResult result;
  llvm::raw_string_ostream log_os(result.log);
  auto invocation = std::make_shared<clang::CompilerInvocation>(*invocation_);
  invocation->getPreprocessorOpts().addRemappedFile(
      kKernelFileName, llvm::MemoryBuffer::getMemBufferCopy(source, kKernelFileName).release());
  CapturingPrinter printer(log_os, &invocation->getDiagnosticOpts(), result.diagnostics);
  {
    clang::CompilerInstance ci;
    ci.setInvocation(invocation);
    ci.createDiagnostics(&printer, /*ShouldOwnClient=*/false);
    ci.setVerboseOutputStream(log_os);
    clang::EmitLLVMOnlyAction action(&context);
    if (ci.ExecuteAction(action)) result.module = action.takeModule();
  }
  log_os.flush();
  return result;
}

}  // namespace evojit::detail
