#include "support/value_json.hpp"

#include <variant>

#include <gtest/gtest.h>

namespace evojit {
namespace {

// The one conversion the file formats (Kernel Tuner caches, T1) read values with.
TEST(ValueJson, JsonToValueKeepsEachTypeAndRefusesContainers) {
  using nlohmann::json;
  EXPECT_EQ(json_to_value(json(true)), Value{true});
  EXPECT_EQ(json_to_value(json(-3)), Value{std::int64_t{-3}});
  EXPECT_EQ(json_to_value(json(std::uint64_t{16})), Value{std::int64_t{16}});
  EXPECT_EQ(json_to_value(json(0.25)), Value{0.25});
  EXPECT_EQ(json_to_value(json("float4")), Value{std::string("float4")});
  // Above INT64_MAX: the nearest double, not a wrapped negative integer.
  const auto big = json_to_value(json::parse("18446744073709551615"));
  ASSERT_TRUE(big && std::holds_alternative<double>(*big));
  EXPECT_DOUBLE_EQ(std::get<double>(*big), 18446744073709551615.0);
  EXPECT_FALSE(json_to_value(json(nullptr)));
  EXPECT_FALSE(json_to_value(json::array({1})));
  EXPECT_FALSE(json_to_value(json::object()));
}

}  // namespace
}  // namespace evojit
