#include "interop/t1_input.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "backends/replay/replay_evaluator.hpp"
#include "backends/replay/replay_space.hpp"
#include "support/error.hpp"

namespace evojit {
namespace {

const std::filesystem::path kSpaces = std::filesystem::path(EVOJIT_TEST_DATA_DIR) / "spaces";

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("evojit_t1_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A minimal T1 document around a parameter list and conditions.
std::string t1_text(const std::string& parameters, const std::string& conditions) {
  return R"({"General": {"BenchmarkName": "tiny"}, "ConfigurationSpace": {"TuningParameters": [)" +
         parameters + R"(], "Conditions": [)" + conditions + "]}}";
}

const char* kTwoParameters =
    R"({"Name": "bx", "Type": "int", "Values": "[16, 32, 64]", "Default": 32},
       {"Name": "mode", "Type": "string", "Values": "['fast', 'safe']", "Default": "safe"})";

InputError expect_error(const std::string& text, const std::string& name) {
  auto path = write_temp(name, text);
  try {
    read_t1_input(path);
  } catch (const InputError& e) {
    std::filesystem::remove(path);
    return e;
  }
  std::filesystem::remove(path);
  ADD_FAILURE() << "expected an InputError for " << name;
  return InputError("none");
}

TEST(T1Input, ReadsEveryBenchmarkHubInput) {
  struct Expected {
    const char* file;
    const char* name;
    std::size_t parameters;
    std::size_t conditions;
    const char* kernel;
    const char* language;
  };
  const Expected expected[] = {
      {"convolution_milo.json", "convolution_milo", 10, 4, "convolution_kernel", "CUDA"},
      {"dedispersion_milo.json", "dedispersion_milo", 8, 3, "dedispersion_kernel", "CUDA"},
      {"gemm_milo.json", "gemm", 17, 8, "Xgemm", "OpenCL"},
  };
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.file);
    T1Input in = read_t1_input(kSpaces / e.file);
    EXPECT_EQ(in.name, e.name);
    EXPECT_EQ(in.space.size(), e.parameters);
    EXPECT_EQ(in.conditions.size(), e.conditions);
    EXPECT_EQ(in.space.constraints().size(), e.conditions);
    EXPECT_EQ(in.kernel.kernel_name, e.kernel);
    EXPECT_EQ(in.kernel.language, e.language);
    EXPECT_FALSE(in.kernel.kernel_file.empty());
    EXPECT_EQ(in.kernel.compiler_options, std::vector<std::string>{"-std=c++11"});
    EXPECT_TRUE(in.kernel.global_size.is_object());
    EXPECT_TRUE(in.kernel.arguments.is_array());
    EXPECT_TRUE(in.space.has_valid_point());
  }
}

TEST(T1Input, ValuesAndDefaultsAreParsed) {
  T1Input gemm = read_t1_input(kSpaces / "gemm_milo.json");
  const Parameter& mwg = gemm.space.parameters()[*gemm.space.find("MWG")];
  ASSERT_EQ(mwg.values.size(), 4u);
  EXPECT_EQ(mwg.values[3], Value{std::int64_t{128}});
  EXPECT_EQ(mwg.values[mwg.default_index], Value{std::int64_t{64}});
  // "Default": [0] (a one-element list) is accepted.
  const Parameter& gemmk = gemm.space.parameters()[*gemm.space.find("GEMMK")];
  EXPECT_EQ(gemmk.values[gemmk.default_index], Value{std::int64_t{0}});
  EXPECT_EQ(gemm.benchmark_config.value("dataSize", 0), 4096);

  auto path = write_temp("types.json",
                         t1_text(R"x({"Name": "f", "Type": "float", "Values": "[0.5, 1, 2.5e1]"},
                                    {"Name": "b", "Type": "bool", "Values": [true, false]},
                                    {"Name": "r", "Type": "int", "Values": "range(1, 10, 4)"},)x" +
                                     std::string(kTwoParameters),
                                 R"({"Expression": "bx * r <= 512 and mode != 'fast'",
                                     "Parameters": ["bx", "r", "mode"]})"));
  T1Input in = read_t1_input(path);
  std::filesystem::remove(path);
  EXPECT_EQ(in.name, "tiny");
  const auto& f = in.space.parameters()[0];
  EXPECT_EQ(f.values, (std::vector<Value>{0.5, 1.0, 25.0}));
  const auto& r = in.space.parameters()[2];
  EXPECT_EQ(r.values, (std::vector<Value>{std::int64_t{1}, std::int64_t{5}, std::int64_t{9}}));
  const auto& mode = in.space.parameters()[4];
  EXPECT_EQ(mode.values[mode.default_index], Value{std::string("safe")});
  // The condition is in force: mode='fast' is never valid.
  auto c = in.space.from_bindings({{"mode", Value{std::string("fast")}}});
  EXPECT_FALSE(in.space.is_valid(c));
}

TEST(T1Input, AMissingFileIsAClearError) {
  try {
    read_t1_input(kSpaces / "no_such_input.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_input.json: no such file"), std::string::npos)
        << e.what();
  }
}

TEST(T1Input, WrongFormatsAreClearErrors) {
  InputError not_json = expect_error("{ not json", "notjson.json");
  EXPECT_NE(std::string(not_json.what()).find("not a JSON document"), std::string::npos);

  InputError no_space = expect_error(R"({"General": {}})", "nospace.json");
  EXPECT_NE(no_space.where().find("#/ConfigurationSpace"), std::string::npos) << no_space.where();
  EXPECT_NE(std::string(no_space.what()).find("missing ConfigurationSpace"), std::string::npos);

  // A cache file is not a T1 input.
  try {
    read_t1_input(kSpaces / "pnpoly_RTX_3090.json.gz");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not a JSON document"), std::string::npos) << e.what();
  }

  InputError bad_values = expect_error(
      t1_text(R"({"Name": "bx", "Type": "int", "Values": "[16, 32"})", ""), "badvalues.json");
  EXPECT_NE(bad_values.where().find("#/ConfigurationSpace/TuningParameters/0/Values"),
            std::string::npos)
      << bad_values.where();
  EXPECT_NE(std::string(bad_values.what()).find("bad Values of parameter bx"), std::string::npos);

  InputError wrong_type = expect_error(
      t1_text(R"({"Name": "bx", "Type": "int", "Values": "[16, 'x']"})", ""), "wrongtype.json");
  EXPECT_NE(std::string(wrong_type.what()).find("is not of Type int"), std::string::npos)
      << wrong_type.what();

  InputError bad_default = expect_error(
      t1_text(R"({"Name": "bx", "Type": "int", "Values": "[16, 32]", "Default": 8})", ""),
      "baddefault.json");
  EXPECT_NE(bad_default.where().find("/TuningParameters/0/Default"), std::string::npos);
}

TEST(T1Input, AConditionNamingAnUnknownParameterIsAClearError) {
  InputError in_list = expect_error(
      t1_text(kTwoParameters, R"({"Expression": "bx <= 32", "Parameters": ["bx", "by"]})"),
      "unknown_list.json");
  EXPECT_NE(in_list.where().find("#/ConfigurationSpace/Conditions/0/Parameters/1"),
            std::string::npos)
      << in_list.where();
  EXPECT_NE(std::string(in_list.what()).find("unknown parameter \"by\""), std::string::npos)
      << in_list.what();

  InputError in_expression = expect_error(
      t1_text(kTwoParameters, R"({"Expression": "bx <= 32"}, {"Expression": "bx * by <= 1024"})"),
      "unknown_expr.json");
  EXPECT_NE(in_expression.where().find("#/ConfigurationSpace/Conditions/1/Expression"),
            std::string::npos)
      << in_expression.where();
  EXPECT_NE(std::string(in_expression.what()).find("unknown parameter 'by'"), std::string::npos)
      << in_expression.what();
}

TEST(T1Input, AConditionThatDoesNotParseNamesTheColumn) {
  InputError e =
      expect_error(t1_text(kTwoParameters, R"({"Expression": "bx <= * 32"})"), "syntax.json");
  EXPECT_NE(e.where().find("#/ConfigurationSpace/Conditions/0/Expression"), std::string::npos)
      << e.where();
  EXPECT_NE(std::string(e.what()).find("does not parse at column 7"), std::string::npos)
      << e.what();
}

TEST(T1Input, FindsTheInputOfACache) {
  EXPECT_EQ(find_t1_for_cache(kSpaces / "convolution_milo_A6000.json.gz"),
            kSpaces / "convolution_milo.json");
  EXPECT_EQ(find_t1_for_cache(kSpaces / "dedispersion_milo_A100.json.gz"),
            kSpaces / "dedispersion_milo.json");
  EXPECT_EQ(find_t1_for_cache(kSpaces / "gemm_RTX_3090.json.gz"), kSpaces / "gemm_milo.json");
  EXPECT_FALSE(find_t1_for_cache(kSpaces / "pnpoly_RTX_3090.json.gz").has_value());
}

// Each recorded cache replays under its T1 space: the cache covers every valid point.
TEST(T1Input, EveryCacheCoversTheSpaceOfItsInput) {
  struct Pair {
    const char* cache;
    std::size_t points;
  };
  // gemm_milo.json adds a condition the recording did not have: 17472 of 17956.
  const Pair pairs[] = {
      {"convolution_milo_A100.json.gz", 4362},    {"convolution_milo_A4000.json.gz", 4362},
      {"convolution_milo_A6000.json.gz", 4362},   {"dedispersion_milo_A100.json.gz", 11130},
      {"dedispersion_milo_A4000.json.gz", 11130}, {"gemm_RTX_3090.json.gz", 17472}};
  for (const Pair& p : pairs) {
    SCOPED_TRACE(p.cache);
    auto t1 = find_t1_for_cache(kSpaces / p.cache);
    ASSERT_TRUE(t1.has_value());
    T1Input in = read_t1_input(*t1);
    auto cache =
        std::make_shared<const KernelTunerCache>(KernelTunerCache::load(kSpaces / p.cache));
    ReplayEvaluator replay(cache, in.space);
    EXPECT_FALSE(first_uncovered_point(replay).has_value());
    EXPECT_EQ(replay_points(replay).size(), p.points);
  }
}

TEST(T1Input, ANumberTooLargeForADoubleIsABadInput) {
  const InputError e = expect_error(
      t1_text(R"({"Name": "bx", "Type": "float", "Values": [1e400]})", ""), "huge.json");
  EXPECT_NE(std::string(e.what()).find("not a JSON document"), std::string::npos) << e.what();
}

TEST(T1Input, AFloatOutsideTheInt64RangeIsNotAnInt) {
  const InputError e = expect_error(
      t1_text(R"({"Name": "bx", "Type": "int", "Values": "[16, 1e300]"})", ""), "bigfloat.json");
  EXPECT_NE(std::string(e.what()).find("is not of Type int"), std::string::npos) << e.what();
  EXPECT_NE(e.where().find("#/ConfigurationSpace/TuningParameters/0/Values"), std::string::npos);
}

TEST(T1Input, ARangeEndingAtTheInt64LimitStopsThere) {
  const T1Input in = parse_t1_input(
      nlohmann::json::parse(t1_text(
          R"j({"Name": "bx", "Values": "range(9223372036854775800, 9223372036854775807, 5)"})j",
          "")),
      "range.json");
  const auto& values = in.space.parameters()[0].values;
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[1], Value{std::int64_t{9223372036854775805}});
}

TEST(T1Input, ABenchmarkNameThatIsNotAStringNamesItsPointer) {
  std::string text = t1_text(kTwoParameters, "");
  text.replace(text.find(R"("tiny")"), 6, "[1]");
  const InputError e = expect_error(text, "name.json");
  EXPECT_NE(e.where().find("#/General/BenchmarkName"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

std::vector<Value> values_of(const std::string& expression) {
  const T1Input in = parse_t1_input(
      nlohmann::json::parse(
          t1_text(R"({"Name": "x", "Values": )" + nlohmann::json(expression).dump() + "}", "")),
      "values.json");
  return in.space.parameters()[0].values;
}

// Kernel Tuner eval()s Values; these are the forms its own T1 files use.
TEST(T1Values, PythonExpressionsAsKernelTunerEvaluatesThem) {
  EXPECT_EQ(values_of("list(range(1, 5))"), (std::vector<Value>{1, 2, 3, 4}));
  EXPECT_EQ(values_of("[128+64*i for i in range(3)]"), (std::vector<Value>{128, 192, 256}));
  EXPECT_EQ(values_of("[2**i for i in range(6) if i % 2 == 0]"), (std::vector<Value>{1, 4, 16}));
  EXPECT_EQ(values_of("[x * 0.5 for x in [1, 2]]"), (std::vector<Value>{0.5, 1.0}));
  EXPECT_EQ(values_of("[2**5, -1, 3,]"), (std::vector<Value>{32, -1, 3}));
  EXPECT_EQ(values_of("(4, 8)"), (std::vector<Value>{4, 8}));
  EXPECT_EQ(values_of("tuple(range(3, 0, -1))"), (std::vector<Value>{3, 2, 1}));
  EXPECT_EQ(values_of("['a, b', \"c\"]"),
            (std::vector<Value>{std::string("a, b"), std::string("c")}));
  for (const char* bad : {"[i for i in]", "[i for in range(3)]", "[j for i in range(3)]",
                          "[i for i in range(2) for j in range(2)]", "range(1, 'a')", "[1, 2",
                          "{1, 2}", "[[1], [2]]"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(values_of(bad), InputError);
  }
}

TEST(T1Values, AKernelTunerStyleInputReads) {
  const T1Input in = read_t1_input(std::filesystem::path(EVOJIT_TEST_DATA_DIR) / "kernel_tuner" /
                                   "t1_kernel_tuner_style.json");
  const auto& p = in.space.parameters();
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].values.size(), 15u);
  EXPECT_EQ(p[0].values.back(), Value{std::int64_t{128 + 64 * 14}});
  EXPECT_EQ(p[0].values[p[0].default_index], Value{std::int64_t{512}});
  EXPECT_EQ(p[1].values.size(), 8u);
  EXPECT_EQ(p[2].values, (std::vector<Value>{1, 4, 16}));
}

// A million values (a range written out, and a comprehension) parse; a quadratic
// duplicate check or list scan would take hours here and time the test out.
TEST(T1Values, AMillionValuesParse) {
  std::string list = "[";
  for (int i = 0; i < 1'000'000; ++i) list += (i ? ", " : "") + std::to_string(i);
  list += "]";
  EXPECT_EQ(values_of(list).size(), 1'000'000u);
  EXPECT_EQ(values_of("[3*i+1 for i in range(1000000)]").size(), 1'000'000u);
}

TEST(T1Values, StringValuesThatWouldChangeAKernelSourceAreRefused) {
  for (const char* bad : {"a\nb", "a\rb", "x \\", "a // b", "a /* b", "a\tb"}) {
    SCOPED_TRACE(bad);
    const std::string param = R"({"Name": "mode", "Type": "string", "Values": )" +
                              nlohmann::json(std::vector<std::string>{"ok", bad}).dump() + "}";
    try {
      parse_t1_input(nlohmann::json::parse(t1_text(param, "")), "strings.json");
      FAIL() << "accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("#define mode"), std::string::npos) << e.what();
      EXPECT_NE(e.where().find("TuningParameters/0/Values"), std::string::npos) << e.where();
    }
  }
  EXPECT_EQ(values_of("['float', 'unsigned int', 'a+b']").size(), 3u);
}

}  // namespace
}  // namespace evojit
