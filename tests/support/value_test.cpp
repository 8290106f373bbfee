#include "support/value.hpp"

#include <gtest/gtest.h>

namespace evojit {
namespace {

TEST(Value, ToStringFollowsPythonRepr) {
  EXPECT_EQ(to_string(Value{true}), "True");
  EXPECT_EQ(to_string(Value{false}), "False");
  EXPECT_EQ(to_string(Value{std::int64_t{-42}}), "-42");
  EXPECT_EQ(to_string(Value{0.5}), "0.5");
  EXPECT_EQ(to_string(Value{2.0}), "2.0");
  EXPECT_EQ(to_string(Value{0.1 + 0.2}), "0.30000000000000004");
  EXPECT_EQ(to_string(Value{1e16}), "1e+16");
  EXPECT_EQ(to_string(Value{123456789012345.0}), "123456789012345.0");
  EXPECT_EQ(to_string(Value{1e-5}), "1e-05");
  EXPECT_EQ(to_string(Value{0.0001}), "0.0001");
  EXPECT_EQ(to_string(Value{-1.5e300}), "-1.5e+300");
  EXPECT_EQ(to_string(Value{-0.0}), "-0.0");
  EXPECT_EQ(to_string(Value{std::string("text")}), "text");
  EXPECT_EQ(to_string(Value{std::string("text")}, true), "'text'");
  EXPECT_EQ(to_string(Value{std::string("it's")}, true), "\"it's\"");
}

TEST(Value, ParseValueRecognisesTypes) {
  EXPECT_EQ(parse_value("True"), Value{true});
  EXPECT_EQ(parse_value("false"), Value{false});
  EXPECT_EQ(parse_value("32"), Value{std::int64_t{32}});
  EXPECT_EQ(parse_value("-7"), Value{std::int64_t{-7}});
  EXPECT_EQ(parse_value("+7"), Value{std::int64_t{7}});
  EXPECT_EQ(parse_value("0.25"), Value{0.25});
  EXPECT_EQ(parse_value("1e3"), Value{1000.0});
  EXPECT_EQ(parse_value("inf"), Value{std::string("inf")});
  EXPECT_EQ(parse_value("float4"), Value{std::string("float4")});
  EXPECT_EQ(parse_value(""), Value{std::string("")});
  EXPECT_EQ(parse_value("1.5x"), Value{std::string("1.5x")});
}

TEST(Value, ToStringRoundTripsThroughParseValue) {
  for (const Value& v : {Value{std::int64_t{12}}, Value{0.1}, Value{1e-7}, Value{true}})
    EXPECT_EQ(parse_value(to_string(v)), v) << to_string(v);
}

}  // namespace
}  // namespace evojit
