// Reading a task manifest file: paths beside the manifest, a T1 file's space, Python
// list values, .npy and raw data files, and the errors a user meets first (a missing
// source, an entry function the source does not name).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "interop/task_manifest_file.hpp"
#include "kernels/manifest_task.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSpaces = fs::path(EVOJIT_TEST_DATA_DIR) / "spaces";

class TaskManifestFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-manifest-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "k.cpp") << "void k(float* y, const float* x, int n) {}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  json doc() const {
    return json::parse(R"json({
      "name": "k", "source": "k.cpp", "function": "k",
      "parameters": {"B": "list(range(1, 5))"},
      "dims": ["n"], "sizes": {"training": [[4]]},
      "arguments": [
        {"name": "y", "type": "float32", "length": "n", "role": "output"},
        {"name": "x", "type": "float32", "length": "n"},
        {"name": "n", "type": "int32", "value": "n"}],
      "workload": {"flops": "n", "bytes": "8 * n"}
    })json");
  }
  fs::path save(const json& j) const {
    std::ofstream(dir_ / "m.json") << j.dump();
    return dir_ / "m.json";
  }
  std::string error_of(const json& j) const {
    try {
      read_task_manifest(save(j));
    } catch (const InputError& e) {
      return e.what();  // "where: what (hint)"
    }
    return "no error";
  }

  fs::path dir_;
};

TEST_F(TaskManifestFileTest, ReadsSourcesBesideItAndPythonListValues) {
  const TaskManifest m = read_task_manifest(save(doc()));
  EXPECT_EQ(m.source, "void k(float* y, const float* x, int n) {}\n");
  ASSERT_EQ(m.parameters.size(), 1u);
  EXPECT_EQ(m.parameters[0].values.size(), 4u);
}

TEST_F(TaskManifestFileTest, TakesTheSpaceOfAT1File) {
  json j = doc();
  j.erase("parameters");
  j["space"] = (kSpaces / "gemm_milo.json").string();
  j["restrictions"] = {"MWG >= 32"};
  const TaskManifest m = read_task_manifest(save(j));
  EXPECT_GT(m.parameters.size(), 5u);
  EXPECT_EQ(m.restrictions.back(), "MWG >= 32");
  EXPECT_GT(m.restrictions.size(), 1u);  // the T1 file's conditions come first
}

TEST_F(TaskManifestFileTest, ReadsNpyAndRawData) {
  const float values[4] = {0.5f, 1.5f, 2.5f, 3.5f};
  const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
  std::string padded = header + std::string(128 - 10 - header.size() - 1, ' ') + "\n";
  std::ofstream npy(dir_ / "x.npy", std::ios::binary);
  npy.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(padded.size()), 0};
  npy.write(len, 2);
  npy << padded;
  npy.write(reinterpret_cast<const char*>(values), sizeof values);
  npy.close();
  std::ofstream(dir_ / "x.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(values), sizeof values);

  for (const char* file : {"x.npy", "x.bin"}) {
    json j = doc();
    j["arguments"][1]["init"] = {{"file", file}};
    const TaskManifest m = read_task_manifest(save(j));
    EXPECT_EQ(m.arguments[1].init.kind, ArgumentInit::Kind::data) << file;
    EXPECT_EQ(m.arguments[1].init.bytes,
              std::string(reinterpret_cast<const char*>(values), sizeof values))
        << file;
  }
  json wrong_type = doc();
  wrong_type["arguments"][1]["type"] = "float64";
  wrong_type["arguments"][1]["init"] = {{"file", "x.npy"}};
  EXPECT_NE(error_of(wrong_type).find("dtype is not float64"), std::string::npos)
      << error_of(wrong_type);
}

TEST_F(TaskManifestFileTest, NamesTheMissingSourceAndTheMissingFunction) {
  json missing = doc();
  missing["source"] = "gone.cpp";
  EXPECT_NE(error_of(missing).find("m.json#/source: file '"), std::string::npos)
      << error_of(missing);
  json function = doc();
  function["function"] = "kk";
  EXPECT_NE(error_of(function).find("m.json#/function: entry function 'kk' not found in k.cpp"),
            std::string::npos)
      << error_of(function);
  std::ofstream(dir_ / "bad.json") << "{not json";
  EXPECT_THROW(read_task_manifest(dir_ / "bad.json"), InputError);
}

}  // namespace
}  // namespace evojit
