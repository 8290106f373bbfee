// Every test process gets a cache directory of its own (EVOJIT_CACHE_DIR, inherited by
// the evojit processes a test starts), so that no test reads or writes the user's
// evaluation cache or profiles, and no test's cached answers reach another. ctest runs
// each test in its own process, so this is one directory per test.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

namespace {

class HermeticCacheDir final : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "evojit-test-cache-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) GTEST_FAIL() << "mkdtemp failed";
    dir_ = pattern;
    ::setenv("EVOJIT_CACHE_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::string dir_;
};

[[maybe_unused]] ::testing::Environment* const kHermeticCacheDir =
    ::testing::AddGlobalTestEnvironment(new HermeticCacheDir);

}  // namespace
