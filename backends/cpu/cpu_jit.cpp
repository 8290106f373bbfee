#include "backends/cpu/cpu_jit.hpp"

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/SmallVectorMemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

#include "backends/cpu/cpu_jit_frontend.hpp"
#include "kernels/kernel_abi.hpp"
#include "support/hash.hpp"

#ifdef EVOJIT_HAS_OPENMP
// Kernels compiled with -fopenmp call the OpenMP runtime (__kmpc_*), which the JIT
// resolves from this process: a reference here keeps libomp linked into every program
// that has the JIT, not only the worker.
extern "C" int omp_get_max_threads(void);
[[gnu::used]] static int (*const evojit_keep_libomp)(void) = &omp_get_max_threads;
#endif

namespace evojit {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void initialize_llvm_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

llvm::OptimizationLevel optimization_level(int level) {
  switch (level) {
    case 0:
      return llvm::OptimizationLevel::O0;
    case 1:
      return llvm::OptimizationLevel::O1;
    case 2:
      return llvm::OptimizationLevel::O2;
    default:
      return llvm::OptimizationLevel::O3;
  }
}

}  // namespace

struct CpuJit::Impl {
  struct Entry {
    std::string source;  // guards against a (very unlikely) key collision
    llvm::orc::JITDylib* dylib = nullptr;
    std::uint64_t code_hash = 0;
    void* entry = nullptr;       // the last symbol looked up in it
    std::uint64_t last_use = 0;  // for least-recently-used eviction
  };

  JitOptions options;
  std::unique_ptr<detail::ClangFrontend> frontend;
  std::unique_ptr<llvm::TargetMachine> target_machine;
  std::unique_ptr<llvm::orc::LLJIT> jit;
  llvm::orc::JITDylib* host = nullptr;  // evojit_parallel_for and the process's symbols
  bool link_host = false;               // host is ours, not LLJIT's process-symbols dylib
  std::string description;
  std::uint64_t config_hash = 0;
  // What besides its bytes makes two objects the same code (the code identity the
  // pipeline's code cache keys on): triple, CPU and features, flags, LLVM version.
  std::uint64_t code_identity_seed = 0;
  std::unordered_map<std::uint64_t, Entry> cache;
  std::size_t dylib_count = 0;
  std::uint64_t use_clock = 0;
  std::string session_errors;  // what ORC reports while linking the current kernel
  std::mutex mutex;

  explicit Impl(JitOptions opts);
  void optimize(llvm::Module& module) const;
  // Returns false with `error` set when the target cannot emit an object file.
  bool emit_object(llvm::Module& module, llvm::SmallVector<char, 0>& out, std::string& error) const;
  llvm::Expected<llvm::orc::JITDylib*> link(std::unique_ptr<llvm::MemoryBuffer> object);
  // Frees least recently used kernels until at most max_kernels remain.
  void evict_beyond_bound();
};

void CpuJit::Impl::evict_beyond_bound() {
  const std::size_t bound = options.max_kernels > 0 ? options.max_kernels : 1;
  while (cache.size() > bound) {
    auto oldest = cache.begin();
    for (auto it = cache.begin(); it != cache.end(); ++it) {
      if (it->second.last_use < oldest->second.last_use) oldest = it;
    }
    llvm::consumeError(jit->getExecutionSession().removeJITDylib(*oldest->second.dylib));
    cache.erase(oldest);
  }
}

CpuJit::Impl::Impl(JitOptions opts) : options(std::move(opts)) {
  initialize_llvm_once();
  frontend = std::make_unique<detail::ClangFrontend>(options.opt_level, options.extra_flags,
                                                     options.system_headers);

  // One target machine for the whole session, for exactly the CPU and features the
  // front end resolved from -march=native, so IR and machine code agree.
  const std::string& triple = frontend->triple();
  const std::string features = join(frontend->features(), ',');
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) throw std::runtime_error("cpu jit: no LLVM target for " + triple + ": " + error);
  const auto codegen_level = options.opt_level >= 3   ? llvm::CodeGenOptLevel::Aggressive
                             : options.opt_level == 0 ? llvm::CodeGenOptLevel::None
                                                      : llvm::CodeGenOptLevel::Default;
  target_machine.reset(target->createTargetMachine(triple, frontend->cpu(), features,
                                                   llvm::TargetOptions(), llvm::Reloc::PIC_,
                                                   llvm::CodeModel::Small, codegen_level));
  if (!target_machine) throw std::runtime_error("cpu jit: cannot create a target machine");

  llvm::orc::JITTargetMachineBuilder jtmb{llvm::Triple(triple)};
  jtmb.setCPU(frontend->cpu());
  jtmb.addFeatures(frontend->features());
  jtmb.setCodeGenOptLevel(codegen_level);
  jtmb.setRelocationModel(llvm::Reloc::PIC_);
  auto built = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(jtmb)).create();
  if (!built) {
    throw std::runtime_error("cpu jit: cannot create the JIT session: " +
                             llvm::toString(built.takeError()));
  }
  jit = std::move(*built);
  // Link errors (an undefined symbol, say) belong in the kernel's log, not on stderr.
  jit->getExecutionSession().setErrorReporter([this](llvm::Error err) {
    session_errors += "cpu jit: " + llvm::toString(std::move(err)) + "\n";
  });

  // Kernels see libc/libm (memcpy, memset, expf...) and the host's parallel_for. The
  // latter is defined explicitly: the host executable need not export its symbols.
  host = jit->getProcessSymbolsJITDylib().get();
  if (!host) {
    host = &jit->getExecutionSession().createBareJITDylib("evojit_host");
    auto generator = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
        jit->getDataLayout().getGlobalPrefix());
    if (!generator) {
      throw std::runtime_error("cpu jit: cannot expose process symbols: " +
                               llvm::toString(generator.takeError()));
    }
    host->addGenerator(std::move(*generator));
    link_host = true;
  }
  llvm::orc::SymbolMap host_symbols;
  host_symbols[jit->mangleAndIntern(kParallelForSymbol)] = {
      llvm::orc::ExecutorAddr::fromPtr(&evojit_parallel_for),
      llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  if (auto err = host->define(llvm::orc::absoluteSymbols(std::move(host_symbols)))) {
    throw std::runtime_error("cpu jit: cannot define host symbols: " +
                             llvm::toString(std::move(err)));
  }

  description = frontend->cpu() + " " + features;
  config_hash = hash_text(frontend->command_line(), hash_text(description));
  code_identity_seed = hash_text(frontend->triple() + " " LLVM_VERSION_STRING, config_hash);
}

void CpuJit::Impl::optimize(llvm::Module& module) const {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // What clang sets for -O2 and above (-vectorize-loops -vectorize-slp, unrolling).
  llvm::PipelineTuningOptions tuning;
  const bool vectorize = options.opt_level >= 2;
  tuning.LoopUnrolling = options.opt_level >= 1;
  tuning.LoopInterleaving = options.opt_level >= 1;
  tuning.LoopVectorization = vectorize;
  tuning.SLPVectorization = vectorize;
  // Built per module: the pipeline cannot be reused (ModuleInlinerWrapperPass moves its
  // CGSCC pipeline out on its first run in LLVM 19). Building it costs ~0.01 ms.
  llvm::PassBuilder builder(target_machine.get(), tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  const llvm::OptimizationLevel level = optimization_level(options.opt_level);
  llvm::ModulePassManager pipeline = level == llvm::OptimizationLevel::O0
                                         ? builder.buildO0DefaultPipeline(level)
                                         : builder.buildPerModuleDefaultPipeline(level);
  pipeline.run(module, mam);
}

bool CpuJit::Impl::emit_object(llvm::Module& module, llvm::SmallVector<char, 0>& out,
                               std::string& error) const {
  llvm::raw_svector_ostream os(out);
  llvm::legacy::PassManager passes;
  passes.add(new llvm::TargetLibraryInfoWrapperPass(llvm::Triple(module.getTargetTriple())));
  if (target_machine->addPassesToEmitFile(passes, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    error = "cpu jit: the target cannot emit object files";
    return false;
  }
  passes.run(module);
  return true;
}

llvm::Expected<llvm::orc::JITDylib*> CpuJit::Impl::link(
    std::unique_ptr<llvm::MemoryBuffer> object) {
  // One dylib per kernel: every kernel defines evojit_kernel.
  auto dylib = jit->createJITDylib("evojit_kernel_" + std::to_string(dylib_count++));
  if (!dylib) return dylib.takeError();
  if (link_host) dylib->addToLinkOrder(*host);
  if (auto err = jit->addObjectFile(*dylib, std::move(object))) {
    llvm::consumeError(jit->getExecutionSession().removeJITDylib(*dylib));
    return std::move(err);
  }
  return &*dylib;
}

CpuJit::CpuJit(JitOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

CpuJit::~CpuJit() = default;

std::string CpuJit::target_description() const { return impl_->description; }

std::vector<std::string> CpuJit::include_dirs() const { return impl_->frontend->include_dirs(); }

std::size_t CpuJit::cache_size() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->cache.size();
}

bool CpuJit::holds(const void* entry) const {
  std::lock_guard lock(impl_->mutex);
  for (const auto& [key, e] : impl_->cache) {
    if (e.entry == entry) return true;
  }
  return false;
}

CompiledKernel CpuJit::compile(const std::string& source, const std::string& entry_symbol) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mutex);
  const Clock::time_point start = Clock::now();
  CompiledKernel result;
  const std::uint64_t key = hash_text(source, s.config_hash);

  auto lookup = [&](llvm::orc::JITDylib& dylib) {
    s.session_errors.clear();
    auto address = s.jit->lookup(dylib, entry_symbol);
    if (!address) {
      result.ok = false;
      result.log += s.session_errors;
      result.log += "cpu jit: " + llvm::toString(address.takeError()) + "\n";
      std::string message = s.session_errors.empty()
                                ? "cannot link symbol '" + entry_symbol + "'"
                                : s.session_errors.substr(0, s.session_errors.find('\n'));
      result.diagnostics.push_back({0, 0, "error", std::move(message)});
      return;
    }
    result.entry = address->toPtr<void*>();
    result.ok = true;
  };

  if (auto it = s.cache.find(key); it != s.cache.end() && it->second.source == source) {
    result.stats.cache_hit = true;
    result.stats.code_hash = it->second.code_hash;
    lookup(*it->second.dylib);
    if (result.ok) it->second.entry = result.entry;
    it->second.last_use = ++s.use_clock;
    result.stats.total_s = seconds_since(start);
    return result;
  }

  // A fresh context per kernel: its types and constants are freed with the module.
  auto context = std::make_unique<llvm::LLVMContext>();
  Clock::time_point phase = Clock::now();
  detail::FrontendResult front = s.frontend->compile(source, *context);
  result.stats.frontend_s = seconds_since(phase);
  result.log = std::move(front.log);
  result.diagnostics = std::move(front.diagnostics);
  if (!front.module) {
    result.stats.total_s = seconds_since(start);
    return result;
  }

  phase = Clock::now();
  s.optimize(*front.module);
  result.stats.optimize_s = seconds_since(phase);

  phase = Clock::now();
  llvm::SmallVector<char, 0> object;
  std::string error;
  const bool emitted = s.emit_object(*front.module, object, error);
  result.stats.codegen_s = seconds_since(phase);
  front.module.reset();
  context.reset();
  if (!emitted) {
    result.log += error + "\n";
    result.stats.total_s = seconds_since(start);
    return result;
  }
  result.stats.code_hash = hash_bytes(object.data(), object.size(), s.code_identity_seed);

  phase = Clock::now();
  auto buffer = std::make_unique<llvm::SmallVectorMemoryBuffer>(
      std::move(object), detail::kKernelFileName, /*RequiresNullTerminator=*/false);
  auto dylib = s.link(std::move(buffer));
  if (!dylib) {
    result.log += "cpu jit: " + llvm::toString(dylib.takeError()) + "\n";
  } else {
    lookup(**dylib);
    if (result.ok) {
      s.cache[key] =
          Impl::Entry{source, *dylib, result.stats.code_hash, result.entry, ++s.use_clock};
      s.evict_beyond_bound();
    } else {
      llvm::consumeError(s.jit->getExecutionSession().removeJITDylib(**dylib));
    }
  }
  result.stats.link_s = seconds_since(phase);
  result.stats.total_s = seconds_since(start);
  return result;
}

}  // namespace evojit
