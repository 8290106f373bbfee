// Python's semantics for the operators of the constraint language, on the evaluator's
// values, with CPython's exceptions as InputErrors.
#include "support/expression/expression_arithmetic.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "support/error.hpp"

namespace evojit::expr {
namespace {

// -1, 0, 1, or 2 when unordered (NaN), comparing an int with a double exactly as
// Python does (no rounding of the int to a double).
int compare_int_real(std::int64_t i, double d) {
  if (std::isnan(d)) return 2;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  const double t = std::trunc(d);
  const auto ti = static_cast<std::int64_t>(t);
  if (i < ti) return -1;
  if (i > ti) return 1;
  const double frac = d - t;
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

bool is_odd_integer(double x) { return std::fmod(std::fabs(x), 2.0) == 1.0; }

std::string strip(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\n\r\f\v");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

const char* type_name(const V& v) {
  switch (v.t) {
    case T::boolean:
      return "bool";
    case T::integer:
      return "int";
    case T::real:
      return "float";
    case T::str:
      return "str";
    case T::none:
      return "NoneType";
    case T::seq:
      return "list";
  }
  return "?";
}

int compare_numbers(const V& a, const V& b) {
  if (is_intlike(a) && is_intlike(b)) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  if (a.t == T::real && b.t == T::real) {
    if (std::isnan(a.f) || std::isnan(b.f)) return 2;
    return a.f < b.f ? -1 : a.f > b.f ? 1 : 0;
  }
  if (a.t == T::real) {
    int c = compare_int_real(b.i, a.f);
    return c == 2 ? 2 : -c;
  }
  return compare_int_real(a.i, b.f);
}

void Arithmetic::raise(const char* kind, const std::string& message) {
  throw InputError(std::string(kind) + ": " + message, "constraint '" + text_ + "'");
}

void Arithmetic::overflow() { raise("OverflowError", "integer result does not fit in 64 bits"); }

void Arithmetic::unsupported(const char* op, const V& a, const V& b) {
  raise("TypeError", std::string("unsupported operand type(s) for ") + op + ": '" + type_name(a) +
                         "' and '" + type_name(b) + "'");
}

V Arithmetic::unary(Op op, const V& a) {
  if (op == Op::invert) {
    if (!is_intlike(a))
      raise("TypeError", std::string("bad operand type for unary ~: '") + type_name(a) + "'");
    return make_int(~a.i);
  }
  if (!is_num(a)) {
    raise("TypeError", std::string("bad operand type for unary ") + (op == Op::neg ? "-" : "+") +
                           ": '" + type_name(a) + "'");
  }
  if (a.t == T::real) return make_real(op == Op::neg ? -a.f : a.f);
  if (op == Op::pos) return make_int(a.i);
  if (a.i == std::numeric_limits<std::int64_t>::min()) overflow();
  return make_int(-a.i);
}

V Arithmetic::binary(Op op, const V& a, const V& b) {
  switch (op) {
    case Op::add:
      if (a.t == T::str && b.t == T::str) return own(std::string(a.s) + std::string(b.s));
      return arith(op, "+", a, b);
    case Op::sub:
      return arith(op, "-", a, b);
    case Op::mul:
      if (a.t == T::str && is_intlike(b)) return repeat(a.s, b.i);
      if (b.t == T::str && is_intlike(a)) return repeat(b.s, a.i);
      return arith(op, "*", a, b);
    case Op::truediv: {
      if (!is_num(a) || !is_num(b)) unsupported("/", a, b);
      const double d = as_double(b);
      if (d == 0.0) raise("ZeroDivisionError", "division by zero");
      return make_real(as_double(a) / d);
    }
    case Op::floordiv:
      return floordiv_mod(true, a, b);
    case Op::mod:
      return floordiv_mod(false, a, b);
    case Op::pow:
      return power(a, b);
    default:
      return bitwise(op, a, b);
  }
}

V Arithmetic::arith(Op op, const char* sym, const V& a, const V& b) {
  if (!is_num(a) || !is_num(b)) unsupported(sym, a, b);
  if (a.t == T::real || b.t == T::real) {
    const double x = as_double(a), y = as_double(b);
    return make_real(op == Op::add ? x + y : op == Op::sub ? x - y : x * y);
  }
  std::int64_t r = 0;
  const bool bad = op == Op::add   ? __builtin_add_overflow(a.i, b.i, &r)
                   : op == Op::sub ? __builtin_sub_overflow(a.i, b.i, &r)
                                   : __builtin_mul_overflow(a.i, b.i, &r);
  if (bad) overflow();
  return make_int(r);
}

V Arithmetic::repeat(std::string_view s, std::int64_t times) {
  if (times <= 0 || s.empty()) return own(std::string());
  if (static_cast<double>(times) * static_cast<double>(s.size()) > 1e8)
    raise("MemoryError", "string repetition too large");
  std::string out;
  for (std::int64_t k = 0; k < times; ++k) out += s;
  return own(std::move(out));
}

V Arithmetic::own(std::string s) {
  owned_.push_front(std::move(s));
  V v{T::str};
  v.s = owned_.front();
  return v;
}

// CPython's int and float floor division and modulo: results round toward
// negative infinity and the remainder takes the divisor's sign.
V Arithmetic::floordiv_mod(bool want_div, const V& a, const V& b) {
  if (!is_num(a) || !is_num(b)) unsupported(want_div ? "//" : "%", a, b);
  if (is_intlike(a) && is_intlike(b)) {
    if (b.i == 0) raise("ZeroDivisionError", "integer division or modulo by zero");
    if (b.i == -1) {
      if (!want_div) return make_int(0);
      if (a.i == std::numeric_limits<std::int64_t>::min()) overflow();
      return make_int(-a.i);
    }
    std::int64_t q = a.i / b.i, r = a.i % b.i;
    if (r != 0 && ((r < 0) != (b.i < 0))) {
      r += b.i;
      --q;
    }
    return make_int(want_div ? q : r);
  }
  const double vx = as_double(a), wx = as_double(b);
  if (wx == 0.0)
    raise("ZeroDivisionError", want_div ? "float floor division by zero" : "float modulo");
  double mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0.0) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, wx);
  }
  if (!want_div) return make_real(mod);
  double floordiv;
  if (div != 0.0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
  return make_real(floordiv);
}

V Arithmetic::power(const V& a, const V& b) {
  if (!is_num(a) || !is_num(b)) unsupported("** or pow()", a, b);
  if (is_intlike(a) && is_intlike(b)) {
    if (b.i >= 0) {
      std::int64_t result = 1, base = a.i, e = b.i;
      while (e > 0) {
        if (e & 1)
          if (__builtin_mul_overflow(result, base, &result)) overflow();
        e >>= 1;
        if (e > 0 && __builtin_mul_overflow(base, base, &base)) overflow();
      }
      return make_int(result);
    }
    if (a.i == 0) raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
  }
  return make_real(float_pow(as_double(a), as_double(b)));
}

// CPython's float_pow, with its exceptions.
double Arithmetic::float_pow(double iv, double iw) {
  if (iw == 0) return 1.0;
  if (std::isnan(iv)) return iv;
  if (std::isnan(iw)) return iv == 1.0 ? 1.0 : iw;
  if (std::isinf(iw)) {
    iv = std::fabs(iv);
    if (iv == 1.0) return 1.0;
    if ((iw > 0.0) == (iv > 1.0)) return std::fabs(iw);
    return 0.0;
  }
  if (std::isinf(iv)) {
    const bool odd = is_odd_integer(iw);
    if (iw > 0.0) return odd ? iv : std::fabs(iv);
    return odd ? std::copysign(0.0, iv) : 0.0;
  }
  if (iv == 0.0) {
    const bool odd = is_odd_integer(iw);
    if (iw < 0.0) raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
    return odd ? iv : 0.0;
  }
  bool negate = false;
  if (iv < 0.0) {
    if (iw != std::floor(iw))
      raise("ValueError", "a negative number raised to a fractional power is complex");
    iv = -iv;
    negate = is_odd_integer(iw);
  }
  if (iv == 1.0) return negate ? -1.0 : 1.0;
  double ix = std::pow(iv, iw);
  if (std::isinf(ix)) raise("OverflowError", "numerical result out of range");
  return negate ? -ix : ix;
}

V Arithmetic::bitwise(Op op, const V& a, const V& b) {
  static constexpr const char* kSym[] = {"&", "|", "^", "<<", ">>"};
  const char* sym = kSym[static_cast<int>(op) - static_cast<int>(Op::bit_and)];
  if (!is_intlike(a) || !is_intlike(b)) unsupported(sym, a, b);
  const bool both_bool = a.t == T::boolean && b.t == T::boolean;
  switch (op) {
    case Op::bit_and:
      return both_bool ? make_bool(a.i & b.i) : make_int(a.i & b.i);
    case Op::bit_or:
      return both_bool ? make_bool(a.i | b.i) : make_int(a.i | b.i);
    case Op::bit_xor:
      return both_bool ? make_bool(a.i ^ b.i) : make_int(a.i ^ b.i);
    default:
      break;
  }
  if (b.i < 0) raise("ValueError", "negative shift count");
  if (op == Op::rshift) return make_int(b.i >= 64 ? (a.i < 0 ? -1 : 0) : a.i >> b.i);
  if (a.i == 0) return make_int(0);
  if (b.i >= 63) overflow();
  const std::int64_t r = static_cast<std::int64_t>(static_cast<std::uint64_t>(a.i) << b.i);
  if ((r >> b.i) != a.i) overflow();
  return make_int(r);
}

bool Arithmetic::equal(const V& a, const V& b) {
  if (is_num(a) && is_num(b)) return compare_numbers(a, b) == 0;
  if (a.t == T::str && b.t == T::str) return a.s == b.s;
  if (a.t == T::none && b.t == T::none) return true;
  if (a.t == T::seq && b.t == T::seq && a.i != b.i)
    raise("TypeError", "comparing lists is not supported");
  return a.t == T::seq && b.t == T::seq;
}

bool Arithmetic::compare(const V& a, Cmp c, const V& b) {
  if (c == Cmp::eq) return equal(a, b);
  if (c == Cmp::ne) return !equal(a, b);
  static constexpr const char* kSym[] = {"<", "<=", ">", ">="};
  int r;
  if (is_num(a) && is_num(b)) {
    r = compare_numbers(a, b);
    if (r == 2) return false;
  } else if (a.t == T::str && b.t == T::str) {
    r = a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  } else {
    raise("TypeError", std::string("'") + kSym[static_cast<int>(c)] +
                           "' not supported between instances of '" + type_name(a) + "' and '" +
                           type_name(b) + "'");
  }
  switch (c) {
    case Cmp::lt:
      return r < 0;
    case Cmp::le:
      return r <= 0;
    case Cmp::gt:
      return r > 0;
    default:
      return r >= 0;
  }
}

V Arithmetic::to_int(const V& x) {
  if (is_intlike(x)) return make_int(x.i);
  if (x.t == T::real) {
    if (std::isnan(x.f)) raise("ValueError", "cannot convert float NaN to integer");
    if (std::isinf(x.f)) raise("OverflowError", "cannot convert float infinity to integer");
    const double t = std::trunc(x.f);
    if (t >= 9223372036854775808.0 || t < -9223372036854775808.0) overflow();
    return make_int(static_cast<std::int64_t>(t));
  }
  if (x.t == T::str) {
    std::string s = strip(x.s);
    std::size_t start = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    bool ok = s.size() > start;
    for (std::size_t k = start; k < s.size(); ++k) ok = ok && s[k] >= '0' && s[k] <= '9';
    if (!ok)
      raise("ValueError", "invalid literal for int() with base 10: '" + std::string(x.s) + "'");
    errno = 0;
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == ERANGE) overflow();
    return make_int(v);
  }
  raise("TypeError",
        std::string("int() argument must be a string or a number, not '") + type_name(x) + "'");
}

V Arithmetic::to_float(const V& x) {
  if (is_num(x)) return make_real(as_double(x));
  if (x.t == T::str) {
    std::string s = strip(x.s);
    std::string lower;
    for (char ch : s) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    std::string body = lower;
    double sign = 1.0;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
      sign = body[0] == '-' ? -1.0 : 1.0;
      body.erase(0, 1);
    }
    if (body == "inf" || body == "infinity") return make_real(sign * HUGE_VAL);
    if (body == "nan") return make_real(std::copysign(std::nan(""), sign));
    bool digit = false, ok = !body.empty();
    for (char ch : body) {
      digit = digit || (ch >= '0' && ch <= '9');
      ok = ok && ((ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == '+' || ch == '-');
    }
    char* end = nullptr;
    const double v = ok && digit ? std::strtod(s.c_str(), &end) : 0.0;
    if (!ok || !digit || end != s.c_str() + s.size())
      raise("ValueError", "could not convert string to float: '" + std::string(x.s) + "'");
    return make_real(v);
  }
  raise("TypeError", std::string("float() argument must be a string or a real number, not '") +
                         type_name(x) + "'");
}

}  // namespace evojit::expr
