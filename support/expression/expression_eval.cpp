// Evaluation of a parsed expression with Python's semantics. Values live in a small
// tagged struct (strings as views into the slots or the program's constants), so a
// numeric expression evaluates without allocating; only string concatenation or
// repetition allocates.
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "support/expression/expression_arithmetic.hpp"
#include "support/expression/expression_ast.hpp"

namespace evojit::expr {
namespace {

bool truthy(const V& v, const Program& p) {
  switch (v.t) {
    case T::boolean:
    case T::integer:
      return v.i != 0;
    case T::real:
      return v.f != 0.0;
    case T::str:
      return !v.s.empty();
    case T::none:
      return false;
    case T::seq:
      return p.nodes[static_cast<std::size_t>(v.i)].count != 0;
  }
  return false;
}

V from_value(const Value& v) {
  switch (v.index()) {
    case 0:
      return make_bool(*std::get_if<bool>(&v));
    case 1:
      return make_int(*std::get_if<std::int64_t>(&v));
    case 2:
      return make_real(*std::get_if<double>(&v));
    default: {
      V r{T::str};
      r.s = *std::get_if<std::string>(&v);
      return r;
    }
  }
}

const Value& deref(const Value& v) { return v; }
const Value& deref(const Value* v) { return *v; }

template <class Slots>
class Evaluator : Arithmetic {
 public:
  Evaluator(const Program& p, std::span<const std::uint32_t> name_slot, Slots slots)
      : Arithmetic(p.text), p_(p), name_slot_(name_slot), slots_(slots) {}

  V run(std::uint32_t id) {
    const Node& n = p_.nodes[id];
    switch (n.op) {
      case Op::constant:
        return n.a == kNone ? V{} : from_value(p_.constants[n.a]);
      case Op::name:
        return from_value(deref(slots_[name_slot_[n.a]]));
      case Op::list:
      case Op::tuple:
        for (std::uint32_t k = 0; k < n.count; ++k) run(p_.children[n.first + k]);
        return V{T::seq, id};
      case Op::neg:
      case Op::pos:
      case Op::invert:
        return unary(n.op, run(n.a));
      case Op::logical_not:
        return make_bool(!truthy(run(n.a), p_));
      case Op::logical_and: {
        V l = run(n.a);
        return truthy(l, p_) ? run(n.b) : l;
      }
      case Op::logical_or: {
        V l = run(n.a);
        return truthy(l, p_) ? l : run(n.b);
      }
      case Op::compare:
        return compare_chain(n);
      case Op::call:
        return call(n);
      case Op::if_else:
        return truthy(run(n.a), p_) ? run(n.b) : run(n.c);
      default: {
        V a = run(n.a);
        V b = run(n.b);
        return binary(n.op, a, b);
      }
    }
  }

  Value to_value(const V& v) {
    switch (v.t) {
      case T::boolean:
        return v.i != 0;
      case T::integer:
        return v.i;
      case T::real:
        return v.f;
      case T::str:
        return std::string(v.s);
      default:
        raise("TypeError", std::string("the expression evaluates to ") +
                               (v.t == T::none ? "None" : "a list") + ", not a value");
    }
  }

 private:
  // `needle in <node>`; sets `container` to the right operand's value.
  bool contains(const V& needle, std::uint32_t node, V& container) {
    const Node& n = p_.nodes[node];
    if (n.op == Op::list || n.op == Op::tuple) {
      bool found = false;
      for (std::uint32_t k = 0; k < n.count; ++k) {
        V item = run(p_.children[n.first + k]);
        if (!found && equal(needle, item)) found = true;
      }
      container = V{T::seq, node};
      return found;
    }
    container = run(node);
    return contains_value(needle, container);
  }

  bool contains_value(const V& needle, const V& container) {
    if (container.t == T::str) {
      if (needle.t != T::str)
        raise("TypeError", std::string("'in <string>' requires string as left operand, not ") +
                               type_name(needle));
      return container.s.find(needle.s) != std::string_view::npos;
    }
    if (container.t == T::seq) {
      const Node& n = p_.nodes[static_cast<std::size_t>(container.i)];
      for (std::uint32_t k = 0; k < n.count; ++k)
        if (equal(needle, run(p_.children[n.first + k]))) return true;
      return false;
    }
    raise("TypeError",
          std::string("argument of type '") + type_name(container) + "' is not iterable");
  }

  V compare_chain(const Node& n) {
    V left = run(p_.children[n.first]);
    for (std::uint32_t k = 0; k + 1 < n.count; ++k) {
      const Cmp c = p_.cmps[n.a + k];
      const std::uint32_t right_node = p_.children[n.first + k + 1];
      bool ok;
      V right;
      if (c == Cmp::in || c == Cmp::not_in) {
        ok = contains(left, right_node, right) == (c == Cmp::in);
      } else {
        right = run(right_node);
        ok = compare(left, c, right);
      }
      if (!ok) return make_bool(false);
      left = right;
    }
    return make_bool(true);
  }

  V call(const Node& n) {
    const auto f = static_cast<Function>(n.a);
    if (f == Function::min || f == Function::max) return min_max(n, f == Function::max);
    if (n.count == 0) {
      return f == Function::to_int     ? make_int(0)
             : f == Function::to_float ? make_real(0.0)
                                       : make_bool(false);
    }
    V x = run(p_.children[n.first]);
    switch (f) {
      case Function::to_bool:
        return make_bool(truthy(x, p_));
      case Function::abs:
        if (x.t == T::real) return make_real(std::fabs(x.f));
        if (!is_intlike(x))
          raise("TypeError", std::string("bad operand type for abs(): '") + type_name(x) + "'");
        if (x.i == std::numeric_limits<std::int64_t>::min()) overflow();
        return make_int(x.i < 0 ? -x.i : x.i);
      case Function::to_int:
        return to_int(x);
      default:
        return to_float(x);
    }
  }

  // Python keeps the first of equal items: a later item replaces the current one
  // only when strictly smaller (min) or greater (max).
  V min_max(const Node& n, bool is_max) {
    const char* fname = is_max ? "max" : "min";
    auto better = [&](const V& item, const V& best) {
      return compare(item, is_max ? Cmp::gt : Cmp::lt, best);
    };
    if (n.count == 1) {
      V arg = run(p_.children[n.first]);
      if (arg.t != T::seq)
        raise("TypeError", std::string("'") + type_name(arg) + "' object is not iterable");
      const Node& list = p_.nodes[static_cast<std::size_t>(arg.i)];
      if (list.count == 0) raise("ValueError", std::string(fname) + "() arg is an empty sequence");
      V best = run(p_.children[list.first]);
      for (std::uint32_t k = 1; k < list.count; ++k) {
        V item = run(p_.children[list.first + k]);
        if (better(item, best)) best = item;
      }
      return best;
    }
    V best = run(p_.children[n.first]);
    for (std::uint32_t k = 1; k < n.count; ++k) {
      V item = run(p_.children[n.first + k]);
      if (better(item, best)) best = item;
    }
    return best;
  }

  const Program& p_;
  std::span<const std::uint32_t> name_slot_;
  Slots slots_;
};

template <class Slots>
Value evaluate_impl(const Program& p, std::span<const std::uint32_t> name_slot, Slots slots) {
  Evaluator<Slots> e(p, name_slot, slots);
  return e.to_value(e.run(p.root));
}

template <class Slots>
bool holds_impl(const Program& p, std::span<const std::uint32_t> name_slot, Slots slots) {
  Evaluator<Slots> e(p, name_slot, slots);
  return truthy(e.run(p.root), p);
}

}  // namespace

Value evaluate(const Program& p, std::span<const std::uint32_t> name_slot,
               std::span<const Value> slots) {
  return evaluate_impl(p, name_slot, slots);
}
Value evaluate(const Program& p, std::span<const std::uint32_t> name_slot,
               std::span<const Value* const> slots) {
  return evaluate_impl(p, name_slot, slots);
}
bool holds(const Program& p, std::span<const std::uint32_t> name_slot,
           std::span<const Value> slots) {
  return holds_impl(p, name_slot, slots);
}
bool holds(const Program& p, std::span<const std::uint32_t> name_slot,
           std::span<const Value* const> slots) {
  return holds_impl(p, name_slot, slots);
}

}  // namespace evojit::expr
