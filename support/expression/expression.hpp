// The constraint language: the Python-expression subset used by Kernel Tuner
// restrictions and T1 "Conditions". Evaluation follows Python exactly: int/float
// promotion, floor division and modulo that round toward negative infinity, true
// division, ** (int ** non-negative int stays int), chained comparisons
// (`32 <= a * b <= 1024`), short-circuit `and`/`or` returning an operand,
// `not`, `in` / `not in` over list or tuple literals, unary +/-, parentheses,
// True/False/None, string literals, and the calls int(), float(), abs(), min(), max().
//
// Names are bound to slots once (bind), so evaluation is an array walk with no map
// lookups: spaces of 10^7 points and replay at 100k evaluations/s depend on it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/error.hpp"
#include "support/value.hpp"

namespace evojit {

// Bounds that keep a hostile constraint from overflowing the stack or the memory:
// the depth of an expression's tree, its number of nodes, and how many constraints
// a parameter space takes. Beyond them, an ExpressionError / InputError.
inline constexpr std::uint32_t kMaxExpressionDepth = 1000;
inline constexpr std::size_t kMaxExpressionNodes = 100'000;
inline constexpr std::size_t kMaxConstraints = 10'000;

// A syntax error: `column` is 1-based into the expression text.
class ExpressionError : public InputError {
 public:
  ExpressionError(std::string message, std::string text, std::size_t column);
  std::size_t column() const { return column_; }

 private:
  std::size_t column_;
};

class Expression {
 public:
  // Throws ExpressionError (with the column) when the text does not parse.
  static Expression parse(std::string_view text);

  Expression(const Expression&);
  Expression& operator=(const Expression&);
  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

  const std::string& text() const;
  // The free names the expression reads, in first-appearance order.
  const std::vector<std::string>& names() const;

  // Resolves every free name to its index in `slots`. Throws InputError naming the
  // first unknown name. Must be called before evaluate().
  void bind(std::span<const std::string> slots);

  // Evaluates with slot values (as bound). Throws InputError on a type error
  // (e.g. 'a' + 1) or division by zero, like Python would raise.
  Value evaluate(std::span<const Value> slot_values) const;
  // Python truthiness of evaluate().
  bool holds(std::span<const Value> slot_values) const;
  // The same with slots given by pointer, so a caller holding values elsewhere (a
  // configuration's parameter values) evaluates without copying them.
  Value evaluate(std::span<const Value* const> slot_values) const;
  bool holds(std::span<const Value* const> slot_values) const;

 private:
  struct Impl;
  explicit Expression(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace evojit
