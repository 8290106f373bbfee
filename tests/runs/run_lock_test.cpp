// The run-directory lock between two real processes: while one holds it the other
// gets "run in progress, pid N" (N the holder's), and once the holder is killed with
// SIGKILL the kernel has released it.
#include "runs/run_lock.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "runs/run_plan.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

namespace fs = std::filesystem;

class RunLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("evojit-run-lock-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A child process that takes the lock, says so through a pipe, and waits to die.
  pid_t hold_in_child() {
    int ready[2];
    EXPECT_EQ(::pipe(ready), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(ready[0]);
      try {
        const RunLock lock = lock_run_directory(dir_, /*create=*/true);
        const char ok = 1;
        if (::write(ready[1], &ok, 1) != 1) ::_exit(3);
        while (true) ::pause();
      } catch (...) {
        ::_exit(2);
      }
    }
    ::close(ready[1]);
    char ok = 0;
    EXPECT_EQ(::read(ready[0], &ok, 1), 1);
    ::close(ready[0]);
    return pid;
  }

  fs::path dir_;
};

TEST_F(RunLockTest, ASecondProcessIsRefusedUntilTheHolderDies) {
  const pid_t holder = hold_in_child();
  try {
    lock_run_directory(dir_, /*create=*/false);
    ADD_FAILURE() << "a second writer got the lock";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("run in progress, pid " + std::to_string(holder)),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(run_lock_holder(dir_), std::optional<long>(holder));
  EXPECT_THROW(require_fresh_directory(dir_), InputError);

  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
  EXPECT_FALSE(run_lock_holder(dir_).has_value());
  EXPECT_NO_THROW(require_fresh_directory(dir_));  // a released run.lock alone is no run
  const RunLock lock = lock_run_directory(dir_, /*create=*/false);
  EXPECT_TRUE(lock.held());
}

TEST_F(RunLockTest, ANewRunNeedsAnEmptyDirectoryEvenWhenItWinsTheLock) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "run.json") << "{}";
  EXPECT_THROW(lock_run_directory(dir_, /*create=*/true), InputError);
  EXPECT_NO_THROW(lock_run_directory(dir_, /*create=*/false));  // resume's way in
}

}  // namespace
}  // namespace evojit
