#include "support/expression/expression.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace evojit {
namespace {

// Not __FILE__: a compiler cache (ccache base_dir) makes it relative to the build tree.
std::string golden_path() { return std::string(EVOJIT_TEST_DATA_DIR) + "/expression_golden.json"; }

// The golden file's typed text: "b:1", "i:-7", "f:<hex float>", "s:text".
Value decode(const std::string& text) {
  const std::string body = text.substr(2);
  switch (text[0]) {
    case 'b':
      return body == "1";
    case 'i':
      return static_cast<std::int64_t>(std::stoll(body));
    case 'f':
      return std::strtod(body.c_str(), nullptr);
    default:
      return body;
  }
}

bool same(const Value& a, const Value& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    if (std::isnan(*x) || std::isnan(y)) return std::isnan(*x) && std::isnan(y);
    return std::memcmp(x, &y, sizeof y) == 0;  // -0.0 and 0.0 differ in Python's repr too
  }
  return a == b;
}

TEST(ExpressionGolden, MatchesPythonOnT1ConditionsAndTrickyCases) {
  std::ifstream in(golden_path());
  ASSERT_TRUE(in) << "missing " << golden_path()
                  << " (run tests/support/make_expression_golden.py)";
  const auto golden = nlohmann::json::parse(in);
  std::size_t checked = 0;
  for (const auto& c : golden.at("cases")) {
    const std::string text = c.at("expr");
    SCOPED_TRACE(text);
    Expression e = Expression::parse(text);
    const std::vector<std::string> names = c.at("names");
    e.bind(names);
    for (const auto& row : c.at("rows")) {
      std::vector<Value> values;
      for (std::size_t i = 0; i < names.size(); ++i) values.push_back(decode(row[i]));
      const std::string expected = row.back();
      std::string where;
      for (std::size_t i = 0; i < names.size(); ++i)
        where += names[i] + "=" + to_string(values[i], true) + " ";
      if (expected.rfind("e:", 0) == 0) {
        EXPECT_THROW(e.evaluate(values), InputError) << where << "expected " << expected;
      } else {
        try {
          const Value got = e.evaluate(values);
          EXPECT_TRUE(same(got, decode(expected)))
              << where << "got " << to_string(got, true) << " expected " << expected;
          EXPECT_EQ(e.holds(values), e.holds(std::span<const Value>(values)));
        } catch (const InputError& err) {
          ADD_FAILURE() << where << "threw " << err.what() << ", expected " << expected;
        }
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000u);
}

TEST(Expression, NamesInFirstAppearanceOrder) {
  Expression e = Expression::parse("b * a + b < c and int(a) > 0");
  EXPECT_EQ(e.names(), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(e.text(), "b * a + b < c and int(a) > 0");
}

TEST(Expression, BindMapsNamesToSlotsInAnyOrder) {
  Expression e = Expression::parse("a - b");
  const std::vector<std::string> slots{"x", "b", "a"};
  e.bind(slots);
  const std::vector<Value> values{std::int64_t{100}, std::int64_t{3}, std::int64_t{10}};
  EXPECT_EQ(std::get<std::int64_t>(e.evaluate(values)), 7);
  const Value* ptrs[] = {&values[0], &values[1], &values[2]};
  EXPECT_EQ(std::get<std::int64_t>(e.evaluate(std::span<const Value* const>(ptrs))), 7);
}

TEST(Expression, UnknownNameAtBindIsNamed) {
  Expression e = Expression::parse("block_size_x * blok_size_y <= 1024");
  const std::vector<std::string> slots{"block_size_x", "block_size_y"};
  try {
    e.bind(slots);
    FAIL() << "bind accepted an unknown name";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("blok_size_y"), std::string::npos) << err.what();
  }
}

TEST(Expression, DivisionByZeroThrowsInputError) {
  for (const char* text : {"a // b", "a % b", "a / b", "1.5 // b", "2.0 % b", "0 ** -1"}) {
    SCOPED_TRACE(text);
    Expression e = Expression::parse(text);
    const std::vector<std::string> slots{"a", "b"};
    e.bind(slots);
    const std::vector<Value> values{std::int64_t{7}, std::int64_t{0}};
    EXPECT_THROW(e.evaluate(values), InputError);
    EXPECT_THROW(e.holds(values), InputError);
  }
}

TEST(Expression, ShortCircuitSkipsTheErrorPython) {
  Expression e = Expression::parse("b == 0 or a % b == 0");
  const std::vector<std::string> slots{"a", "b"};
  e.bind(slots);
  EXPECT_TRUE(e.holds(std::vector<Value>{std::int64_t{7}, std::int64_t{0}}));
  EXPECT_FALSE(e.holds(std::vector<Value>{std::int64_t{7}, std::int64_t{2}}));
}

struct SyntaxCase {
  const char* text;
  std::size_t column;
};

TEST(Expression, SyntaxErrorsPointAtTheOffendingToken) {
  const SyntaxCase cases[] = {
      {"a +", 4},    {"a + * b", 5}, {"(a + b", 1}, {"a = 1", 3}, {"a $ b", 3}, {"a < < b", 5},
      {"foo(a)", 1}, {"a not b", 7}, {"012", 1},    {"'abc", 1},  {"a b", 3},   {"", 1},
      {"[1, 2", 1},  {"a if b", 7},  {"1 +  )", 6}, {"min()", 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    try {
      Expression::parse(c.text);
      ADD_FAILURE() << "parsed";
    } catch (const ExpressionError& err) {
      EXPECT_EQ(err.column(), c.column) << err.what();
      const std::string what = err.what();
      // The message shows the expression and a caret under the column.
      const std::string caret_line = "\n    " + std::string(c.column - 1, ' ') + "^";
      EXPECT_NE(what.find(caret_line), std::string::npos) << what;
      EXPECT_NE(what.find(c.text), std::string::npos) << what;
    }
  }
}

TEST(Expression, SyntaxErrorIsAnInputError) { EXPECT_THROW(Expression::parse("a +"), InputError); }

TEST(Expression, EvaluateBeforeBindThrows) {
  Expression e = Expression::parse("a + 1");
  EXPECT_THROW(e.evaluate(std::vector<Value>{std::int64_t{1}}), InputError);
  Expression constant = Expression::parse("2 + 3");
  EXPECT_EQ(std::get<std::int64_t>(constant.evaluate(std::vector<Value>{})), 5);
}

TEST(Expression, CopiesAreIndependent) {
  Expression a = Expression::parse("s in ['x', 'y']");
  const std::vector<std::string> slots{"s"};
  a.bind(slots);
  Expression b = a;
  a = Expression::parse("s == 'z'");
  a.bind(slots);
  const std::vector<Value> x{std::string("x")};
  EXPECT_TRUE(b.holds(x));
  EXPECT_FALSE(a.holds(x));
}

TEST(Expression, NoneAndListsAreNotValues) {
  EXPECT_THROW(Expression::parse("None").evaluate(std::vector<Value>{}), InputError);
  EXPECT_FALSE(Expression::parse("None").holds(std::vector<Value>{}));
  EXPECT_TRUE(Expression::parse("[0]").holds(std::vector<Value>{}));
  EXPECT_FALSE(Expression::parse("()").holds(std::vector<Value>{}));
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

TEST(ExpressionNesting, ADeeplyNestedConstraintIsRejectedNotACrash) {
  const std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  try {
    Expression::parse(deep);
    FAIL() << "expected ExpressionError";
  } catch (const ExpressionError& e) {
    EXPECT_NE(std::string(e.what()).find("nested too deeply"), std::string::npos);
  }
  const std::string fine = std::string(100, '(') + "1" + std::string(100, ')');
  EXPECT_NO_THROW(Expression::parse(fine));
  const std::string unary = std::string(5000, '-') + "1";
  EXPECT_THROW(Expression::parse(unary), ExpressionError);
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

std::string sum_of_ones(int terms) {
  std::string text = "1";
  for (int i = 1; i < terms; ++i) text += "+1";
  return text;
}

TEST(ExpressionBounds, TwentyThousandTermsAreRefusedNotAStackOverflow) {
  // Was a SIGSEGV: the evaluator recursed once per '+'.
  try {
    Expression::parse(sum_of_ones(20'000));
    FAIL() << "a 20,000-term expression parsed";
  } catch (const ExpressionError& e) {
    EXPECT_NE(std::string(e.what()).find("too deep"), std::string::npos) << e.what();
  }
  std::string nested_not;
  for (int i = 0; i < 20'000; ++i) nested_not += "not ";
  EXPECT_THROW(Expression::parse(nested_not + "x"), ExpressionError);
  std::string powers = "2";
  for (int i = 0; i < 20'000; ++i) powers += "**1";
  EXPECT_THROW(Expression::parse(powers), ExpressionError);
}

TEST(ExpressionBounds, LongButShallowExpressionsStillEvaluate) {
  Expression e = Expression::parse(sum_of_ones(900));
  e.bind({});
  EXPECT_EQ(std::get<std::int64_t>(e.evaluate(std::span<const Value>{})), 900);
  std::string list = "x in [0";
  for (int i = 1; i < 50'000; ++i) list += "," + std::to_string(i);
  Expression in_list = Expression::parse(list + "]");
  const std::vector<std::string> names = {"x"};
  in_list.bind(names);
  const std::vector<Value> values = {Value{std::int64_t{49'999}}};
  EXPECT_TRUE(in_list.holds(values));
}

}  // namespace
}  // namespace evojit
