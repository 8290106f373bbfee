// Internal to the expression language: the tokens of a constraint and the lexer that
// makes them, used by the parser (expression_parser.cpp). Not part of the public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace evojit::expr {

enum class Tok { end, name, integer, real, string, op };

struct Token {
  Tok kind = Tok::end;
  std::string_view text;  // the source text of the token (for op and name)
  std::size_t column = 1;
  std::int64_t integer = 0;
  double real = 0;
  std::string string;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // Throws ExpressionError at the 1-based `column`.
  [[noreturn]] void fail(const std::string& message, std::size_t column) const;

  // The next token; Tok::end at the end of the text. Throws ExpressionError.
  Token next();

 private:
  Token number(Token& t);
  void check_end(const Token& t);
  Token string_literal(Token& t);

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace evojit::expr
