// Task manifests as data: the parser's errors name the JSON pointer, the worker's
// inline form reads back to the same task, the rendered source carries the user's
// kernel and its call thunk, and a size's buffers hold the manifest's initial
// contents and are checked against the reference's outputs.
#include <cstring>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kernels/call_thunk.hpp"
#include "kernels/manifest_task.hpp"
#include "kernels/task_manifest.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

using nlohmann::json;

json manifest_doc() {
  return json::parse(R"({
    "name": "twice", "source": {"text": "void twice(float* y, const float* x, int n) {}"},
    "function": "twice",
    "parameters": {"UNROLL": [1, 2, 4], "THREADS": [1, 2]},
    "restrictions": ["UNROLL * THREADS <= 4"],
    "dims": ["n"],
    "sizes": {"training": [[8], {"n": 16}], "held_out": [[32]]},
    "arguments": [
      {"name": "y", "type": "float32", "length": "n", "role": "output"},
      {"name": "x", "type": "float32*", "length": "n", "init": "iota"},
      {"name": "n", "type": "int32", "value": "n"}
    ],
    "workload": {"flops": "n", "bytes": "8 * n"},
    "correctness": {"atol": 0, "rtol": 1e-6}
  })");
}

std::string error_of(const json& doc) {
  try {
    parse_task_manifest(doc, "m.json");
  } catch (const InputError& e) {
    return e.what();  // "where: what (hint)"
  }
  return "no error";
}

TEST(TaskManifest, ErrorsNameTheJsonPointer) {
  json unknown = manifest_doc();
  unknown["paramters"] = json::object();
  EXPECT_NE(error_of(unknown).find("m.json#/paramters: unknown key 'paramters'"), std::string::npos)
      << error_of(unknown);

  json type = manifest_doc();
  type["arguments"][1]["type"] = "float16";
  EXPECT_NE(error_of(type).find("m.json#/arguments/1/type: unknown type 'float16'"),
            std::string::npos)
      << error_of(type);

  json length = manifest_doc();
  length["arguments"][0]["length"] = "n + m";
  EXPECT_NE(
      error_of(length).find("m.json#/arguments/0/length: 'n + m' does not evaluate on size n=8"),
      std::string::npos)
      << error_of(length);

  json negative = manifest_doc();
  negative["arguments"][0]["length"] = "n - 20";
  EXPECT_NE(error_of(negative).find("#/arguments/0/length: 'n - 20' gives"), std::string::npos);

  json no_output = manifest_doc();
  no_output["arguments"][0]["role"] = "input";
  EXPECT_NE(error_of(no_output).find("#/arguments: no argument is an output"), std::string::npos);

  json dims = manifest_doc();
  dims["sizes"]["training"][0] = json::array({8, 2});
  EXPECT_NE(error_of(dims).find("#/sizes/training/0: the size has 2 dims"), std::string::npos);

  json path = manifest_doc();
  path["source"] = "kernel.cpp";  // no file reader: the worker gets sources inline
  EXPECT_NE(error_of(path).find("#/source"), std::string::npos);
}

TEST(TaskManifest, InlineFormReadsBackToTheSameTask) {
  const TaskManifest m = parse_task_manifest(manifest_doc(), "m.json");
  const auto task = make_manifest_task(m);
  const TaskManifest back = parse_task_manifest(json::parse(task->manifest_json()), "wire");
  const auto again = make_manifest_task(back);
  const auto bindings = task->space().bindings(task->seed());
  EXPECT_EQ(task->render(bindings), again->render(bindings));
  ASSERT_EQ(again->training_sizes().size(), 2u);
  EXPECT_EQ(again->training_sizes()[1].label, "n=16");
  EXPECT_EQ(again->held_out_sizes()[0].dims, std::vector<std::int64_t>{32});
  EXPECT_EQ(again->manifest_json(), task->manifest_json());
  EXPECT_DOUBLE_EQ(again->workload(again->training_sizes()[1]).bytes, 128.0);
}

TEST(TaskManifest, RenderIsTheUsersSourceWithDefinesAndTheThunk) {
  const auto task = make_manifest_task(parse_task_manifest(manifest_doc(), "m.json"));
  const std::string source =
      task->render({{"UNROLL", Value(std::int64_t{2})}, {"THREADS", Value(std::int64_t{1})}});
  EXPECT_NE(source.find("#define UNROLL 2\n"), std::string::npos);
  EXPECT_NE(source.find("void twice(float* y, const float* x, int n) {}"), std::string::npos);
  EXPECT_NE(source.find("extern \"C\" void evojit_kernel(void* const* evojit_block)"),
            std::string::npos);
  EXPECT_EQ(source.find("evojit_args"), std::string::npos);  // no hidden prelude
  EXPECT_EQ(task->compile_flags().front(), "-fopenmp");
}

TEST(TaskManifest, ThunkPassesArraysAsPointersAndScalarsExactly) {
  const TaskManifest m = parse_task_manifest(manifest_doc(), "m.json");
  const std::string thunk = call_thunk("twice", m.arguments);
  EXPECT_NE(thunk.find("(float*)evojit_block[0]"), std::string::npos) << thunk;
  EXPECT_NE(thunk.find("evojit_exact<__INT32_TYPE__>{*(const __INT32_TYPE__*)evojit_block[2]}"),
            std::string::npos)
      << thunk;
}

// Stands in for a compiled kernel: y = 2 * x over the block's arguments.
void twice(void* const* block) {
  auto* y = static_cast<float*>(block[0]);
  const auto* x = static_cast<const float*>(block[1]);
  const auto n = *static_cast<const std::int32_t*>(block[2]);
  for (std::int32_t i = 0; i < n; ++i) y[i] = 2.0f * x[i];
}

TEST(TaskManifest, InstanceHoldsTheInitsAndChecksAgainstTheReference) {
  std::string compiled;
  const auto task = make_manifest_task(parse_task_manifest(manifest_doc(), "m.json"),
                                       [&](const std::string& source) {
                                         compiled = source;
                                         return &twice;
                                       });
  const ProblemSize size = task->training_sizes()[1];
  auto instance = task->instantiate(size);
  EXPECT_NE(compiled.find("void twice("), std::string::npos);  // the seed is the reference

  void* const* block = static_cast<void* const*>(instance->entry_argument());
  const auto* x = static_cast<const float*>(block[1]);
  EXPECT_EQ(x[5], 5.0f);  // iota
  EXPECT_EQ(*static_cast<const std::int32_t*>(block[2]), 16);
  EXPECT_EQ(static_cast<const float*>(block[0])[3], 6.0f);  // the reference's output, not reset

  instance->reset();
  EXPECT_EQ(static_cast<const float*>(block[0])[3], 0.0f);  // outputs start at zero
  twice(block);
  EXPECT_TRUE(instance->check().ok);

  static_cast<float*>(block[0])[7] += 0.5f;
  const CheckResult wrong = instance->check();
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.message.find("y[7] = 14.5"), std::string::npos) << wrong.message;

  EXPECT_THROW(make_manifest_task(parse_task_manifest(manifest_doc(), "m.json"))->instantiate(size),
               std::runtime_error);  // the driver builds no data
}

TEST(TaskManifest, DataAndRandomInits) {
  json doc = manifest_doc();
  float values[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  doc["sizes"] = {{"training", {{8}}}};
  doc["arguments"][1]["init"] = {
      {"base64", base64_encode(std::string(reinterpret_cast<const char*>(values), sizeof values))}};
  doc["arguments"].push_back(
      {{"name", "r"}, {"type", "int32"}, {"length", "n * 4"}, {"init", {{"random", {10, 20}}}}});
  const auto task = make_manifest_task(parse_task_manifest(doc, "m.json"),
                                       [](const std::string&) { return &twice; });
  auto instance = task->instantiate(task->training_sizes()[0]);
  void* const* block = static_cast<void* const*>(instance->entry_argument());
  EXPECT_EQ(std::memcmp(block[1], values, sizeof values), 0);
  const auto* r = static_cast<const std::int32_t*>(block[3]);
  for (int i = 0; i < 32; ++i) {
    EXPECT_GE(r[i], 10);
    EXPECT_LT(r[i], 20);
  }

  doc["sizes"] = {{"training", {{16}}}};  // the file holds 8 elements, the size needs 16
  EXPECT_NE(error_of(doc).find("#/arguments/1/init: the data holds 8 elements"), std::string::npos)
      << error_of(doc);
}

}  // namespace
}  // namespace evojit
