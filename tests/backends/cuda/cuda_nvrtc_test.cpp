// NVRTC compile path: CUBIN for a named architecture, PTX fallback, lowered names of
// templated kernels, and compile errors with line and column. NVRTC runs without a
// GPU, so these tests run everywhere the backend is built.
#include "backends/cuda/nvrtc_compiler.hpp"

#include <gtest/gtest.h>

#include "backends/cuda/tasks/cuda_task.hpp"

namespace evojit::cuda {
namespace {

NvrtcRequest request_for(const std::string& source, const std::string& kernel) {
  NvrtcRequest r;
  r.source = source;
  r.kernel_name = kernel;
  r.cc_major = 9;
  r.cc_minor = 0;
  return r;
}

TEST(Nvrtc, CompilesToCubinForTheDeviceArchitecture) {
  const NvrtcResult r = nvrtc_compile(
      request_for("extern \"C\" __global__ void k(float* x) { x[threadIdx.x] *= 2.0f; }\n", "k"));
  ASSERT_TRUE(r.ok) << r.log;
  EXPECT_EQ(r.image_kind, "cubin");
  EXPECT_EQ(r.arch, "sm_90");
  EXPECT_EQ(r.lowered_name, "k");
  ASSERT_GE(r.image.size(), 4u);
  EXPECT_EQ(r.image.substr(1, 3), "ELF");
}

// Both ways the sgemm template stages k-slices (through registers; cp.async with three
// stages in dynamic shared memory), with one or two blocks per SM, compile to sm_90
// machine code, with no GPU.
TEST(Nvrtc, SgemmCompilesWithRegisterAndAsyncCopyPipelines) {
  auto task = make_cuda_sgemm_task();
  for (const char* canonical :
       {"AT=True,BK=16,BM=128,BN=128,DBUF=True,MINB=1,PAD=4,PIPE=0,TM=8,TN=8,VEC=4,WX=8",
        "AT=True,BK=8,BM=128,BN=128,DBUF=True,MINB=2,PAD=4,PIPE=0,TM=8,TN=8,VEC=4,WX=8",
        "AT=False,BK=16,BM=128,BN=128,DBUF=False,MINB=2,PAD=4,PIPE=3,TM=8,TN=8,VEC=4,WX=8",
        "AT=True,BK=16,BM=128,BN=128,DBUF=False,MINB=1,PAD=4,PIPE=3,TM=8,TN=8,VEC=4,WX=8"}) {
    const auto bindings = task->space().bindings(task->space().parse_canonical(canonical));
    const NvrtcResult r = nvrtc_compile(request_for(task->render(bindings), "sgemm"));
    ASSERT_TRUE(r.ok) << canonical << ":\n" << r.log;
    EXPECT_EQ(r.image_kind, "cubin") << canonical;
  }
}

TEST(Nvrtc, FallsBackToPtxWhenAsked) {
  NvrtcRequest req =
      request_for("extern \"C\" __global__ void k(float* x) { x[threadIdx.x] = 1.0f; }\n", "k");
  req.force_ptx = true;
  const NvrtcResult r = nvrtc_compile(req);
  ASSERT_TRUE(r.ok) << r.log;
  EXPECT_EQ(r.image_kind, "ptx");
  EXPECT_EQ(r.arch, "compute_90");
  EXPECT_NE(r.image.find(".entry k"), std::string::npos);
}

TEST(Nvrtc, UnknownArchitectureFallsBackToTheNewestKnownBelowIt) {
  NvrtcRequest req =
      request_for("extern \"C\" __global__ void k(float* x) { x[0] = 1.0f; }\n", "k");
  req.cc_major = 99;  // an architecture no NVRTC knows yet
  const NvrtcResult r = nvrtc_compile(req);
  ASSERT_TRUE(r.ok) << r.log;
  EXPECT_EQ(r.image_kind, "ptx");
  EXPECT_EQ(r.arch.rfind("compute_", 0), 0u);
}

TEST(Nvrtc, ReturnsTheLoweredNameOfATemplateInstance) {
  const NvrtcResult r = nvrtc_compile(
      request_for("template <int N> __global__ void scale(float* x) { x[threadIdx.x] *= N; }\n"
                  "template __global__ void scale<4>(float*);\n",
                  "scale<4>"));
  ASSERT_TRUE(r.ok) << r.log;
  EXPECT_NE(r.lowered_name, "scale<4>");
  EXPECT_EQ(r.lowered_name.rfind("_Z", 0), 0u) << r.lowered_name;
}

TEST(Nvrtc, CompileErrorsCarryLineAndColumn) {
  const std::string source =
      "extern \"C\" __global__ void k(float* x) {\n"
      "  float y = 1.0f;\n"
      "    x[0] = undefined_name + y;\n"
      "}\n";
  const NvrtcResult r = nvrtc_compile(request_for(source, "k"));
  ASSERT_FALSE(r.ok);
  ASSERT_FALSE(r.diagnostics.empty()) << r.log;
  const SourceDiagnostic& d = r.diagnostics.front();
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.column, 12) << r.log;  // where undefined_name starts
  EXPECT_EQ(d.severity, "error");
  EXPECT_NE(d.message.find("undefined_name"), std::string::npos);
}

TEST(NvrtcLog, FollowsLineDirectivesOfARenderedSource) {
  const std::string source =
      "#define A 1\n#define B 2\n#line 1 \"kernel.cu\"\nint f() {\n  return nope;\n}\n";
  const std::string log =
      "kernel.cu(2): error: identifier \"nope\" is undefined\n"
      "    return nope;\n"
      "           ^\n";
  const auto d = parse_nvrtc_log(log, source);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].line, 2);
  EXPECT_EQ(d[0].column, 10);
}

TEST(NvrtcLog, ParsesHeadCaretAndIndentation) {
  const std::string source = "line one\n\tint x = bad;\n";
  const std::string log =
      "kernel.cu(2): error: identifier \"bad\" is undefined\n"
      "   int x = bad;\n"
      "           ^\n"
      "\n"
      "kernel.cu(7): warning #177-D: variable \"z\" was declared but never referenced\n"
      "1 error detected in the compilation of \"kernel.cu\".\n";
  const auto d = parse_nvrtc_log(log, source);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].line, 2);
  EXPECT_EQ(d[0].column, 10);  // tab counts as one column: "\tint x = " is 9 characters
  EXPECT_EQ(d[0].severity, "error");
  EXPECT_EQ(d[1].line, 7);
  EXPECT_EQ(d[1].column, 0);  // no caret shown
  EXPECT_EQ(d[1].severity, "warning");
}

}  // namespace
}  // namespace evojit::cuda
