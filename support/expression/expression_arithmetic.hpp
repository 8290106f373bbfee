// Internal to the expression language: the evaluator's value (a small tagged struct,
// strings as views) and Python's semantics for the operators on it: int/float
// promotion, overflow-checked int arithmetic, floor division and modulo, power,
// bitwise operators, comparisons and the int()/float() conversions. Used by the
// evaluator (expression_eval.cpp). Not part of the public API.
#pragma once

#include <cstdint>
#include <forward_list>
#include <string>
#include <string_view>

#include "support/expression/expression_ast.hpp"

namespace evojit::expr {

enum class T : std::uint8_t { boolean, integer, real, str, none, seq };

struct V {
  V() = default;
  V(T type, std::int64_t integer = 0) : t(type), i(integer) {}
  T t = T::none;
  std::int64_t i = 0;  // bool (0/1), int, or the node of a list/tuple
  double f = 0;
  std::string_view s;
};

inline V make_bool(bool b) { return V{T::boolean, b ? 1 : 0}; }
inline V make_int(std::int64_t i) { return V{T::integer, i}; }
inline V make_real(double f) {
  V v{T::real};
  v.f = f;
  return v;
}

const char* type_name(const V& v);

inline bool is_num(const V& v) { return v.t == T::boolean || v.t == T::integer || v.t == T::real; }
inline bool is_intlike(const V& v) { return v.t == T::boolean || v.t == T::integer; }
inline double as_double(const V& v) { return v.t == T::real ? v.f : static_cast<double>(v.i); }

// -1, 0, 1, or 2 when unordered (NaN), comparing ints and floats exactly as Python does.
int compare_numbers(const V& a, const V& b);

// The operators of one evaluation: errors are InputErrors naming the constraint
// `text` (which must outlive this), and strings made by + and * live here.
class Arithmetic {
 public:
  explicit Arithmetic(const std::string& text) : text_(text) {}

  [[noreturn]] void raise(const char* kind, const std::string& message);
  [[noreturn]] void overflow();
  [[noreturn]] void unsupported(const char* op, const V& a, const V& b);

  V unary(Op op, const V& a);
  // Every binary Op except the logical ones and compare.
  V binary(Op op, const V& a, const V& b);
  bool equal(const V& a, const V& b);
  bool compare(const V& a, Cmp c, const V& b);  // c is neither in nor not_in
  V to_int(const V& x);
  V to_float(const V& x);

 private:
  V arith(Op op, const char* sym, const V& a, const V& b);
  V repeat(std::string_view s, std::int64_t times);
  V own(std::string s);
  V floordiv_mod(bool want_div, const V& a, const V& b);
  V power(const V& a, const V& b);
  double float_pow(double iv, double iw);
  V bitwise(Op op, const V& a, const V& b);

  const std::string& text_;
  std::forward_list<std::string> owned_;  // strings made by + and *; empty: no allocation
};

}  // namespace evojit::expr
