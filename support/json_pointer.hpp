// JSON Pointer (RFC 6901) tokens, for error messages that name where in a file a
// value is wrong (`/budget/evaluations`, `/cache/1~18`).
#pragma once

#include <string>
#include <string_view>

namespace evojit {

// `key` escaped as one JSON Pointer reference token: '~' -> "~0", '/' -> "~1".
inline std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace evojit
