// A user's own kernel through the CLI (`run --task-file`, `tasks --task-file`): an
// OpenMP C++ kernel with standard headers tuned end to end, its best/kernel.cpp
// compiled on its own, and each bad manifest refused with one message, exit 2 and
// nothing written.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using evojit::testing::read_json;
using evojit::testing::run_cli;
using Result = evojit::testing::CliResult;

constexpr const char* kKernel = R"(#include <cmath>
#include <cstdint>
#include <vector>

void scale_sqrt(float* y, const float* x, std::int32_t n, float a) {
#pragma omp parallel for num_threads(THREADS) schedule(static, CHUNK)
  for (std::int32_t i = 0; i < n; ++i) y[i] = a * std::sqrt(x[i]);
}
)";

constexpr const char* kReference = R"(#include <cmath>
void scale_sqrt_reference(float* y, const float* x, int n, float a) {
  for (int i = 0; i < n; ++i) y[i] = a * std::sqrt(x[i]);
}
)";

class TaskManifestCliTest : public evojit::testing::CliTestBase {
 protected:
  void SetUp() override {
    CliTestBase::SetUp();
    write("scale.cpp", kKernel);
    write("reference.cpp", kReference);
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
  }

  // Every CPU thread count the kernel runs with is 2: each candidate uses OpenMP.
  json manifest() const {
    return json::parse(R"({
      "name": "scale_sqrt", "source": "scale.cpp", "function": "scale_sqrt",
      "parameters": {"THREADS": [2], "CHUNK": [16, 64, 256, 1024]},
      "dims": ["n"],
      "sizes": {"training": [[4096], [20000]], "held_out": [[50000]]},
      "arguments": [
        {"name": "y", "type": "float32", "length": "n", "role": "output"},
        {"name": "x", "type": "float32", "length": "n", "init": {"random": [0, 4], "seed": 3}},
        {"name": "n", "type": "int32", "value": "n"},
        {"name": "a", "type": "float32", "value": 1.5}
      ],
      "workload": {"flops": "2 * n", "bytes": "8 * n"},
      "correctness": {"reference": {"source": "reference.cpp", "function": "scale_sqrt_reference"},
                      "rtol": 1e-5}
    })");
  }

  fs::path save(const json& m, const std::string& name = "task.json") const {
    std::ofstream(dir_ / name) << m.dump(2);
    return dir_ / name;
  }

  Result run(const fs::path& manifest, const fs::path& out) const {
    return run_cli("run --task-file " + manifest.string() + " --budget 4 --out " + out.string() +
                   " --profile " + profile_.string() + " --max-seconds-per-size 0.02 --quiet");
  }

  // A bad manifest: exit 2, the message, and no run directory.
  void expect_refused(const json& m, const std::string& message) const {
    const fs::path out = dir_ / "refused";
    const Result r = run(save(m), out);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("task.json#/"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out)) << r.output;
  }
};

bool compiles(const std::string& compiler, const fs::path& source, const fs::path& object) {
  const std::string command = compiler + " -std=c++17 -O2 -fopenmp -c " + source.string() + " -o " +
                              object.string() + " 2>&1";
  return std::system(command.c_str()) == 0;
}

bool have(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

TEST_F(TaskManifestCliTest, TunesAnOpenMpKernelEndToEnd) {
  const fs::path out = dir_ / "run";
  const Result r = run(save(manifest()), out);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const json run_json = read_json(out / "run.json");
  EXPECT_EQ(run_json["config"]["task_file"], (dir_ / "task.json").string());
  std::ifstream journal(out / "journal.jsonl");
  std::string line;
  int records = 0;
  while (std::getline(journal, line)) {
    const json rec = json::parse(line);
    EXPECT_EQ(rec["status"], "ok") << rec.dump();
    EXPECT_EQ(rec["genome"]["THREADS"], 2);
    ASSERT_EQ(rec["evaluation"]["sizes"].size(), 2u);
    for (const json& size : rec["evaluation"]["sizes"]) {
      EXPECT_GT(size["fraction"].get<double>(), 0.0) << rec.dump();
    }
    ++records;
  }
  EXPECT_EQ(records, 4);

  // best/kernel.cpp stands alone: no prelude, no evojit header, no host callback.
  const fs::path best = out / "best" / "kernel.cpp";
  ASSERT_TRUE(fs::exists(best));
  EXPECT_TRUE(compiles("g++", best, dir_ / "best_gcc.o"));
  if (have("clang++")) EXPECT_TRUE(compiles("clang++", best, dir_ / "best_clang.o"));
}

TEST_F(TaskManifestCliTest, ConfigFileNamesTheManifestBesideIt) {
  save(manifest());
  std::ofstream(dir_ / "config.json")
      << R"({"task_file": "task.json", "budget": {"evaluations": 2}})";
  const fs::path out = dir_ / "run";
  const Result r =
      run_cli("run --config " + (dir_ / "config.json").string() + " --out " + out.string() +
              " --profile " + profile_.string() + " --max-seconds-per-size 0.02 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(out / "best" / "kernel.cpp"));
}

TEST_F(TaskManifestCliTest, TasksChecksAManifestWithoutRunning) {
  const Result r = run_cli("tasks --task-file " + save(manifest()).string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("4 points"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("training sizes: n=4096 n=20000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("held-out sizes: n=50000"), std::string::npos) << r.output;

  json bad = manifest();
  bad["arguments"][0]["length"] = "n * m";
  const Result refused = run_cli("tasks --task-file " + save(bad).string());
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("task.json#/arguments/0/length"), std::string::npos)
      << refused.output;
}

TEST_F(TaskManifestCliTest, RefusesAMissingSourceFile) {
  json m = manifest();
  m["source"] = "nowhere.cpp";
  expect_refused(m, "nowhere.cpp' not found");
}

TEST_F(TaskManifestCliTest, RefusesAnEntryFunctionTheSourceLacks) {
  json m = manifest();
  m["function"] = "scale_cube";
  expect_refused(m, "entry function 'scale_cube' not found in scale.cpp");
}

TEST_F(TaskManifestCliTest, RefusesASignatureUnlikeTheArguments) {
  json m = manifest();
  m["arguments"][1]["type"] = "float64";  // the kernel takes const float*
  expect_refused(m, "does not match the manifest's arguments");

  json scalar = manifest();
  scalar["arguments"][2]["type"] = "int64";  // the kernel takes std::int32_t
  expect_refused(scalar, "does not match the manifest's arguments");

  json arity = manifest();
  arity["arguments"].erase(3);
  expect_refused(arity, "does not match the manifest's arguments");
}

TEST_F(TaskManifestCliTest, RefusesALengthThatDoesNotEvaluate) {
  json m = manifest();
  m["arguments"][1]["length"] = "n * width";
  expect_refused(m, "does not evaluate");
}

TEST_F(TaskManifestCliTest, RefusesAReferenceThatDisagreesOnEverySize) {
  write("reference.cpp", R"(void scale_sqrt_reference(float* y, const float* x, int n, float a) {
  for (int i = 0; i < n; ++i) y[i] = a * x[i];
}
)");
  expect_refused(manifest(), "the reference disagrees with the seed configuration on every");
}

// A CUDA manifest runs on a GPU: without --device it is refused before anything is
// written, naming the flag to add; `tasks --task-file` checks it on any machine.
TEST_F(TaskManifestCliTest, CudaManifestNeedsADeviceAndIsCheckedWithoutOne) {
  const std::string example = std::string(EVOJIT_SOURCE_DIR) + "/examples/conv1d_cuda/conv1d.json";
  const Result listed = run_cli("tasks --task-file " + example);
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("block_size_x"), std::string::npos) << listed.output;
  const fs::path out = dir_ / "cuda";
  const Result r = run(example, out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("conv1d.json#/language"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--device cuda:N"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out)) << r.output;
}

}  // namespace
