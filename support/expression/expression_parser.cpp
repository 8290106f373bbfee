// Over 400 lines on purpose: one grammar, one rule per method; split by rule it would
// scatter the precedence ladder across files.
// Recursive-descent parser for the constraint language. The grammar is
// Python's expression grammar restricted to what tuning constraints use; the
// precedence levels follow the Python reference (lowest first):
//   x if c else y | or | and | not | comparisons (chained, in, not in) | '|' | '^' |
//   '&' | << >> | + - | * / // % | unary + - ~ | ** (right-assoc, binds tighter than
//   a unary operator on its left: -2 ** 2 == -4) | calls, atoms.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "support/expression/expression.hpp"
#include "support/expression/expression_ast.hpp"
#include "support/expression/expression_lexer.hpp"

namespace evojit::expr {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {
    program_.text = std::string(text);
    tok_ = lexer_.next();
  }

  Program run() {
    if (tok_.kind == Tok::end) lexer_.fail("empty expression", tok_.column);
    program_.root = expression();
    if (tok_.kind != Tok::end) unexpected();
    return std::move(program_);
  }

 private:
  [[noreturn]] void unexpected() {
    if (tok_.kind == Tok::end) lexer_.fail("unexpected end of expression", tok_.column);
    std::string shown =
        tok_.kind == Tok::string ? "string literal" : "'" + std::string(tok_.text) + "'";
    if (tok_.kind == Tok::integer || tok_.kind == Tok::real) shown = "number";
    lexer_.fail("unexpected " + shown, tok_.column);
  }

  // Nesting is bounded (CPython stops at 200 nested parentheses) so a hostile
  // constraint cannot overflow the stack of the parser or the evaluator. Each level
  // of parentheses passes three guards (expression, not_test, factor).
  static constexpr int kMaxNesting = 600;
  struct NestingGuard {
    Parser& parser;
    explicit NestingGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxNesting) {
        parser.lexer_.fail("expression nested too deeply", parser.tok_.column);
      }
    }
    ~NestingGuard() { --parser.depth_; }
  };

  bool is_op(std::string_view op) const { return tok_.kind == Tok::op && tok_.text == op; }
  bool is_keyword(std::string_view kw) const { return tok_.kind == Tok::name && tok_.text == kw; }
  void advance() { tok_ = lexer_.next(); }
  void expect_op(std::string_view op) {
    if (!is_op(op)) {
      if (tok_.kind == Tok::end)
        lexer_.fail("expected '" + std::string(op) + "' before end of expression", tok_.column);
      lexer_.fail("expected '" + std::string(op) + "'", tok_.column);
    }
    advance();
  }

  // The evaluator walks the tree recursively, so its depth (not only the nesting of
  // parentheses) is bounded: `1+1+...+1` with 20,000 terms is one node per `+`, each
  // the left child of the next. Such an expression is refused with a message, never
  // a stack overflow; so is one of more than kMaxExpressionNodes nodes.
  std::uint32_t add(Node n) {
    std::uint32_t depth = 0;
    auto deeper = [&](std::uint32_t child) { depth = std::max(depth, depth_of_[child]); };
    switch (n.op) {
      case Op::constant:
      case Op::name:
        break;
      case Op::list:
      case Op::tuple:
      case Op::compare:
      case Op::call:
        for (std::uint32_t k = 0; k < n.count; ++k) deeper(program_.children[n.first + k]);
        break;
      case Op::neg:
      case Op::pos:
      case Op::invert:
      case Op::logical_not:
        deeper(n.a);
        break;
      case Op::if_else:
        deeper(n.a);
        deeper(n.b);
        deeper(n.c);
        break;
      default:
        deeper(n.a);
        deeper(n.b);
    }
    if (depth + 1 > kMaxExpressionDepth) {
      lexer_.fail("expression too deep to evaluate (more than " +
                      std::to_string(kMaxExpressionDepth) +
                      " nested operations); split it into several constraints",
                  n.column);
    }
    if (program_.nodes.size() >= kMaxExpressionNodes) {
      lexer_.fail("expression too long (more than " + std::to_string(kMaxExpressionNodes) +
                      " terms and operators); split it into several constraints",
                  n.column);
    }
    depth_of_.push_back(depth + 1);
    program_.nodes.push_back(n);
    return static_cast<std::uint32_t>(program_.nodes.size() - 1);
  }
  std::uint32_t binary(Op op, std::uint32_t a, std::uint32_t b, std::size_t column) {
    Node n{op};
    n.a = a;
    n.b = b;
    n.column = static_cast<std::uint32_t>(column);
    return add(n);
  }
  std::uint32_t with_children(Op op, const std::vector<std::uint32_t>& kids, std::size_t column) {
    Node n{op};
    n.first = static_cast<std::uint32_t>(program_.children.size());
    n.count = static_cast<std::uint32_t>(kids.size());
    n.column = static_cast<std::uint32_t>(column);
    program_.children.insert(program_.children.end(), kids.begin(), kids.end());
    return add(n);
  }

  std::uint32_t expression() {
    const NestingGuard guard(*this);
    const std::size_t column = tok_.column;
    std::uint32_t then = or_test();
    if (!is_keyword("if")) return then;
    advance();
    std::uint32_t cond = or_test();
    if (!is_keyword("else")) lexer_.fail("expected 'else'", tok_.column);
    advance();
    std::uint32_t otherwise = expression();
    Node n{Op::if_else};
    n.a = cond;
    n.b = then;
    n.c = otherwise;
    n.column = static_cast<std::uint32_t>(column);
    return add(n);
  }

  std::uint32_t or_test() {
    std::uint32_t left = and_test();
    while (is_keyword("or")) {
      std::size_t column = tok_.column;
      advance();
      left = binary(Op::logical_or, left, and_test(), column);
    }
    return left;
  }

  std::uint32_t and_test() {
    std::uint32_t left = not_test();
    while (is_keyword("and")) {
      std::size_t column = tok_.column;
      advance();
      left = binary(Op::logical_and, left, not_test(), column);
    }
    return left;
  }

  std::uint32_t not_test() {
    const NestingGuard guard(*this);
    if (is_keyword("not")) {
      std::size_t column = tok_.column;
      advance();
      return binary(Op::logical_not, not_test(), 0, column);
    }
    return comparison();
  }

  bool comparison_operator(Cmp& cmp) {
    if (tok_.kind == Tok::op) {
      static constexpr std::pair<std::string_view, Cmp> kOps[] = {{"<", Cmp::lt},  {"<=", Cmp::le},
                                                                  {">", Cmp::gt},  {">=", Cmp::ge},
                                                                  {"==", Cmp::eq}, {"!=", Cmp::ne}};
      for (auto [text, c] : kOps) {
        if (tok_.text == text) {
          cmp = c;
          advance();
          return true;
        }
      }
      return false;
    }
    if (is_keyword("in")) {
      cmp = Cmp::in;
      advance();
      return true;
    }
    if (is_keyword("not")) {
      advance();
      if (!is_keyword("in")) lexer_.fail("expected 'in' after 'not'", tok_.column);
      advance();
      cmp = Cmp::not_in;
      return true;
    }
    if (is_keyword("is")) lexer_.fail("the 'is' operator is not supported; use '=='", tok_.column);
    return false;
  }

  std::uint32_t comparison() {
    const std::size_t column = tok_.column;
    std::uint32_t first = bit_or();
    std::vector<std::uint32_t> operands{first};
    const auto cmp_start = static_cast<std::uint32_t>(program_.cmps.size());
    Cmp cmp;
    while (comparison_operator(cmp)) {
      program_.cmps.push_back(cmp);
      operands.push_back(bit_or());
    }
    if (operands.size() == 1) return first;
    std::uint32_t id = with_children(Op::compare, operands, column);
    program_.nodes[id].a = cmp_start;
    return id;
  }

  template <class Next>
  std::uint32_t left_assoc(Next next, std::initializer_list<std::pair<std::string_view, Op>> ops) {
    std::uint32_t left = (this->*next)();
    while (tok_.kind == Tok::op) {
      bool matched = false;
      for (auto [text, op] : ops) {
        if (tok_.text == text) {
          std::size_t column = tok_.column;
          advance();
          left = binary(op, left, (this->*next)(), column);
          matched = true;
          break;
        }
      }
      if (!matched) break;
    }
    return left;
  }

  std::uint32_t bit_or() { return left_assoc(&Parser::bit_xor, {{"|", Op::bit_or}}); }
  std::uint32_t bit_xor() { return left_assoc(&Parser::bit_and, {{"^", Op::bit_xor}}); }
  std::uint32_t bit_and() { return left_assoc(&Parser::shift, {{"&", Op::bit_and}}); }
  std::uint32_t shift() {
    return left_assoc(&Parser::arith, {{"<<", Op::lshift}, {">>", Op::rshift}});
  }
  std::uint32_t arith() { return left_assoc(&Parser::term, {{"+", Op::add}, {"-", Op::sub}}); }
  std::uint32_t term() {
    return left_assoc(&Parser::factor,
                      {{"*", Op::mul}, {"/", Op::truediv}, {"//", Op::floordiv}, {"%", Op::mod}});
  }

  std::uint32_t factor() {
    const NestingGuard guard(*this);
    if (tok_.kind == Tok::op && (tok_.text == "-" || tok_.text == "+" || tok_.text == "~")) {
      const Op op = tok_.text == "-" ? Op::neg : tok_.text == "+" ? Op::pos : Op::invert;
      std::size_t column = tok_.column;
      advance();
      return binary(op, factor(), 0, column);
    }
    return power();
  }

  std::uint32_t power() {
    std::uint32_t base = primary();
    if (is_op("**")) {
      std::size_t column = tok_.column;
      advance();
      return binary(Op::pow, base, factor(), column);
    }
    return base;
  }

  std::uint32_t constant(Value v, std::size_t column) {
    Node n{Op::constant};
    n.a = static_cast<std::uint32_t>(program_.constants.size());
    n.column = static_cast<std::uint32_t>(column);
    program_.constants.push_back(std::move(v));
    return add(n);
  }

  std::uint32_t primary() {
    const Token t = tok_;
    switch (t.kind) {
      case Tok::end:
        unexpected();
      case Tok::integer:
        advance();
        return constant(t.integer, t.column);
      case Tok::real:
        advance();
        return constant(t.real, t.column);
      case Tok::string: {
        std::string s = t.string;
        advance();
        while (tok_.kind == Tok::string) {  // adjacent literals concatenate
          s += tok_.string;
          advance();
        }
        return constant(std::move(s), t.column);
      }
      case Tok::op:
        if (t.text == "(" || t.text == "[") return bracketed();
        unexpected();
      case Tok::name:
        break;
    }
    if (t.text == "True" || t.text == "False") {
      advance();
      return constant(t.text == "True", t.column);
    }
    if (t.text == "None") {
      advance();
      Node n{Op::constant};
      n.a = kNone;
      n.column = static_cast<std::uint32_t>(t.column);
      return add(n);
    }
    static constexpr std::string_view kKeywords[] = {
        "and",    "or",       "not",   "in",    "is",     "if",      "else",     "lambda",
        "for",    "while",    "def",   "class", "return", "import",  "from",     "as",
        "with",   "yield",    "await", "async", "pass",   "break",   "continue", "del",
        "global", "nonlocal", "raise", "try",   "except", "finally", "assert",   "elif"};
    for (auto kw : kKeywords)
      if (t.text == kw) unexpected();
    advance();
    if (is_op("(")) return call(t);
    Node n{Op::name};
    n.a = name_index(t.text);
    n.column = static_cast<std::uint32_t>(t.column);
    return add(n);
  }

  std::uint32_t name_index(std::string_view name) {
    for (std::size_t i = 0; i < program_.names.size(); ++i)
      if (program_.names[i] == name) return static_cast<std::uint32_t>(i);
    program_.names.emplace_back(name);
    return static_cast<std::uint32_t>(program_.names.size() - 1);
  }

  std::uint32_t call(const Token& fn) {
    static constexpr std::pair<std::string_view, Function> kFunctions[] = {
        {"int", Function::to_int}, {"float", Function::to_float}, {"bool", Function::to_bool},
        {"abs", Function::abs},    {"min", Function::min},        {"max", Function::max}};
    Function f{};
    bool known = false;
    for (auto [name, func] : kFunctions) {
      if (fn.text == name) {
        f = func;
        known = true;
      }
    }
    if (!known)
      lexer_.fail("unknown function '" + std::string(fn.text) +
                      "' (known: int, float, bool, abs, min, max)",
                  fn.column);
    advance();  // '('
    std::vector<std::uint32_t> args;
    while (!is_op(")")) {
      args.push_back(expression());
      if (is_op(",")) {
        advance();
        continue;
      }
      if (!is_op(")")) {
        if (tok_.kind == Tok::end) lexer_.fail("'(' was never closed", fn.column + fn.text.size());
        unexpected();
      }
    }
    advance();
    const std::size_t n = args.size();
    const bool ok = (f == Function::min || f == Function::max) ? n >= 1
                    : f == Function::abs                       ? n == 1
                                                               : n <= 1;
    if (!ok)
      lexer_.fail(std::string(fn.text) + "() takes " +
                      (f == Function::min || f == Function::max ? "at least 1 argument"
                       : f == Function::abs                     ? "exactly 1 argument"
                                                                : "at most 1 argument") +
                      " (" + std::to_string(n) + " given)",
                  fn.column);
    std::uint32_t id = with_children(Op::call, args, fn.column);
    program_.nodes[id].a = static_cast<std::uint32_t>(f);
    return id;
  }

  std::uint32_t bracketed() {
    const Token open = tok_;
    const bool is_list = open.text == "[";
    const std::string_view close = is_list ? "]" : ")";
    advance();
    std::vector<std::uint32_t> items;
    bool saw_comma = false;
    while (!is_op(close)) {
      items.push_back(expression());
      if (is_op(",")) {
        saw_comma = true;
        advance();
        continue;
      }
      if (!is_op(close)) {
        if (tok_.kind == Tok::end)
          lexer_.fail(is_list ? "'[' was never closed" : "'(' was never closed", open.column);
        unexpected();
      }
    }
    advance();
    if (!is_list && items.size() == 1 && !saw_comma) return items[0];  // parentheses
    return with_children(is_list ? Op::list : Op::tuple, items, open.column);
  }

  Lexer lexer_;
  Token tok_;
  int depth_ = 0;
  std::vector<std::uint32_t> depth_of_;  // per node: the depth of its subtree
  Program program_;
};

}  // namespace

Program parse_program(std::string_view text) { return Parser(text).run(); }

}  // namespace evojit::expr
