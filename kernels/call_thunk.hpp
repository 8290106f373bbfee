// The call thunk: an extern "C" wrapper compiled after the user's source that unpacks
// evojit's generic argument block (one pointer per argument) into the user function's
// own signature. The compiler checks that signature against the manifest: an array
// passes as a pointer of its element type, so `double*` against float32 does not
// compile; a scalar passes through a wrapper that converts only to its exact type, so
// `long` against int32 does not either. Errors inside the thunk name its file
// (kCallThunkFile), which is how a signature mismatch is told from a kernel's error.
#pragma once

#include <string>
#include <vector>

#include "kernels/task_manifest.hpp"

namespace evojit {

inline constexpr const char* kCallThunkFile = "evojit_call_thunk";

// `function(args...)` as `extern "C" void evojit_kernel(void* const* block)`.
std::string call_thunk(const std::string& function, const std::vector<ManifestArgument>& args);

}  // namespace evojit
