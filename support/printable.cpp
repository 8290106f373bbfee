#include "support/printable.hpp"

#include <cstdio>

namespace evojit {
namespace {

void append_escaped(std::string& out, unsigned char c, bool keep_newlines) {
  switch (c) {
    case '\n':
      out += keep_newlines ? "\n" : "\\n";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  if (c < 0x20 || c == 0x7f) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02x", c);
    out += hex;
  } else {
    out += static_cast<char>(c);
  }
}

std::string escape_and_clip(std::string_view text, std::size_t limit, bool keep_newlines) {
  std::string out;
  std::size_t i = 0;
  for (; i < text.size() && out.size() < limit; ++i) {
    append_escaped(out, static_cast<unsigned char>(text[i]), keep_newlines);
  }
  if (i < text.size()) {
    out += "... (" + std::to_string(text.size() - i) + " more bytes)";
  }
  return out;
}

}  // namespace

std::string printable(std::string_view text, std::size_t limit) {
  return escape_and_clip(text, limit, false);
}

std::string printable_message(std::string_view text, std::size_t limit) {
  return escape_and_clip(text, limit, true);
}

}  // namespace evojit
