// A Kernel Tuner cache file of what a run measured (run directory:
// kernel_tuner_cache.json), so that Kernel Tuner users can load evojit's
// measurements in their tools and replay them in its simulation mode.
//
// The format is the one Kernel Tuner 1.5 writes (kernel_tuner/util.py,
// process_cache/store_cache): {"device_name", "kernel_name", "problem_size",
// "tune_params_keys", "tune_params", "objective": ["time"], "cache": {"v1,v2,...":
// {name: value..., "time", "times", "compile_time", "verification_time",
// "benchmark_time", "strategy_time", "framework_time", "timestamp", metrics}}}; a
// key is the Python str() of each value joined by commas, as Kernel Tuner looks it up.
// "time" is the mean of "times" for a replayed entry (the recorded figures) and
// the geometric mean over sizes of the median for a live one, in milliseconds.
// A failed evaluation holds Kernel Tuner's failure string in "time":
// compile_error -> CompilationFailedConfig (InvalidConfig when it never ran: a
// configuration outside the recorded space), any runtime failure or wrong result ->
// RuntimeFailedConfig (Kernel Tuner has no class of its own for a wrong result;
// "evojit_status" keeps the exact one). The file ends "}\n}" as Kernel Tuner closes it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "interop/t4_output.hpp"
#include "support/value.hpp"

namespace evojit {

inline constexpr const char* kKernelTunerCacheFile = "kernel_tuner_cache.json";

struct KernelTunerCacheHeader {
  std::string device_name;
  std::string kernel_name;
  nlohmann::json problem_size;  // an int or a list of ints
  std::vector<std::string> keys;
  std::vector<std::vector<Value>> values;  // per key, in key order
};

// Python's str() of a value: 16, 0.5, 1.0, True, text.
std::string python_str(const Value& v);

// The cache text; one entry per distinct configuration (the last record of a
// configuration wins, as a Python dict keeps the last key).
std::string kernel_tuner_cache_text(const KernelTunerCacheHeader& header,
                                    const std::vector<T4Record>& records);
// Writes it atomically. Throws InputError when the file cannot be written.
void write_kernel_tuner_cache(const std::filesystem::path& file,
                              const KernelTunerCacheHeader& header,
                              const std::vector<T4Record>& records);

}  // namespace evojit
