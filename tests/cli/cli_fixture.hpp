// What the end-to-end CLI tests share: running the built `evojit` binary as a user
// would, reading the JSON files a run writes, a per-test scratch directory, and a
// fixed machine profile so that no test spends seconds measuring the roofline.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace evojit::testing {

namespace fs = std::filesystem;

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline CliResult run_cli(const std::string& args) {
  const std::string command = std::string(EVOJIT_CLI) + " " + args + " 2>&1";
  CliResult r;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) r.output.append(buffer, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// 10 GB/s DRAM, 80 GB/s for working sets up to 512 KiB, 100 GFLOP/s.
inline void write_test_profile(const fs::path& path) {
  std::ofstream(path) << nlohmann::json{{"machine_id", "test"},
                                        {"threads", {1}},
                                        {"bandwidth_bytes_per_s", {10e9}},
                                        {"flops_per_s", {100e9}},
                                        {"levels",
                                         {{{"name", "L2"},
                                           {"working_set_bytes", 512 * 1024},
                                           {"bandwidth_bytes_per_s", {80e9}}}}}}
                             .dump();
}

// A fresh directory per test, named after it, removed afterwards.
class CliTestBase : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    profile_ = dir_ / "profile.json";
    write_test_profile(profile_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  fs::path profile_;
};

}  // namespace evojit::testing
