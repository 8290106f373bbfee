// Reading a task manifest file (the format: kernels/task_manifest.hpp). Relative paths
// resolve against the manifest's folder. What only a file can hold is resolved here,
// before the manifest travels to a worker that cannot read files: the kernel and
// reference sources, "space": "t1.json" (a T1 file's parameters and conditions, to
// which "restrictions" add), Python list expressions as parameter values
// ("list(range(1, 9))", as in T1 files), and an argument's {"file": "x.npy"} (NumPy
// .npy of the argument's type, or raw little-endian bytes for any other name).
//
// Also checked here, so that the mistake is one message before anything runs: the
// source file exists and the entry function is named in it.
#pragma once

#include <filesystem>
#include <memory>

#include "kernels/task.hpp"
#include "kernels/task_manifest.hpp"

namespace evojit {

// Throws InputError naming the file and JSON pointer, with the fix.
TaskManifest read_task_manifest(const std::filesystem::path& file);

// read_task_manifest + make_manifest_task (the driver's Task: it never instantiates).
std::unique_ptr<Task> load_manifest_task(const std::filesystem::path& file);

}  // namespace evojit
