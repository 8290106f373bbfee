// A Task made from a task manifest (kernels/task_manifest.hpp): the user's kernel with
// its parameters as #defines and a generated call thunk (kernels/call_thunk.hpp), the
// space and sizes, the workload model from the manifest's expressions, and, in the
// worker, buffers of the manifest's types with the reference outputs to check against.
//
// The reference is a kernel too (the seed configuration, or the user's reference
// function), so building a size's data needs a compiler: the worker passes one
// (ReferenceCompiler); the driver, which never instantiates, passes none.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "kernels/task.hpp"
#include "kernels/task_manifest.hpp"

namespace evojit {

// The entry point of a compiled call thunk: it takes the argument block, one pointer
// per argument (the array's data, or the scalar's value).
using ThunkEntry = void (*)(void* const* block);
// Compiles a complete source (with its thunk) and returns its evojit_kernel entry;
// throws std::runtime_error with the compiler's log when it does not compile.
using ReferenceCompiler = std::function<ThunkEntry(const std::string& source)>;

// Throws InputError when the seed is not a valid point of the space.
std::unique_ptr<Task> make_manifest_task(TaskManifest manifest,
                                         ReferenceCompiler compile_reference = nullptr);

// The manifest a task was made from; nullptr for any other task.
const TaskManifest* manifest_of(const Task& task);

// The source the reference runs (the seed's render, or the reference file with its thunk).
std::string reference_source(const TaskManifest& manifest, const Task& task);

// A manifest argument's initial contents, a scalar's bytes (8 written, the value's
// type in the first ones) and the check of one output against its expected contents
// (max_error: the error over atol + rtol * |expected|, tolerance 1; the first element
// over it described in the message). Shared with the CUDA worker, which builds the same
// data on the device.
void fill_manifest_array(ElementType type, unsigned char* out, std::size_t count,
                         const ArgumentInit& init);
void store_manifest_scalar(ElementType type, double value, unsigned char* out);
void check_manifest_output(const TaskManifest& manifest, std::size_t argument,
                           const unsigned char* got, const unsigned char* expected,
                           std::size_t count, CheckResult& result);

// The value of a dims expression on a size (the manifest checked that it evaluates).
double evaluate_dims_expression(const std::string& text, const std::vector<std::string>& dims,
                                const ProblemSize& size);

}  // namespace evojit
