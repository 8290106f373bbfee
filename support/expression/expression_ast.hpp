// Internal to the expression language: the flat node array a parsed expression is,
// shared by the parser (expression_parser.cpp), the evaluator (expression_eval.cpp)
// and the Expression facade (expression.cpp). Not part of the public API.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/value.hpp"

namespace evojit::expr {

enum class Op : std::uint8_t {
  constant,  // a = index into constants
  name,      // a = index into names
  list,      // children [first, first + count)
  tuple,
  neg,
  pos,
  invert,
  logical_not,
  logical_and,  // a, b
  logical_or,
  add,
  sub,
  mul,
  truediv,
  floordiv,
  mod,
  pow,
  bit_and,
  bit_or,
  bit_xor,
  lshift,
  rshift,
  compare,  // operands children [first, first + count), operators cmps [a, a + count - 1)
  call,     // a = Function, arguments children [first, first + count)
  if_else,  // a = condition, b = then, c = else
};

enum class Cmp : std::uint8_t { lt, le, gt, ge, eq, ne, in, not_in };

enum class Function : std::uint8_t { to_int, to_float, to_bool, abs, min, max };

struct Node {
  Op op;
  std::uint32_t a = 0, b = 0, c = 0;
  std::uint32_t first = 0, count = 0;
  std::uint32_t column = 0;  // 1-based, for messages
};

struct Program {
  std::string text;
  std::vector<Node> nodes;
  std::vector<std::uint32_t> children;
  std::vector<Cmp> cmps;
  std::vector<Value> constants;  // None is represented by a node with op constant and a = kNone
  std::vector<std::string> names;
  std::uint32_t root = 0;
};

inline constexpr std::uint32_t kNone = 0xffffffffu;

// Parses `text`; throws ExpressionError with a 1-based column.
Program parse_program(std::string_view text);

// Evaluation over a bound program: name i reads slot name_slot[i]. Slots come either
// as values or as pointers to values (what ParameterSpace uses to avoid copies).
Value evaluate(const Program& p, std::span<const std::uint32_t> name_slot,
               std::span<const Value> slots);
Value evaluate(const Program& p, std::span<const std::uint32_t> name_slot,
               std::span<const Value* const> slots);
bool holds(const Program& p, std::span<const std::uint32_t> name_slot,
           std::span<const Value> slots);
bool holds(const Program& p, std::span<const std::uint32_t> name_slot,
           std::span<const Value* const> slots);

}  // namespace evojit::expr
