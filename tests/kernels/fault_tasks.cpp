#include "tests/kernels/fault_tasks.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <variant>

#include "kernels/aligned_buffer.hpp"

namespace evojit {
namespace {

constexpr double kTolerance = 1e-6;
constexpr std::size_t kCanaryFloats = 64;
constexpr float kCanary = -12345.5f;

// FAULT values in FAULT_ID order; "hostile" is renderable but not in the space.
constexpr const char* kFaults[] = {"none",
                                   "segfault",
                                   "abort",
                                   "loop_forever",
                                   "divide_by_zero",
                                   "allocate_unbounded",
                                   "write_out_of_bounds",
                                   "wrong_values",
                                   "hostile"};
constexpr int kSearchableFaults = 8;

// Volatile everywhere a fault must really happen: the optimiser may delete an
// infinite loop without side effects, turn a null store into a trap instruction, or
// fold a division by a known zero.
constexpr const char* kTemplate = R"(// fault_injection: out[i] = 2 * in[i] + 1, or a fault
#ifndef ESCAPE_PATH
#define ESCAPE_PATH "/tmp/evojit-escape"
#endif
#ifndef ESCAPE_PORT
#define ESCAPE_PORT 9
#endif
extern "C" void* malloc(unsigned long);
extern "C" void abort(void);
extern "C" int raise(int);
extern "C" int open(const char*, int, ...);
extern "C" int close(int);
extern "C" long write(int, const void*, unsigned long);
extern "C" int socket(int, int, int);
extern "C" int connect(int, const void*, unsigned);
extern "C" int fork(void);
extern "C" void _exit(int);

static void evojit_compute(float* out, const float* in, evojit_i64 n) {
  evojit_i64 i = 0;
  for (; i + BLOCK <= n; i += BLOCK) {
    for (evojit_i64 j = i; j < i + BLOCK; j += UNROLL) {
#pragma clang loop unroll(full)
      for (int u = 0; u < UNROLL; ++u) out[j + u] = 2.0f * in[j + u] + 1.0f;
    }
  }
  for (; i < n; ++i) out[i] = 2.0f * in[i] + 1.0f;
}

#if FAULT_ID == 8
struct evojit_sockaddr_in {
  unsigned short family;
  unsigned short port;
  unsigned int addr;
  unsigned char zero[8];
};

static void evojit_try_escape(float* report) {
  const int fd = open("/etc/passwd", 0 /* O_RDONLY */);
  if (fd >= 0) { report[0] = 1.0f; close(fd); }
  const int out = open(ESCAPE_PATH, 01 | 0100 | 01000 /* O_WRONLY|O_CREAT|O_TRUNC */, 0644);
  if (out >= 0) { report[1] = 1.0f; write(out, "escaped\n", 8); close(out); }
  const int s = socket(2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
  if (s >= 0) {
    evojit_sockaddr_in a = {2, (unsigned short)(((ESCAPE_PORT) & 0xff) << 8 | (ESCAPE_PORT) >> 8),
                            0x0100007Fu /* 127.0.0.1 */, {0}};
    if (connect(s, &a, sizeof a) == 0) report[2] = 1.0f;
    close(s);
  }
  const int scratch = open("scratch-probe.txt", 01 | 0100 | 01000, 0644);
  if (scratch >= 0) { report[3] = 1.0f; write(scratch, "inside\n", 7); close(scratch); }
  const int child = fork();
  if (child == 0) _exit(0);
  if (child > 0) report[4] = 1.0f;
}
#endif

extern "C" void evojit_kernel(const evojit_args* args) {
  float* out = args->buffers[0];
  const float* in = args->buffers[1];
  const evojit_i64 n = args->dims[0];
#if FAULT_ID == 1
  float* volatile nowhere = 0;
  *nowhere = 1.0f;
#elif FAULT_ID == 2
  abort();
#elif FAULT_ID == 3
  volatile unsigned long spin = 0;
  for (;;) spin = spin + 1;
#elif FAULT_ID == 4
#if defined(__x86_64__) || defined(__i386__)
  volatile int one = 1, zero = 0;
  out[0] = (float)(one / zero);
#else
  raise(8);  // integer division does not trap on this architecture: SIGFPE by hand
#endif
#elif FAULT_ID == 5
  for (;;) {
    volatile char* block = (volatile char*)malloc(64ul << 20);
    for (long k = 0; k < (64l << 20); k += 4096) block[k] = 1;  // NULL is not checked
  }
#endif
  evojit_compute(out, in, n);
#if FAULT_ID == 6
  for (int k = 0; k < 16; ++k) ((volatile float*)out)[n + k] = 0.0f;
#elif FAULT_ID == 7
  out[n / 2] += 1.0f;
#elif FAULT_ID == 8
  evojit_try_escape(args->buffers[2]);
#endif
}
)";

class FaultInstance final : public ProblemInstance {
 public:
  explicit FaultInstance(std::int64_t n)
      : n_(static_cast<std::size_t>(n)), out_(n_ + kCanaryFloats), in_(n_), report_(kReportSlots) {
    for (std::size_t i = 0; i < n_; ++i) in_[i] = 0.25f * static_cast<float>(i % 1000);
    args_.buffers[0] = out_.data();
    args_.buffers[1] = in_.data();
    args_.buffers[2] = report_.data();
    args_.dims[0] = n;
    reset();
  }

  const KernelArgs& args() const override { return args_; }

  void reset() override {
    for (std::size_t i = 0; i < n_; ++i) out_[i] = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t i = n_; i < out_.size(); ++i) out_[i] = kCanary;
    for (std::size_t i = 0; i < report_.size(); ++i) report_[i] = 0.0f;
  }

  CheckResult check() const override {
    CheckResult result;
    result.tolerance = kTolerance;
    std::ostringstream msg;
    static constexpr std::pair<int, const char*> kEscapes[] = {
        {kReportReadPasswd, "read /etc/passwd"},
        {kReportWriteOutside, "created a file outside its scratch directory"},
        {kReportConnect, "connected to 127.0.0.1"},
        {kReportFork, "forked a process"}};
    for (const auto& [slot, what] : kEscapes) {
      if (report_[slot] != 0.0f) msg << "sandbox escape: the kernel " << what << "; ";
    }
    for (std::size_t i = n_; i < out_.size(); ++i) {
      if (out_[i] != kCanary) {
        msg << "out[" << i << "] written past the end (n = " << n_ << "); ";
        result.max_error = std::numeric_limits<double>::infinity();
        break;
      }
    }
    for (std::size_t i = 0; i < n_; ++i) {
      const double expected = 2.0 * in_[i] + 1.0;
      double error = std::abs(out_[i] - expected) / expected;
      if (std::isnan(error)) error = std::numeric_limits<double>::infinity();
      if (error > kTolerance && result.max_error <= kTolerance) {
        msg << "out[" << i << "] = " << out_[i] << ", expected " << expected << "; ";
      }
      result.max_error = std::max(result.max_error, error);
    }
    result.message = msg.str();
    result.ok = result.message.empty();
    return result;
  }

 private:
  std::size_t n_;
  AlignedBuffer out_, in_, report_;
  KernelArgs args_;
};

class FaultInjectionTask final : public Task {
 public:
  FaultInjectionTask()
      : space_({Parameter::categorical(
                    "FAULT", std::vector<std::string>(kFaults, kFaults + kSearchableFaults)),
                Parameter::list(
                    "UNROLL", {std::int64_t{1}, std::int64_t{2}, std::int64_t{4}, std::int64_t{8}}),
                Parameter::power_of_two("BLOCK", 16, 2048)},
               {}) {}

  std::string name() const override { return kFaultInjectionTaskName; }
  std::string summary() const override {
    return "tests only: out = 2*in + 1, or a chosen fault (crash, hang, OOM, wrong values)";
  }
  const ParameterSpace& space() const override { return space_; }
  Config seed() const override {
    return space_.from_bindings(
        {{"FAULT", std::string("none")}, {"UNROLL", std::int64_t{1}}, {"BLOCK", std::int64_t{16}}});
  }

  std::string render(const std::map<std::string, Value>& bindings) const override {
    std::map<std::string, Value> b = bindings;
    std::int64_t id = 0;
    if (const auto it = b.find("FAULT"); it != b.end()) {
      if (const auto* name = std::get_if<std::string>(&it->second)) {
        for (std::int64_t i = 0; i < static_cast<std::int64_t>(std::size(kFaults)); ++i) {
          if (*name == kFaults[i]) id = i;
        }
      }
      b.erase(it);
    }
    b["FAULT_ID"] = id;
    return render_with_defines(kTemplate, b);
  }

  std::vector<ProblemSize> training_sizes() const override {
    return {{"n=4096", {4096}}, {"n=65536", {65536}}};
  }
  std::vector<ProblemSize> held_out_sizes() const override { return {{"n=5001", {5001}}}; }

  Workload workload(const ProblemSize& size) const override {
    const double n = static_cast<double>(size.dims.at(0));
    return {2.0 * n, 8.0 * n};
  }

  std::unique_ptr<ProblemInstance> instantiate(const ProblemSize& size) const override {
    return std::make_unique<FaultInstance>(size.dims.at(0));
  }

 private:
  ParameterSpace space_;
};

}  // namespace

std::unique_ptr<Task> make_fault_injection_task() { return std::make_unique<FaultInjectionTask>(); }

void register_fault_tasks(TaskRegistry& registry) { registry.add(make_fault_injection_task()); }

}  // namespace evojit
