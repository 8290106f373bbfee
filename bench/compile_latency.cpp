// Compile latency: source -> callable kernel, three ways, side by side in one run.
//   (a) the in-process JIT (a warm CpuJit): clang front end, O3 pipeline, codegen, link;
//   (b) g++ -O3 -march=native -shared -fPIC as a subprocess, then dlopen + dlsym (how
//       Kernel Tuner builds C kernels);
//   (c) clang++-19, the same command.
// Every repetition compiles a distinct source (a unique trailing comment: same code,
// different cache key), so no cache answers; the three methods take turns within a
// repetition. Then a code-quality check runs the
// kernels from (a), (b) and (c) on the task's training sizes: the JIT must keep -O3
// quality. Prints figures only; it never fails on time.
//
//   bench_compile_latency [--reps N] [--runs N] [--task NAME] [--keep]

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/cpu/cpu_jit.hpp"
#include "kernels/kernel_abi.hpp"
#include "kernels/task_registry.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Options {
  int reps = 20;  // compiles per method
  int runs = 15;  // kernel runs per size in the quality check
  std::string task = "heat2d";
  bool keep = false;  // keep the temporary directory with sources and .so files
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--reps") {
      o.reps = std::max(1, std::stoi(value()));
    } else if (a == "--runs") {
      o.runs = std::max(1, std::stoi(value()));
    } else if (a == "--task") {
      o.task = value();
    } else if (a == "--keep") {
      o.keep = true;
    } else {
      throw std::invalid_argument("unknown argument " + a +
                                  " (usage: [--reps N] [--runs N] [--task NAME] [--keep])");
    }
  }
  return o;
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// CPU time of the calling thread: on a loaded machine it moves far less than wall time.
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
}

double rusage_ms(const rusage& r) {
  auto ms = [](const timeval& t) { return 1e3 * t.tv_sec + 1e-3 * t.tv_usec; };
  return ms(r.ru_utime) + ms(r.ru_stime);
}

struct Summary {
  double median = 0, p10 = 0, p90 = 0;
};

Summary summarize(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1) + 0.5))];
  };
  const std::size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  return {median, at(0.1), at(0.9)};
}

// A distinct text for repetition `rep`: same code, different hash.
std::string variant(const std::string& source, const std::string& tag, int rep) {
  return source + "\n// compile_latency " + tag + " " + std::to_string(rep) + "\n";
}

// Runs argv without a shell; its output goes to `log`. Returns the exit status and adds
// the CPU time of the process and the processes it waited for (cc1plus, as, ld) to
// `cpu_ms`.
int run_command(const std::vector<std::string>& args, const fs::path& log,
                double* cpu_ms = nullptr) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return 127;
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (cpu_ms) *cpu_ms += rusage_ms(usage);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A kernel built by an external compiler: source file -> .so -> dlopen -> dlsym.
struct SubprocessCompiler {
  std::string name;
  std::vector<std::string> command;  // the compiler and its flags, before -o
  std::vector<void*> handles;

  ~SubprocessCompiler() {
    for (void* h : handles) dlclose(h);
  }

  // Returns the entry point; throws with the compiler's output on failure. Adds the CPU
  // time spent (compiler processes, dlopen) to `cpu_ms`.
  evojit::KernelEntry build(const fs::path& dir, const std::string& source, int rep,
                            double& cpu_ms) {
    const std::string stem = name + "_" + std::to_string(rep);
    const fs::path src = dir / (stem + ".cpp"), so = dir / (stem + ".so"),
                   log = dir / (stem + ".log");
    std::ofstream(src) << source;
    std::vector<std::string> args = command;
    args.insert(args.end(), {"-o", so.string(), src.string()});
    if (run_command(args, log, &cpu_ms) != 0) {
      throw std::runtime_error(name + " failed on " + src.string() + ":\n" + read_text(log));
    }
    const double cpu0 = thread_cpu_ms();
    void* handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    handles.push_back(handle);
    void* entry = dlsym(handle, evojit::kKernelEntry);
    if (!entry) throw std::runtime_error(std::string("dlsym: ") + dlerror());
    cpu_ms += thread_cpu_ms() - cpu0;
    return reinterpret_cast<evojit::KernelEntry>(entry);
  }
};

std::string first_line_of(const std::vector<std::string>& command, const fs::path& dir) {
  std::vector<std::string> args = {command.front(), "--version"};
  const fs::path log = dir / "version.log";
  if (run_command(args, log) != 0) return "?";
  std::string text = read_text(log);
  return text.substr(0, text.find('\n'));
}

// One table row: wall median, p10, p90, then (for whole methods, not phases) the CPU
// median and the ratios to the JIT's wall and CPU medians.
void print_row(const std::string& label, const Summary& wall, const Summary* cpu = nullptr,
               const Summary* jit = nullptr) {
  std::printf("  %-46s %8.1f %8.1f %8.1f", label.c_str(), wall.median, wall.p10, wall.p90);
  if (cpu) std::printf(" %9.1f", cpu->median);
  if (cpu && jit) {
    std::printf(" %8.2fx %8.2fx", wall.median / jit[0].median, cpu->median / jit[1].median);
  }
  std::printf("\n");
}

int run(const Options& opt) {
  evojit::TaskRegistry registry;
  evojit::register_builtin_tasks(registry);
  const evojit::Task& task = registry.get(opt.task);
  const std::string source = task.render(task.space().bindings(task.seed()));
  const int lines = static_cast<int>(std::count(source.begin(), source.end(), '\n'));

  const fs::path dir =
      fs::temp_directory_path() / ("evojit_compile_latency_" + std::to_string(getpid()));
  fs::create_directories(dir);

  // (a) JIT: construction (one-time) is timed apart; two warm-up compiles pay the
  // first-use costs a long-lived worker pays once.
  Clock::time_point t0 = Clock::now();
  evojit::CpuJit jit;
  const double setup_ms = ms_since(t0);
  for (int i = 0; i < 2; ++i) {
    const auto k = jit.compile(variant(source, "warmup", i), evojit::kKernelEntry);
    if (!k.ok) throw std::runtime_error("JIT failed on the " + opt.task + " seed:\n" + k.log);
  }
  // (b), (c): one warm-up build each (page cache, the compiler binaries).
  const std::vector<std::string> flags = {"-std=c++20", "-O3", "-march=native", "-shared", "-fPIC"};
  std::vector<SubprocessCompiler> compilers(2);
  compilers[0].name = "gxx";
  compilers[0].command = {"g++"};
  compilers[1].name = "clangxx";
  compilers[1].command = {"clang++-19"};
  for (auto& cc : compilers) {
    cc.command.insert(cc.command.end(), flags.begin(), flags.end());
    double ignored = 0;
    cc.build(dir, variant(source, cc.name + "_warmup", 0), -1, ignored);
  }

  // The three methods take turns within each repetition, so a change in machine load
  // (other processes on a shared host) hits them alike.
  std::vector<double> jit_total, jit_cpu, jit_front, jit_opt, jit_codegen, jit_link;
  evojit::KernelEntry jit_entry = nullptr;
  std::vector<std::vector<double>> sub_ms(2), sub_cpu(2);
  std::vector<evojit::KernelEntry> sub_entry(2);
  for (int rep = 0; rep < opt.reps; ++rep) {
    const double cpu0 = thread_cpu_ms();
    t0 = Clock::now();
    const auto k = jit.compile(variant(source, "jit", rep), evojit::kKernelEntry);
    jit_total.push_back(ms_since(t0));
    jit_cpu.push_back(thread_cpu_ms() - cpu0);
    if (!k.ok || k.stats.cache_hit) throw std::runtime_error("JIT: unexpected result\n" + k.log);
    jit_front.push_back(1e3 * k.stats.frontend_s);
    jit_opt.push_back(1e3 * k.stats.optimize_s);
    jit_codegen.push_back(1e3 * k.stats.codegen_s);
    jit_link.push_back(1e3 * k.stats.link_s);
    jit_entry = reinterpret_cast<evojit::KernelEntry>(k.entry);
    for (std::size_t c = 0; c < compilers.size(); ++c) {
      double cpu = 0;
      t0 = Clock::now();
      sub_entry[c] = compilers[c].build(dir, variant(source, compilers[c].name, rep), rep, cpu);
      sub_ms[c].push_back(ms_since(t0));
      sub_cpu[c].push_back(cpu);
    }
  }

  const Summary jit_s[2] = {summarize(jit_total), summarize(jit_cpu)};
  const Summary gxx_s = summarize(sub_ms[0]), gxx_cpu = summarize(sub_cpu[0]);
  const Summary clang_s = summarize(sub_ms[1]), clang_cpu = summarize(sub_cpu[1]);
  std::printf(
      "compile latency: %s seed (%d lines, %zu bytes), %d compiles each, distinct sources\n",
      opt.task.c_str(), lines, source.size(), opt.reps);
  std::printf("host target: %s\n", jit.target_description().substr(0, 60).c_str());
  std::printf("g++: %s\nclang++-19: %s\n", first_line_of({"g++"}, dir).c_str(),
              first_line_of({"clang++-19"}, dir).c_str());
  std::printf("JIT session setup (once per worker, not in the figures): %.1f ms\n\n", setup_ms);
  std::printf("  %-46s %8s %8s %8s %9s %9s %9s\n", "source -> callable (ms)", "wall med", "p10",
              "p90", "CPU med", "wall/JIT", "CPU/JIT");
  print_row("(a) in-process JIT, total", jit_s[0], &jit_s[1], jit_s);
  print_row("    front end (clang -> IR)", summarize(jit_front));
  print_row("    IR optimisation (O3 pipeline)", summarize(jit_opt));
  print_row("    codegen (IR -> object)", summarize(jit_codegen));
  print_row("    link (ORC, JITDylib, lookup)", summarize(jit_link));
  print_row("(b) g++ -O3 -march=native -shared + dlopen", gxx_s, &gxx_cpu, jit_s);
  print_row("(c) clang++-19 -O3 -march=native -shared + dlopen", clang_s, &clang_cpu, jit_s);
  const double r_gxx = gxx_s.median / jit_s[0].median, r_clang = clang_s.median / jit_s[0].median;
  std::printf(
      "\n  wall: g++/jit = %.2fx (target >= 2x: %s), clang/jit = %.2fx (target >= 4x: %s)\n", r_gxx,
      r_gxx >= 2 ? "met" : "MISSED", r_clang, r_clang >= 4 ? "met" : "MISSED");
  std::printf("  CPU:  g++/jit = %.2fx, clang/jit = %.2fx\n\n", gxx_cpu.median / jit_s[1].median,
              clang_cpu.median / jit_s[1].median);

  // Code quality: the same kernel from each compiler on the same inputs.
  std::printf("code quality: median of %d runs per size, ms (each run on fresh inputs)\n",
              opt.runs);
  std::printf("  %-18s %10s %10s %10s %10s %10s\n", "size", "JIT", "g++", "clang++", "g++/JIT",
              "clang/JIT");
  const std::vector<evojit::KernelEntry> entries = {jit_entry, sub_entry[0], sub_entry[1]};
  const char* names[] = {"JIT", "g++", "clang++"};
  for (const auto& size : task.training_sizes()) {
    auto instance = task.instantiate(size);
    std::vector<std::vector<double>> times(entries.size());
    std::string verdict;
    // Interleaved, so drift in machine load hits the three alike; run 0 warms up and
    // is checked against the reference.
    for (int r = 0; r < opt.runs + 1; ++r) {
      for (std::size_t e = 0; e < entries.size(); ++e) {
        instance->reset();
        t0 = Clock::now();
        entries[e](&instance->args());
        const double ms = ms_since(t0);
        if (r > 0) {
          times[e].push_back(ms);
        } else if (const auto check = instance->check(); !check.ok) {
          verdict += std::string(" WRONG(") + names[e] + "): " + check.message;
        }
      }
    }
    std::vector<double> medians;
    for (const auto& t : times) medians.push_back(summarize(t).median);
    std::printf("  %-18s %10.3f %10.3f %10.3f %9.2fx %9.2fx%s\n", size.label.c_str(), medians[0],
                medians[1], medians[2], medians[1] / medians[0], medians[2] / medians[0],
                verdict.c_str());
  }

  if (!opt.keep) {
    compilers.clear();  // dlclose before the files go
    fs::remove_all(dir);
  } else {
    std::printf("\nsources and .so files kept in %s\n", dir.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "bench_compile_latency: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_compile_latency: %s\n", e.what());
    return 1;
  }
}
