// Lexer and recursive-descent parser for the constraint language. The grammar is
// Python's expression grammar restricted to what tuning constraints use; the
// precedence levels follow the Python reference (lowest first):
//   x if c else y | or | and | not | comparisons (chained, in, not in) | '|' | '^' |
//   '&' | << >> | + - | * / // % | unary + - ~ | ** (right-assoc, binds tighter than
//   a unary operator on its left: -2 ** 2 == -4) | calls, atoms.
#include <charconv>
#include <cstdlib>
#include <string>

#include "support/expression.hpp"
#include "support/expression_ast.hpp"

namespace evojit::expr {
namespace {

enum class Tok { end, name, integer, real, string, op };

struct Token {
  Tok kind = Tok::end;
  std::string_view text;  // the source text of the token (for op and name)
  std::size_t column = 1;
  std::int64_t integer = 0;
  double real = 0;
  std::string string;
};

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident(char c) { return is_ident_start(c) || is_digit(c); }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& message, std::size_t column) const {
    throw ExpressionError(message, std::string(text_), column);
  }

  Token next() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
    Token t;
    t.column = pos_ + 1;
    if (pos_ >= text_.size()) return t;
    const char c = text_[pos_];
    if (is_ident_start(c)) {
      std::size_t start = pos_;
      while (pos_ < text_.size() && is_ident(text_[pos_])) ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"'))
        fail("string prefixes are not supported", t.column);
      t.kind = Tok::name;
      t.text = text_.substr(start, pos_ - start);
      return t;
    }
    if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1])))
      return number(t);
    if (c == '\'' || c == '"') return string_literal(t);
    static constexpr std::string_view kOps3[] = {"//=", "**=", ">>=", "<<="};
    static constexpr std::string_view kOps2[] = {"**", "//", "<=", ">=", "==", "!=", "<<", ">>"};
    for (auto op : kOps3)
      if (text_.substr(pos_, 3) == op) fail("assignment is not an expression", t.column);
    for (auto op : kOps2) {
      if (text_.substr(pos_, 2) == op) {
        t.kind = Tok::op;
        t.text = text_.substr(pos_, 2);
        pos_ += 2;
        return t;
      }
    }
    if (std::string_view("+-*/%<>()[],~&|^").find(c) != std::string_view::npos) {
      t.kind = Tok::op;
      t.text = text_.substr(pos_, 1);
      ++pos_;
      return t;
    }
    if (c == '=') fail("'=' is assignment; use '==' to compare", t.column);
    fail(std::string("unexpected character '") + c + "'", t.column);
  }

 private:
  Token number(Token& t) {
    const std::size_t start = pos_;
    auto digits = [&](auto accept) {
      std::string out;
      bool last_underscore = false;
      while (pos_ < text_.size() && (accept(text_[pos_]) || text_[pos_] == '_')) {
        if (text_[pos_] == '_') {
          if (last_underscore || out.empty()) fail("invalid number literal", t.column);
          last_underscore = true;
        } else {
          out += text_[pos_];
          last_underscore = false;
        }
        ++pos_;
      }
      if (last_underscore) fail("invalid number literal", t.column);
      return out;
    };
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() &&
        std::string_view("xXoObB").find(text_[pos_ + 1]) != std::string_view::npos) {
      const char base_char = static_cast<char>(text_[pos_ + 1] | 0x20);
      const int base = base_char == 'x' ? 16 : base_char == 'o' ? 8 : 2;
      pos_ += 2;
      if (pos_ < text_.size() && text_[pos_] == '_') ++pos_;
      std::string d = digits([&](char ch) {
        if (base == 16) return is_digit(ch) || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
        return ch >= '0' && ch < static_cast<char>('0' + base);
      });
      if (d.empty()) fail("invalid number literal", t.column);
      auto r = std::from_chars(d.data(), d.data() + d.size(), t.integer, base);
      if (r.ec != std::errc()) fail("integer literal too large", t.column);
      t.kind = Tok::integer;
      check_end(t);
      return t;
    }
    std::string mantissa = digits(is_digit);
    bool is_real = false;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      is_real = true;
      mantissa += '.';
      if (pos_ < text_.size() && is_digit(text_[pos_])) mantissa += digits(is_digit);
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t save = pos_;
      ++pos_;
      std::string exp = "e";
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) exp += text_[pos_++];
      if (pos_ < text_.size() && is_digit(text_[pos_])) {
        exp += digits(is_digit);
        mantissa += exp;
        is_real = true;
      } else {
        pos_ = save;
        fail("invalid number literal", t.column);
      }
    }
    if (is_real) {
      t.kind = Tok::real;
      t.real = std::strtod(mantissa.c_str(), nullptr);
    } else {
      // Python rejects leading zeros in a non-zero decimal literal ("012").
      if (mantissa.size() > 1 && mantissa[0] == '0' &&
          mantissa.find_first_not_of('0') != std::string::npos)
        fail("leading zeros in a decimal integer literal are not permitted", t.column);
      auto r = std::from_chars(mantissa.data(), mantissa.data() + mantissa.size(), t.integer);
      if (r.ec != std::errc()) fail("integer literal too large", t.column);
      t.kind = Tok::integer;
    }
    (void)start;
    check_end(t);
    return t;
  }

  void check_end(const Token& t) {
    if (pos_ < text_.size() && (is_ident(text_[pos_]) || text_[pos_] == '.'))
      fail("invalid number literal", t.column);
  }

  Token string_literal(Token& t) {
    const char quote = text_[pos_++];
    if (text_.substr(pos_, 2) == std::string(2, quote))
      fail("triple-quoted strings are not supported", t.column);
    std::string out;
    while (true) {
      if (pos_ >= text_.size() || text_[pos_] == '\n')
        fail("unterminated string literal", t.column);
      char c = text_[pos_++];
      if (c == quote) break;
      if (c == '\\') {
        if (pos_ >= text_.size()) fail("unterminated string literal", t.column);
        char e = text_[pos_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case '0':
            out += '\0';
            break;
          case '\\':
          case '\'':
          case '"':
            out += e;
            break;
          default:
            out += '\\';
            out += e;
            break;  // Python keeps unknown escapes
        }
        continue;
      }
      out += c;
    }
    t.kind = Tok::string;
    t.string = std::move(out);
    return t;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

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

  std::uint32_t add(Node n) {
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
          lexer_.fail("'" + std::string(open.text) + "' was never closed", open.column);
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
  Program program_;
};

}  // namespace

Program parse_program(std::string_view text) { return Parser(text).run(); }

}  // namespace evojit::expr
