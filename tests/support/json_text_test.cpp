// JsonText writes what nlohmann's dump() writes: the journal, T4 and Kernel Tuner
// cache outputs depend on it to stay byte for byte what they were as documents.
#include "support/json_text.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace evojit {
namespace {

std::string text_of(double x) {
  std::string s;
  JsonText(s).value(x);
  return s;
}

std::string text_of(const std::string& v) {
  std::string s;
  JsonText(s).value(v);
  return s;
}

TEST(JsonText, NumbersAreWrittenAsDumpWritesThem) {
  const double doubles[] = {0.0,
                            -0.0,
                            1.0,
                            0.1,
                            1e-5,
                            1.5e-7,
                            123456789.0,
                            1e16,
                            1e22,
                            1.0 / 3.0,
                            -2.5,
                            5e-324,
                            1.7976931348623157e308,
                            0.05,
                            8427.05,
                            0.001385244640970437};
  for (double x : doubles) EXPECT_EQ(text_of(x), nlohmann::json(x).dump()) << x;
  EXPECT_EQ(text_of(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(text_of(std::numeric_limits<double>::infinity()), "null");
  std::string s;
  JsonText(s)
      .begin_array()
      .value(std::int64_t{-7})
      .value(std::uint64_t{18446744073709551615u})
      .value(42)
      .value(true)
      .value(false)
      .end_array();
  EXPECT_EQ(s, "[-7,18446744073709551615,42,true,false]");
}

TEST(JsonText, StringsAreEscapedAsDumpEscapesThem) {
  const std::string strings[] = {"",           "plain",        "quote \" here", "back\\slash",
                                 "line\nfeed", "tab\tand\x01", "caf\xc3\xa9",   "\x7f"};
  for (const std::string& v : strings) EXPECT_EQ(text_of(v), nlohmann::json(v).dump()) << v;
  // Invalid UTF-8 is refused as dump() refuses it, not written.
  EXPECT_THROW(text_of(std::string("\xff")), nlohmann::json::exception);
}

TEST(JsonText, ObjectsAndArraysNestWithTheirCommas) {
  std::string s;
  JsonText out(s);
  out.begin_object().member("a", 1).key("b").begin_array();
  out.begin_object().end_object().begin_array().end_array().value(Value{std::string("x")});
  out.end_array().member("c", Value{2.5}).key("d").value(nlohmann::json{{"k", {1, 2}}});
  out.end_object();
  const nlohmann::json expected = {{"a", 1},
                                   {"b", {nlohmann::json::object(), nlohmann::json::array(), "x"}},
                                   {"c", 2.5},
                                   {"d", {{"k", {1, 2}}}}};
  EXPECT_EQ(s, expected.dump());
}

}  // namespace
}  // namespace evojit
