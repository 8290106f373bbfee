#include "genomes/parameter.hpp"

#include <gtest/gtest.h>

#include "support/error.hpp"

namespace evojit {
namespace {

std::vector<Value> ints(std::initializer_list<std::int64_t> v) {
  return std::vector<Value>(v.begin(), v.end());
}

TEST(Parameter, IntegerRangeWithStep) {
  auto p = Parameter::integer_range("x", 2, 11, 3);
  EXPECT_EQ(p.kind, ParameterKind::integer_range);
  EXPECT_EQ(p.values, ints({2, 5, 8, 11}));
  EXPECT_EQ(Parameter::integer_range("x", 2, 10, 3).values, ints({2, 5, 8}));
  EXPECT_EQ(Parameter::integer_range("x", -1, 1).values, ints({-1, 0, 1}));
  EXPECT_THROW(Parameter::integer_range("x", 5, 1), InputError);
  EXPECT_THROW(Parameter::integer_range("x", 1, 5, 0), InputError);
}

TEST(Parameter, PowerOfTwo) {
  EXPECT_EQ(Parameter::power_of_two("b", 16, 256).values, ints({16, 32, 64, 128, 256}));
  EXPECT_EQ(Parameter::power_of_two("b", 3, 20).values, ints({4, 8, 16}));
  EXPECT_THROW(Parameter::power_of_two("b", 0, 8), InputError);
  EXPECT_THROW(Parameter::power_of_two("b", 5, 7), InputError);
}

TEST(Parameter, ListBooleanCategorical) {
  auto l = Parameter::list("v", {Value{std::int64_t{1}}, Value{2.5}});
  EXPECT_EQ(l.kind, ParameterKind::value_list);
  EXPECT_THROW(Parameter::list("v", {}), InputError);
  EXPECT_THROW(Parameter::list("v", ints({1, 2, 1})), InputError);
  auto b = Parameter::boolean("flag");
  EXPECT_EQ(b.values, (std::vector<Value>{false, true}));
  auto c = Parameter::categorical("layout", {"row", "col"});
  EXPECT_EQ(c.kind, ParameterKind::categorical);
  EXPECT_EQ(c.values[1], Value{std::string("col")});
  EXPECT_THROW(Parameter::categorical("layout", {"a", "a"}), InputError);
}

TEST(Parameter, NamesMustBeIdentifiers) {
  EXPECT_THROW(Parameter::boolean(""), InputError);
  EXPECT_THROW(Parameter::boolean("block-size"), InputError);
  EXPECT_THROW(Parameter::boolean("1x"), InputError);
  try {
    Parameter::integer_range("tile_x", 4, 1);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tile_x"), std::string::npos);
  }
}

TEST(Parameter, IndexOfComparesNumbersByValue) {
  auto p = Parameter::list("v", ints({1, 2, 4}));
  EXPECT_EQ(p.index_of(Value{std::int64_t{4}}), 2u);
  EXPECT_EQ(p.index_of(Value{2.0}), 1u);
  EXPECT_EQ(p.index_of(Value{std::int64_t{3}}), Parameter::npos);
  EXPECT_EQ(p.index_of(Value{std::string("4")}), Parameter::npos);
  auto c = Parameter::categorical("c", {"a", "b"});
  EXPECT_EQ(c.index_of(Value{std::string("b")}), 1u);
}

}  // namespace
}  // namespace evojit

namespace evojit {
namespace {

TEST(ParameterDuplicates, LargeListsAreCheckedQuicklyAndExactly) {
  std::vector<Value> values;
  for (std::int64_t i = 0; i < 200000; ++i) values.emplace_back(i);
  EXPECT_NO_THROW(Parameter::list("big", values));
  values.emplace_back(1.0);  // equal to the int 1, as in Python
  EXPECT_THROW(Parameter::list("big", values), InputError);
}

}  // namespace
}  // namespace evojit
