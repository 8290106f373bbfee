// A T1 tuning input (the auto-tuning community's input format, AutoTuningAssociation
// TuningSchema): the parameter space and the kernel specification of a benchmark.
//
// ConfigurationSpace.TuningParameters[] gives Name, Type ("int", "float", "string",
// "bool"), Values (a Python expression as a string, as Kernel Tuner eval()s it:
// "[16, 32]", "list(range(1, 9))", "[128+64*i for i in range(15)]"; or a JSON array)
// and Default; string values that would change a kernel source pasted as a #define
// (line breaks, backslashes, comment openers, control characters) are refused;
// ConfigurationSpace.Conditions[] gives Python-like Expressions over the named Parameters. The
// KernelSpecification is kept as plain strings and JSON for the CUDA backend to use later.
//
// Every error is an InputError naming the file and the JSON pointer
// ("gemm_milo.json#/ConfigurationSpace/Conditions/3/Expression").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genomes/parameter_space.hpp"

namespace evojit {

struct T1KernelSpec {
  std::string language;  // "CUDA", "OpenCL", ...
  std::string kernel_name;
  std::string kernel_file;  // as written, relative to the T1 file's folder
  std::vector<std::string> compiler_options;
  nlohmann::json global_size;  // {"X": expr, "Y": expr, "Z": expr}; null when absent
  nlohmann::json local_size;
  nlohmann::json arguments;  // "Arguments" (or "ArgumentList")
  nlohmann::json json;       // the whole KernelSpecification object
};

struct T1Input {
  std::filesystem::path file;
  std::string name;  // General.BenchmarkName, else the file's stem
  ParameterSpace space;
  std::vector<std::string> conditions;  // the Expressions, in file order
  T1KernelSpec kernel;
  nlohmann::json benchmark_config;  // BenchmarkConfig; null when absent
};

// Throws InputError (missing file, not JSON, missing ConfigurationSpace, bad Values,
// a Condition naming an unknown parameter or not parsing).
T1Input read_t1_input(const std::filesystem::path& file);
// Parses an already loaded document; `where` names it in errors.
T1Input parse_t1_input(const nlohmann::json& doc, const std::string& where);

// The T1 file that goes with a Kernel Tuner cache by the benchmark hub's naming, for
// the benchmarks that sweep the hub's files (a replay never guesses: its T1 file is
// given with --t1, since the guess took unrelated files beside Kernel Tuner's caches):
// "convolution_milo_A100.json.gz" -> "convolution_milo.json", "gemm_RTX_3090.json.gz"
// -> "gemm_milo.json" (same folder). nullopt when there is none (pnpoly).
std::optional<std::filesystem::path> find_t1_for_cache(const std::filesystem::path& cache_file);

}  // namespace evojit
