// A task manifest: a user's own kernel described as data (JSON), tuned with no change
// to evojit. It names the kernel's source and entry function, the tunable parameters
// and restrictions, the arguments in the kernel's own signature (element type, length
// as an expression of the size's dims, role, initial contents), the sizes, the
// workload model, the correctness check and, for CUDA, the launch geometry.
//
// One schema serves two readers. The user's file (interop/task_manifest_file.hpp reads
// it, resolving paths, a T1 file's space and data files) and the self-contained form
// the driver sends to the worker (to_json below: every file's contents inline), which
// the worker parses with the same parse_task_manifest to build the buffers itself.
//
// Every error is an InputError naming the file and the JSON pointer
// ("conv1d.json#/arguments/2/length") with how to fix it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genomes/parameter_space.hpp"
#include "kernels/task.hpp"

namespace evojit {

enum class ElementType { float32, float64, int32, int64, uint8 };
enum class ArgumentRole { input, output, inout };

struct ArgumentInit {
  enum class Kind { random, zeros, iota, data } kind = Kind::random;
  double lo = 0.0, hi = 1.0;  // random: uniform in [lo, hi)
  std::uint64_t seed = 0;
  std::string bytes;  // data: the elements, raw little-endian (an .npy's payload)
};

struct ManifestArgument {
  std::string name;
  ElementType type = ElementType::float32;
  bool array = true;
  // Array: its length; scalar: its value. An expression of the dims.
  std::string expression;
  ArgumentRole role = ArgumentRole::input;
  ArgumentInit init;
};

struct TaskManifest {
  std::string where;  // the file, for messages
  std::string name;
  std::string summary;
  std::string language = "cpp";  // "cpp" or "cuda"
  std::string function;          // the entry function, as the source names it
  std::string source;            // the source text
  std::string source_file;       // its file name (comments and messages)
  std::vector<std::string> compiler_flags;
  std::vector<Parameter> parameters;
  std::vector<std::string> restrictions;
  std::map<std::string, Value> seed;  // missing names take the first value
  std::vector<std::string> dims;      // names of a size's dims, at most kMaxKernelDims
  std::vector<ProblemSize> training_sizes;
  std::vector<ProblemSize> held_out_sizes;
  std::string flops, bytes, footprint;  // expressions of the dims
  std::vector<ManifestArgument> arguments;
  // Correctness: a reference function (same signature) in reference_source, or the
  // seed configuration's outputs when reference_function is empty.
  std::string reference_source;
  std::string reference_file;
  std::string reference_function;
  double atol = 1e-6, rtol = 1e-5;
  bool updates_in_place = false;
  // CUDA launch geometry, T1 style: {"block": [x, y, z], "grid_div": [x, y, z],
  // "problem": [x, y, z]}; each an expression of the parameters and dims.
  nlohmann::json launch;
};

// Reads any file the manifest names (relative paths resolve against the manifest's
// folder); returns its contents or throws InputError naming `pointer`. Null in the
// worker, where every file arrives inline.
using ManifestFileReader =
    std::function<std::string(const std::string& path, const std::string& pointer)>;

// Parses a manifest document. `where` names it in errors. Files are given either as a
// path (read through `read_file`) or inline ({"text": ...} for sources, {"base64": ...}
// for data). Checks every expression against the dims and evaluates it on every size.
TaskManifest parse_task_manifest(const nlohmann::json& doc, const std::string& where,
                                 const ManifestFileReader& read_file = nullptr);

// The self-contained form (every file inline), which parse_task_manifest reads back.
nlohmann::json to_json(const TaskManifest& manifest);

const char* element_type_name(ElementType type);  // "float32"
const char* element_c_type(ElementType type);     // "float", "__INT64_TYPE__"
std::size_t element_size(ElementType type);       // bytes
std::string base64_encode(const std::string& bytes);

}  // namespace evojit
