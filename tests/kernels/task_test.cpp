#include "kernels/task.hpp"

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

TEST(RenderWithDefines, PreludeThenOneDefinePerBindingThenTemplate) {
  const std::string source = render_with_defines(
      "int body;\n",
      {{"B", true}, {"F", false}, {"N", std::int64_t{64}}, {"K", std::string("kx")}});
  const auto prelude_at = source.find(cpu_kernel_prelude());
  ASSERT_EQ(prelude_at, 0u);
  EXPECT_NE(source.find("#define B 1\n"), std::string::npos);
  EXPECT_NE(source.find("#define F 0\n"), std::string::npos);
  EXPECT_NE(source.find("#define N 64\n"), std::string::npos);
  EXPECT_NE(source.find("#define K kx\n"), std::string::npos);
  EXPECT_GT(source.find("int body;"), source.find("#define N 64"));
}

TEST(RenderWithDefines, RealsStayFloatingLiteralsAndNegativesAreParenthesised) {
  const std::string source =
      render_with_defines("", {{"R", 2.0}, {"H", 0.5}, {"M", std::int64_t{-3}}, {"NR", -1.5}});
  EXPECT_NE(source.find("#define R 2.0\n"), std::string::npos);
  EXPECT_NE(source.find("#define H 0.5\n"), std::string::npos);
  EXPECT_NE(source.find("#define M (-3)\n"), std::string::npos);
  EXPECT_NE(source.find("#define NR (-1.5)\n"), std::string::npos);
}

TEST(RenderWithDefines, RejectsNamesThatAreNotIdentifiers) {
  EXPECT_THROW(render_with_defines("", {{"A B", true}}), InputError);
  EXPECT_THROW(render_with_defines("", {{"1X", true}}), InputError);
}

}  // namespace
}  // namespace evojit
