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

// 10 GB/s DRAM; 160, 80 and 20 GB/s for working sets up to 16 KiB, 512 KiB and 8 MiB
// (L1, L2, L3: a profile must have the cache levels the OS reports); 100 GFLOP/s.
inline void write_test_profile(const fs::path& path) {
  auto level = [](const char* name, double working_set, double bandwidth) {
    return nlohmann::json{
        {"name", name}, {"working_set_bytes", working_set}, {"bandwidth_bytes_per_s", {bandwidth}}};
  };
  std::ofstream(path) << nlohmann::json{
      {"machine_id", "test"},
      {"threads", {1}},
      {"bandwidth_bytes_per_s", {10e9}},
      {"flops_per_s", {100e9}},
      {"levels",
       {level("L1", 16 * 1024, 160e9), level("L2", 512 * 1024, 80e9),
        level("L3", 8 << 20,
              20e9)}}}.dump();
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
