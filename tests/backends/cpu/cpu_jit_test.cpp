#include "backends/cpu/cpu_jit.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kernels/kernel_abi.hpp"

namespace evojit {
namespace {

// One JIT session for the whole suite, as a worker has: also checks that many
// kernels coexist in one session.
CpuJit& jit() {
  static CpuJit instance;
  return instance;
}

std::string with_prelude(const std::string& body) { return cpu_kernel_prelude() + body; }

const char* kScaleKernel = R"(
extern "C" void evojit_kernel(const evojit_args* a) {
  const float* x = a->buffers[0];
  float* y = a->buffers[1];
  const float s = a->scalars[0];
  for (evojit_i64 i = 0; i < a->dims[0]; ++i) y[i] = s * x[i] + 1.0f;
}
)";

// Writes each index's owner chunk bounds and counts calls through the host's
// parallel_for; the thread count comes from dims[1].
const char* kParallelKernel = R"(
extern "C" void evojit_kernel(const evojit_args* a) {
  float* y = a->buffers[0];
  const evojit_i64 n = a->dims[0];
  const int threads = static_cast<int>(a->dims[1]);
  evojit::parallel_for(threads, 0, n, [&](evojit_i64 lo, evojit_i64 hi) {
    for (evojit_i64 i = lo; i < hi; ++i) y[i] = static_cast<float>(i) * 2.0f;
  });
}
)";

KernelEntry entry_of(const CompiledKernel& k) { return reinterpret_cast<KernelEntry>(k.entry); }

TEST(CpuJit, CompilesAndRunsAKernelThroughTheAbi) {
  const CompiledKernel k = jit().compile(with_prelude(kScaleKernel), kKernelEntry);
  ASSERT_TRUE(k.ok) << k.log;
  ASSERT_NE(k.entry, nullptr);
  EXPECT_FALSE(k.stats.cache_hit);
  EXPECT_NE(k.stats.code_hash, 0u);
  EXPECT_GT(k.stats.total_s, 0.0);
  EXPECT_GE(k.stats.total_s, k.stats.frontend_s + k.stats.optimize_s + k.stats.codegen_s);

  std::vector<float> x(1000), y(1000, -1.0f);
  for (int i = 0; i < 1000; ++i) x[i] = static_cast<float>(i);
  KernelArgs args;
  args.buffers[0] = x.data();
  args.buffers[1] = y.data();
  args.dims[0] = 1000;
  args.scalars[0] = 3.0f;
  entry_of(k)(&args);
  for (int i = 0; i < 1000; ++i) ASSERT_FLOAT_EQ(y[i], 3.0f * i + 1.0f) << "at " << i;
}

class CpuJitParallel : public testing::TestWithParam<int> {};

TEST_P(CpuJitParallel, ParallelForFromJitCodeCoversTheRange) {
  const CompiledKernel k = jit().compile(with_prelude(kParallelKernel), kKernelEntry);
  ASSERT_TRUE(k.ok) << k.log;
  for (std::int64_t n : {1, 3, 1001}) {
    std::vector<float> y(n, -1.0f);
    KernelArgs args;
    args.buffers[0] = y.data();
    args.dims[0] = n;
    args.dims[1] = GetParam();
    entry_of(k)(&args);
    for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(y[i], 2.0f * i) << "n=" << n << " i=" << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, CpuJitParallel, testing::Values(1, 4));

TEST(ParallelFor, SplitsIntoContiguousChunksCoveringTheRangeOnce) {
  std::vector<int> hits(103, 0);
  auto body = [](void* ctx, long long lo, long long hi) {
    auto& h = *static_cast<std::vector<int>*>(ctx);
    for (long long i = lo; i < hi; ++i) h[i - 5] += 1;
  };
  evojit_parallel_for(4, 5, 108, body, &hits);
  for (int h : hits) ASSERT_EQ(h, 1);
  evojit_parallel_for(4, 7, 7, body, &hits);  // empty range: no call
  for (int h : hits) ASSERT_EQ(h, 1);
}

TEST(CpuJit, CompileErrorIsAResultWithLineAndColumn) {
  // The error is on the third line of the submitted text, column 10 (`undeclared`).
  const std::string source = with_prelude(
      "extern \"C\" void evojit_kernel(const evojit_args* a) {\n"
      "  float* y = a->buffers[0];\n"
      "  y[0] = undeclared;\n"
      "}\n");
  int prelude_lines = 0;
  for (char c : cpu_kernel_prelude()) prelude_lines += c == '\n';
  const int expected_line = prelude_lines + 3;

  const CompiledKernel k = jit().compile(source, kKernelEntry);
  EXPECT_FALSE(k.ok);
  EXPECT_EQ(k.entry, nullptr);
  ASSERT_FALSE(k.diagnostics.empty()) << k.log;
  const SourceDiagnostic& d = k.diagnostics.front();
  EXPECT_EQ(d.severity, "error");
  EXPECT_EQ(d.line, expected_line);
  EXPECT_EQ(d.column, 10);
  EXPECT_NE(d.message.find("undeclared"), std::string::npos) << d.message;
  const std::string where = "kernel.cpp:" + std::to_string(expected_line) + ":10: error:";
  EXPECT_NE(k.log.find(where), std::string::npos) << k.log;
  EXPECT_NE(k.log.find("1 error generated"), std::string::npos) << k.log;
}

TEST(CpuJit, WarningsDoNotFailTheCompile) {
  const CompiledKernel k =
      jit().compile(with_prelude("extern \"C\" void evojit_kernel(const evojit_args* a) {\n"
                                 "  int unused = 1 / 0;\n"
                                 "}\n"),
                    kKernelEntry);
  EXPECT_TRUE(k.ok) << k.log;
  ASSERT_FALSE(k.diagnostics.empty());
  EXPECT_EQ(k.diagnostics.front().severity, "warning");
}

TEST(CpuJit, SameSourceHitsTheCacheAndReturnsTheSameEntry) {
  const std::string source = with_prelude(std::string(kScaleKernel) + "// cache test\n");
  const CompiledKernel first = jit().compile(source, kKernelEntry);
  ASSERT_TRUE(first.ok) << first.log;
  const std::size_t size = jit().cache_size();
  const CompiledKernel second = jit().compile(source, kKernelEntry);
  ASSERT_TRUE(second.ok) << second.log;
  EXPECT_FALSE(first.stats.cache_hit);
  EXPECT_TRUE(second.stats.cache_hit);
  EXPECT_EQ(second.entry, first.entry);
  EXPECT_EQ(second.stats.code_hash, first.stats.code_hash);
  EXPECT_EQ(jit().cache_size(), size);
}

TEST(CpuJit, TwoKernelsDefiningTheSameEntryCoexist) {
  const auto kernel = [](const char* constant) {
    return with_prelude(std::string("extern \"C\" void evojit_kernel(const evojit_args* a) {\n") +
                        "  a->buffers[0][0] = " + constant + ";\n}\n");
  };
  const CompiledKernel a = jit().compile(kernel("11.0f"), kKernelEntry);
  const CompiledKernel b = jit().compile(kernel("22.0f"), kKernelEntry);
  ASSERT_TRUE(a.ok) << a.log;
  ASSERT_TRUE(b.ok) << b.log;
  EXPECT_NE(a.entry, b.entry);
  float out = 0.0f;
  KernelArgs args;
  args.buffers[0] = &out;
  entry_of(a)(&args);
  EXPECT_EQ(out, 11.0f);
  entry_of(b)(&args);
  EXPECT_EQ(out, 22.0f);
  entry_of(a)(&args);  // the first is still linked and callable
  EXPECT_EQ(out, 11.0f);
}

TEST(CpuJit, KernelsBeyondTheBoundAreFreedLeastRecentlyUsedFirst) {
  JitOptions options;
  options.max_kernels = 2;
  CpuJit bounded(options);
  const auto kernel = [](int constant) {
    return with_prelude(
        "extern \"C\" void evojit_kernel(const evojit_args* a) {\n"
        "  a->buffers[0][0] = " +
        std::to_string(constant) + ".0f;\n}\n");
  };
  const CompiledKernel a = bounded.compile(kernel(1), kKernelEntry);
  const CompiledKernel b = bounded.compile(kernel(2), kKernelEntry);
  ASSERT_TRUE(a.ok && b.ok) << a.log << b.log;
  EXPECT_TRUE(bounded.compile(kernel(1), kKernelEntry).stats.cache_hit);  // a is now newer
  const CompiledKernel c = bounded.compile(kernel(3), kKernelEntry);
  ASSERT_TRUE(c.ok) << c.log;
  EXPECT_EQ(bounded.cache_size(), 2u);
  EXPECT_TRUE(bounded.holds(a.entry));
  EXPECT_FALSE(bounded.holds(b.entry));  // freed
  EXPECT_TRUE(bounded.holds(c.entry));
  float out = 0.0f;
  KernelArgs args;
  args.buffers[0] = &out;
  entry_of(c)(&args);
  EXPECT_EQ(out, 3.0f);
  // Compiled again, the freed one is a fresh compile and works.
  const CompiledKernel again = bounded.compile(kernel(2), kKernelEntry);
  ASSERT_TRUE(again.ok) << again.log;
  EXPECT_FALSE(again.stats.cache_hit);
  entry_of(again)(&args);
  EXPECT_EQ(out, 2.0f);
}

TEST(CpuJit, CodeHashFollowsTheMachineCodeNotTheText) {
  const CompiledKernel base = jit().compile(with_prelude(kScaleKernel), kKernelEntry);
  // A comment and different whitespace: a cache miss, identical code.
  const CompiledKernel same =
      jit().compile(with_prelude(std::string("// a comment\n\n") + kScaleKernel), kKernelEntry);
  const CompiledKernel other = jit().compile(with_prelude(kParallelKernel), kKernelEntry);
  ASSERT_TRUE(base.ok && same.ok && other.ok);
  EXPECT_FALSE(same.stats.cache_hit);
  EXPECT_EQ(same.stats.code_hash, base.stats.code_hash);
  EXPECT_NE(other.stats.code_hash, base.stats.code_hash);
}

TEST(CpuJit, KernelsCanCallLibc) {
  const CompiledKernel k = jit().compile(with_prelude(R"(
extern "C" void* memset(void*, int, unsigned long);
extern "C" float expf(float);
extern "C" void evojit_kernel(const evojit_args* a) {
  memset(a->buffers[0], 0, sizeof(float) * a->dims[0]);
  a->buffers[0][0] = expf(a->scalars[0]);
}
)"),
                                         kKernelEntry);
  ASSERT_TRUE(k.ok) << k.log;
  std::vector<float> y(64, 5.0f);
  KernelArgs args;
  args.buffers[0] = y.data();
  args.dims[0] = 64;
  args.scalars[0] = 0.0f;
  entry_of(k)(&args);
  EXPECT_FLOAT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[63], 0.0f);
}

TEST(CpuJit, AnUndefinedSymbolIsALinkErrorNotACrash) {
  const CompiledKernel k = jit().compile(with_prelude(R"(
extern "C" void evojit_no_such_function(float*);
extern "C" void evojit_kernel(const evojit_args* a) { evojit_no_such_function(a->buffers[0]); }
)"),
                                         kKernelEntry);
  EXPECT_FALSE(k.ok);
  EXPECT_NE(k.log.find("evojit_no_such_function"), std::string::npos) << k.log;
}

TEST(CpuJit, DescribesTheHostTarget) { EXPECT_FALSE(jit().target_description().empty()); }

}  // namespace
}  // namespace evojit
