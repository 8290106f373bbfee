// A hostile candidate cannot leave its worker's sandbox: it cannot read files
// outside its scratch directory (at run time, or at compile time through #include),
// create files elsewhere, connect to a socket or fork, while it can still write its
// own scratch directory. The same kernel with the sandbox off does escape, so the
// test can tell the difference.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evaluators/worker/worker_pool.hpp"
#include "tests/kernels/fault_tasks.hpp"

namespace evojit {
namespace {

using nlohmann::json;
using Reply = WorkerProcess::Reply;
using std::chrono::milliseconds;

// A TCP listener on 127.0.0.1 that the kernel tries to reach.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class HostileCandidate : public ::testing::Test {
 protected:
  void SetUp() override {
    escape_path_ =
        std::filesystem::temp_directory_path() / ("evojit-escape-" + std::to_string(::getpid()));
    std::filesystem::remove(escape_path_);
    ASSERT_GT(listener_.port(), 0);
  }
  void TearDown() override { std::filesystem::remove(escape_path_); }

  std::string hostile_source() const {
    const auto task = make_fault_injection_task();
    return "#define ESCAPE_PATH \"" + escape_path_.string() + "\"\n#define ESCAPE_PORT " +
           std::to_string(listener_.port()) + "\n" +
           task->render({{"FAULT", std::string("hostile")},
                         {"UNROLL", std::int64_t{1}},
                         {"BLOCK", std::int64_t{16}}});
  }

  // Compiles and runs the hostile kernel; returns the run reply's body.
  json run_hostile(WorkerProcess& worker) const {
    const Reply compiled =
        worker.request({{"op", "compile"}, {"source", hostile_source()}}, milliseconds(60'000));
    EXPECT_EQ(compiled.kind, Reply::Kind::ok);
    EXPECT_TRUE(compiled.body.value("ok", false)) << compiled.body.dump();
    const Reply ran = worker.request({{"op", "run"},
                                      {"task", kFaultInjectionTaskName},
                                      {"kernel", compiled.body.value("kernel", "")},
                                      {"sizes", json::array({{{"label", "n=64"}, {"dims", {64}}}})},
                                      {"time", false}},
                                     milliseconds(30'000));
    EXPECT_EQ(ran.kind, Reply::Kind::ok) << ran.stderr_tail;
    return ran.body;
  }

  static json sandbox_of(WorkerProcess& worker) {
    const Reply pong = worker.request({{"op", "ping"}}, milliseconds(60'000));
    EXPECT_EQ(pong.kind, Reply::Kind::ok);
    return pong.body.value("sandbox", json::object());
  }

  Listener listener_;
  std::filesystem::path escape_path_;
};

TEST_F(HostileCandidate, CannotReadWriteConnectOrForkOutsideItsScratchDirectory) {
  WorkerProcess worker{WorkerOptions{}};
  const json sandbox = sandbox_of(worker);
  std::printf("sandbox: %s\n", sandbox.dump().c_str());
  if (!sandbox.value("seccomp", false) && !sandbox.value("landlock", false)) {
    GTEST_SKIP() << "this kernel allows neither Landlock nor seccomp: " << sandbox.dump();
  }
  EXPECT_EQ(sandbox.value("threads_at_entry", 0), 1);
  const json body = run_hostile(worker);
  EXPECT_EQ(body.value("status", ""), "ok") << body.dump();
  EXPECT_FALSE(std::filesystem::exists(escape_path_));
  if (sandbox.value("landlock", false)) {
    // Confined, not crippled: its own directory stays writable. Seen through the
    // worker's root: its scratch may be a tmpfs in a mount namespace of its own.
    EXPECT_TRUE(std::filesystem::exists("/proc/" + std::to_string(worker.pid()) + "/root" +
                                        worker.scratch_dir() + "/scratch-probe.txt"));
  }
}

TEST_F(HostileCandidate, SeccompFallbackAloneAlsoKeepsItIn) {
  WorkerOptions options;
  options.landlock = false;
  WorkerProcess worker{options};
  const json sandbox = sandbox_of(worker);
  if (!sandbox.value("seccomp", false)) GTEST_SKIP() << "no seccomp: " << sandbox.dump();
  EXPECT_FALSE(sandbox.value("landlock", true));
  EXPECT_TRUE(sandbox.value("opens_denied", false));
  const json body = run_hostile(worker);
  EXPECT_EQ(body.value("status", ""), "ok") << body.dump();
  EXPECT_FALSE(std::filesystem::exists(escape_path_));
}

TEST_F(HostileCandidate, CannotIncludeFilesOutsideAtCompileTime) {
  WorkerProcess worker{WorkerOptions{}};
  const json sandbox = sandbox_of(worker);
  if (!sandbox.value("landlock", false) && !sandbox.value("opens_denied", false)) {
    GTEST_SKIP() << "filesystem not confined here: " << sandbox.dump();
  }
  const Reply compiled = worker.request(
      {{"op", "compile"}, {"source", "#include \"/etc/passwd\"\n"}}, milliseconds(60'000));
  ASSERT_EQ(compiled.kind, Reply::Kind::ok);
  EXPECT_FALSE(compiled.body.value("ok", true));
  const std::string log = compiled.body.value("log", "");
  EXPECT_EQ(log.find("root:"), std::string::npos) << log;
  // Builtin headers stay readable.
  const Reply intrinsics = worker.request(
      {{"op", "compile"},
       {"source", "#include <stddef.h>\nextern \"C\" size_t evojit_kernel() { return 0; }\n"}},
      milliseconds(60'000));
  ASSERT_EQ(intrinsics.kind, Reply::Kind::ok);
  if (sandbox.value("landlock", false)) {
    EXPECT_TRUE(intrinsics.body.value("ok", false)) << intrinsics.body.dump();
  }
}

TEST_F(HostileCandidate, WithoutTheSandboxTheSameKernelEscapes) {
  WorkerOptions options;
  options.sandbox = false;
  WorkerProcess worker{options};
  const json body = run_hostile(worker);
  EXPECT_EQ(body.value("status", ""), "wrong_result");
  const std::string diagnostic = body.value("diagnostic", "");
  EXPECT_NE(diagnostic.find("read /etc/passwd"), std::string::npos) << diagnostic;
  EXPECT_NE(diagnostic.find("connected to 127.0.0.1"), std::string::npos) << diagnostic;
  EXPECT_TRUE(std::filesystem::exists(escape_path_));
}

}  // namespace
}  // namespace evojit
