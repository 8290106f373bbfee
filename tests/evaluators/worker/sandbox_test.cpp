// A hostile kernel handed to a real worker tries what a sandboxed worker must not
// do: create a device node, set the clock, rename the host, take real-time priority,
// raise its CPU limit, allocate shared memory that escapes the memory limit (SysV,
// memfd, MAP_SHARED|MAP_ANONYMOUS, POSIX shm), read a descriptor its driver leaked,
// start threads without bound, fill its scratch directory (bytes or files), signal
// its driver, and
// forge its worker's reply. Each success sets a bit of out[0]; the same kernel in a
// worker without the sandbox succeeds at the harmless ones, so the test can tell.
//
// The clock and host name are set to the values just read: harmless where they
// succeed (the unsandboxed control skips them all the same).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "evaluators/worker/worker_pool.hpp"
#include "kernels/kernel_abi.hpp"
#include "tests/kernels/fault_tasks.hpp"

namespace evojit {
namespace {

using nlohmann::json;
using Reply = WorkerProcess::Reply;
using std::chrono::milliseconds;

constexpr const char* kLeakMarker = "EVOJIT-LEAKED-FD";

enum Attack {
  kMknod,
  kSetClock,
  kSetHostname,
  kRealtime,
  kRaiseCpuLimit,
  kSysvShm,
  kMemfd,
  kSharedAnon,
  kPosixShm,
  kLeakedFd,
  kUnboundedThreads,
  kFillScratch,
  kSignalDriver,
  kManyFiles,
  kAttackCount
};

const char* kAttackNames[] = {"mknod",         "set clock",         "set hostname", "real-time",
                              "raise CPU",     "SysV shm",          "memfd",        "shared anon",
                              "POSIX shm",     "leaked descriptor", "threads",      "fill scratch",
                              "signal driver", "many files"};

constexpr const char* kHostile = R"(
extern "C" {
struct evojit_ts { long s, ns; };
struct evojit_rl { unsigned long cur, max; };
struct evojit_sp { int prio; };
union evojit_attr { char bytes[64]; long align; };
int mknod(const char*, unsigned, unsigned long);
int unlink(const char*);
int clock_gettime(int, evojit_ts*);
int clock_settime(int, const evojit_ts*);
int gethostname(char*, unsigned long);
int sethostname(const char*, unsigned long);
unsigned long strlen(const char*);
int sched_setscheduler(int, int, const evojit_sp*);
int getrlimit(int, evojit_rl*);
int setrlimit(int, const evojit_rl*);
int shmget(int, unsigned long, int);
void* shmat(int, const void*, int);
int shmdt(const void*);
int shmctl(int, int, void*);
int memfd_create(const char*, unsigned);
void* mmap(void*, unsigned long, int, int, int, long);
int munmap(void*, unsigned long);
int open(const char*, int, ...);
int close(int);
long write(int, const void*, unsigned long);
long pread(int, void*, unsigned long, long);
int getppid(void);
int kill(int, int);
unsigned sleep(unsigned);
int pthread_attr_init(evojit_attr*);
int pthread_attr_setstacksize(evojit_attr*, unsigned long);
int pthread_create(unsigned long*, const evojit_attr*, void* (*)(void*), void*);
}

static void* evojit_sleeper(void*) { for (;;) sleep(1000); return 0; }

static int evojit_attacks() {
  int hit = 0;
  if (mknod("evojit-null", 0020000 | 0600, (1u << 8) | 3u) == 0) { hit |= 1 << 0; unlink("evojit-null"); }
#ifndef EVOJIT_CONTROL
  evojit_ts now;
  if (clock_gettime(0, &now) == 0 && clock_settime(0, &now) == 0) hit |= 1 << 1;
  char name[256] = {0};
  if (gethostname(name, sizeof name - 1) == 0 && sethostname(name, strlen(name)) == 0) hit |= 1 << 2;
  evojit_sp fifo = {1}, other = {0};
  if (sched_setscheduler(0, 1 /* SCHED_FIFO */, &fifo) == 0) { hit |= 1 << 3; sched_setscheduler(0, 0, &other); }
#endif
  evojit_rl cpu;
  getrlimit(0 /* RLIMIT_CPU */, &cpu);
  evojit_rl unlimited = {~0ul, ~0ul};
  if (setrlimit(0, &unlimited) == 0) { hit |= 1 << 4; setrlimit(0, &cpu); }
  const unsigned long big = 64ul << 20;
  const int shm = shmget(0 /* IPC_PRIVATE */, big, 01000 | 0600);
  if (shm >= 0) {
    char* p = (char*)shmat(shm, 0, 0);
    if (p != (char*)-1) { for (unsigned long k = 0; k < big; k += 4096) p[k] = 1; hit |= 1 << 5; shmdt(p); }
    shmctl(shm, 0 /* IPC_RMID */, 0);
  }
  const int memfd = memfd_create("evojit", 0);
  if (memfd >= 0) { hit |= 1 << 6; close(memfd); }
  char* shared = (char*)mmap(0, big, 3, 0x01 | 0x20 /* MAP_SHARED|MAP_ANONYMOUS */, -1, 0);
  if (shared != (char*)-1) { for (unsigned long k = 0; k < big; k += 4096) shared[k] = 1; hit |= 1 << 7; munmap(shared, big); }
  const int posix = open("/dev/shm/evojit-sandbox-probe", 0100 | 02 /* O_CREAT|O_RDWR */, 0600);
  if (posix >= 0) { hit |= 1 << 8; close(posix); unlink("/dev/shm/evojit-sandbox-probe"); }
  for (int fd = 5; fd < 1024; ++fd) {
    char text[32] = {0};
    if (pread(fd, text, sizeof LEAK_MARKER - 1, 0) == (long)(sizeof LEAK_MARKER - 1)) {
      bool same = true;
      for (unsigned long k = 0; k + 1 < sizeof LEAK_MARKER; ++k) same = same && text[k] == LEAK_MARKER[k];
      if (same) hit |= 1 << 9;
    }
  }
  evojit_attr attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 65536);
  int threads = 0;
  for (; threads < 600; ++threads) {
    unsigned long t;
    if (pthread_create(&t, &attr, evojit_sleeper, 0) != 0) break;
  }
  if (threads >= 600) hit |= 1 << 10;
  const int big_file = open("evojit-fill", 01 | 0100 | 01000, 0600);
  if (big_file >= 0) {
    static char block[1 << 20];
    unsigned long written = 0;
    for (int k = 0; k < 64; ++k) {
      const long w = write(big_file, block, sizeof block);
      if (w <= 0) break;
      written += (unsigned long)w;
    }
    if (written >= (64ul << 20)) hit |= 1 << 11;
    close(big_file);
    unlink("evojit-fill");
  }
  if (kill(getppid(), 0) == 0) hit |= 1 << 12;
  int files = 0;
  char file_name[16] = {'e', 'v', 'o', '-', 0};
  for (; files < 6000; ++files) {
    int v = files, k = 4;
    do { file_name[k++] = (char)('0' + v % 10); v /= 10; } while (v);
    file_name[k] = 0;
    const int fd = open(file_name, 01 | 0100, 0600);
    if (fd < 0) break;
    close(fd);
  }
  if (files >= 6000) hit |= 1 << 13;
  for (int f = 0; f < files; ++f) {
    int v = f, k = 4;
    do { file_name[k++] = (char)('0' + v % 10); v /= 10; } while (v);
    file_name[k] = 0;
    unlink(file_name);
  }
  return hit;
}

extern "C" void evojit_kernel(const evojit_args* args) {
  float* out = args->buffers[0];
  const float* in = args->buffers[1];
  const evojit_i64 n = args->dims[0];
  const int hit = evojit_attacks();
  for (evojit_i64 i = 0; i < n; ++i) out[i] = 2.0f * in[i] + 1.0f;
  if (hit) out[0] = -(float)hit;
}
)";

// Writes a plausible reply (fast, correct) to the worker's reply pipe, then does its
// job: the worker's genuine reply follows.
constexpr const char* kForger = R"(
extern "C" long write(int, const void*, unsigned long);
extern "C" unsigned long strlen(const char*);
extern "C" void evojit_kernel(const evojit_args* args) {
  const char* forged = "{\"status\":\"ok\",\"forged\":true,\"sizes\":[{\"label\":\"n=64\","
                       "\"dims\":[64],\"ok\":true}]}\n";
  write(4, forged, strlen(forged));
  for (evojit_i64 i = 0; i < args->dims[0]; ++i) args->buffers[0][i] = 2.0f * args->buffers[1][i] + 1.0f;
}
)";

class Sandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    leak_path_ =
        std::filesystem::temp_directory_path() / ("evojit-leak-" + std::to_string(::getpid()));
    std::ofstream(leak_path_) << kLeakMarker;
    // Opened without O_CLOEXEC, as a careless library in the driver might.
    leaked_fd_ = ::open(leak_path_.c_str(), O_RDONLY);
    ASSERT_GE(leaked_fd_, 0);
  }
  void TearDown() override {
    ::close(leaked_fd_);
    std::filesystem::remove(leak_path_);
  }

  static std::string hostile_source(bool control) {
    return cpu_kernel_prelude() + (control ? "#define EVOJIT_CONTROL 1\n" : "") +
           "#define LEAK_MARKER \"" + kLeakMarker + "\"\n" + kHostile;
  }

  static Reply compile_and_run(WorkerProcess& worker, const std::string& source) {
    const Reply compiled =
        worker.request({{"op", "compile"}, {"source", source}}, milliseconds(60'000));
    EXPECT_EQ(compiled.kind, Reply::Kind::ok);
    EXPECT_TRUE(compiled.body.value("ok", false)) << compiled.body.dump();
    return worker.request({{"op", "run"},
                           {"task", kFaultInjectionTaskName},
                           {"kernel", compiled.body.value("kernel", "")},
                           {"sizes", json::array({{{"label", "n=64"}, {"dims", {64}}}})},
                           {"time", false}},
                          milliseconds(60'000));
  }

  // The bits of out[0] the kernel set: which attacks succeeded.
  static int attacks_that_worked(const Reply& ran) {
    EXPECT_EQ(ran.kind, Reply::Kind::ok) << ran.stderr_tail;
    if (ran.body.value("status", "") == "ok") return 0;
    const std::string diagnostic = ran.body.value("diagnostic", "");
    const std::size_t at = diagnostic.find("out[0] = -");
    EXPECT_NE(at, std::string::npos) << diagnostic;
    return at == std::string::npos ? -1 : std::atoi(diagnostic.c_str() + at + 10);
  }

  static std::string names(int bits) {
    std::string s;
    for (int a = 0; a < kAttackCount; ++a) {
      if (bits & (1 << a)) s += std::string(kAttackNames[a]) + "; ";
    }
    return s;
  }

  std::filesystem::path leak_path_;
  int leaked_fd_ = -1;
};

TEST_F(Sandbox, AHostileKernelGetsNoneOfWhatASandboxedWorkerMustNotHave) {
  WorkerOptions options;
  options.max_threads = 64;
  options.scratch_limit_bytes = std::size_t{8} << 20;
  WorkerProcess worker{options};
  const Reply pong = worker.request({{"op", "ping"}}, milliseconds(60'000));
  ASSERT_EQ(pong.kind, Reply::Kind::ok);
  const json sandbox = pong.body.value("sandbox", json::object());
  std::printf("sandbox: %s\n", sandbox.dump().c_str());
  if (!sandbox.value("seccomp", false)) GTEST_SKIP() << "no seccomp here: " << sandbox.dump();
  if (::geteuid() == 0) {
    EXPECT_TRUE(sandbox.value("privileges_dropped", false)) << sandbox.dump();
    EXPECT_TRUE(sandbox.value("threads_limited", false)) << sandbox.dump();
  }
  const int worked = attacks_that_worked(compile_and_run(worker, hostile_source(false)));
  EXPECT_EQ(worked, 0) << "the kernel managed: " << names(worked);
}

TEST_F(Sandbox, WithoutItTheSameKernelGetsThroughSoTheTestCanFail) {
  if (::geteuid() != 0) GTEST_SKIP() << "the control needs root (mknod)";
  WorkerOptions options;
  options.sandbox = false;
  WorkerProcess worker{options};
  const int worked = attacks_that_worked(compile_and_run(worker, hostile_source(true)));
  for (Attack a :
       {kMknod, kSysvShm, kMemfd, kSharedAnon, kPosixShm, kUnboundedThreads, kFillScratch}) {
    EXPECT_TRUE(worked & (1 << a)) << kAttackNames[a] << " failed even without the sandbox";
  }
}

TEST_F(Sandbox, AKernelCannotForgeItsWorkersReply) {
  WorkerProcess worker{WorkerOptions{}};
  const Reply ran = compile_and_run(worker, cpu_kernel_prelude() + kForger);
  EXPECT_FALSE(ran.kind == Reply::Kind::ok && ran.body.value("forged", false))
      << "the driver took the kernel's own reply: " << ran.body.dump();
  EXPECT_EQ(ran.kind, Reply::Kind::forged);
  // The worker that carried the forgery is gone; the next request gets a fresh one.
  const Reply pong = worker.request({{"op", "ping"}}, milliseconds(60'000));
  EXPECT_EQ(pong.kind, Reply::Kind::ok);
  EXPECT_EQ(worker.generation(), 2u);
}

TEST_F(Sandbox, OnlyTheProtocolsDescriptorsReachTheWorker) {
  WorkerOptions options;
  options.sandbox = false;  // what is inherited, not what the sandbox would stop
  WorkerProcess worker{options};
  ASSERT_EQ(worker.request({{"op", "ping"}}, milliseconds(60'000)).kind, Reply::Kind::ok);
  std::vector<int> open;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(worker.pid()) + "/fd")) {
    const int fd = std::stoi(entry.path().filename().string());
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path(), ec);
    EXPECT_NE(target, leak_path_) << "fd " << fd << " leaked into the worker";
    open.push_back(fd);
  }
  EXPECT_FALSE(open.empty());
}

}  // namespace
}  // namespace evojit
