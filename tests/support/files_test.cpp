// The bounded file reader: devices, FIFOs and directories are refused before a byte
// is read (and opening a FIFO does not block), a file over its cap is refused with a
// message naming the cap and how to raise it, EVOJIT_MAX_INPUT_MB replaces the cap.
#include "support/files.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

class BoundedFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("EVOJIT_MAX_INPUT_MB");
    dir_ = std::filesystem::temp_directory_path() / ("evojit-files-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    ::unsetenv("EVOJIT_MAX_INPUT_MB");
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path write(const std::string& name, std::size_t bytes) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
    return path;
  }
  static std::string error_of(const std::filesystem::path& path, std::uint64_t cap) {
    try {
      read_bounded_file(path, cap, "run configuration");
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path dir_;
};

TEST_F(BoundedFiles, AnOrdinaryFileIsReadWhole) {
  const auto path = write("ok.json", 1000);
  EXPECT_EQ(read_bounded_file(path, kConfigFileCap, "run configuration"), std::string(1000, 'x'));
}

TEST_F(BoundedFiles, DevicesAreRefusedBeforeAnythingIsRead) {
  // /dev/zero would otherwise be read until memory runs out.
  const std::string message = error_of("/dev/zero", kConfigFileCap);
  EXPECT_NE(message.find("not a regular file"), std::string::npos) << message;
  EXPECT_NE(message.find("/dev/zero"), std::string::npos) << message;
}

TEST_F(BoundedFiles, AFifoIsRefusedWithoutWaitingForAWriter) {
  const auto fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string message = error_of(fifo, kConfigFileCap);  // would block forever
  EXPECT_NE(message.find("not a regular file"), std::string::npos) << message;
}

TEST_F(BoundedFiles, DirectoriesAndMissingFilesAreNamed) {
  EXPECT_NE(error_of(dir_, kConfigFileCap).find("is a directory"), std::string::npos);
  EXPECT_NE(error_of(dir_ / "absent.json", kConfigFileCap).find("no such file"), std::string::npos);
}

TEST_F(BoundedFiles, AFileOverItsCapIsRefusedWithTheCapAndHowToRaiseIt) {
  const auto path = write("big.json", 2 * kMiB + 1);
  const std::string message = error_of(path, 2 * kMiB);
  EXPECT_NE(message.find("larger than the 2 MiB limit"), std::string::npos) << message;
  EXPECT_NE(message.find("EVOJIT_MAX_INPUT_MB"), std::string::npos) << message;
  ::setenv("EVOJIT_MAX_INPUT_MB", "3", 1);
  EXPECT_EQ(read_bounded_file(path, 2 * kMiB, "run configuration").size(), 2 * kMiB + 1);
  ::setenv("EVOJIT_MAX_INPUT_MB", "1", 1);  // lowers it as well
  EXPECT_NE(error_of(write("small.json", kMiB + 1), 2 * kMiB).find("1 MiB limit"),
            std::string::npos);
}

TEST_F(BoundedFiles, ABadLimitVariableIsAnInputError) {
  for (const char* bad : {"-1", "0", "ten", "12abc"}) {
    ::setenv("EVOJIT_MAX_INPUT_MB", bad, 1);
    EXPECT_THROW(input_cap(kConfigFileCap), InputError) << bad;
  }
}

}  // namespace
}  // namespace evojit
