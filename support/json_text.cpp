#include "support/json_text.hpp"

#include <charconv>
#include <cmath>

namespace evojit {

JsonText& JsonText::begin_object() {
  separate();
  out_ += '{';
  need_comma_ = false;
  return *this;
}

JsonText& JsonText::end_object() {
  out_ += '}';
  need_comma_ = true;
  return *this;
}

JsonText& JsonText::begin_array() {
  separate();
  out_ += '[';
  need_comma_ = false;
  return *this;
}

JsonText& JsonText::end_array() {
  out_ += ']';
  need_comma_ = true;
  return *this;
}

JsonText& JsonText::key(std::string_view name) {
  separate();
  quoted(name);
  out_ += ':';
  need_comma_ = false;
  return *this;
}

JsonText& JsonText::value(double x) {
  separate();
  if (!std::isfinite(x)) {
    out_ += "null";
  } else {
    // nlohmann's serializer formats doubles with this function (Grisu2, its own
    // rules for exponents and ".0"); std::to_chars writes some of them differently.
    char buffer[64];
    char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, x);
    out_.append(buffer, end);
  }
  need_comma_ = true;
  return *this;
}

JsonText& JsonText::value(std::int64_t x) {
  separate();
  char buffer[24];
  out_.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, x).ptr);
  need_comma_ = true;
  return *this;
}

JsonText& JsonText::value(std::uint64_t x) {
  separate();
  char buffer[24];
  out_.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, x).ptr);
  need_comma_ = true;
  return *this;
}

JsonText& JsonText::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  need_comma_ = true;
  return *this;
}

JsonText& JsonText::value(std::string_view s) {
  separate();
  quoted(s);
  need_comma_ = true;
  return *this;
}

JsonText& JsonText::value(const Value& v) {
  std::visit(
      [this](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          value(std::string_view(x));
        } else {
          value(x);
        }
      },
      v);
  return *this;
}

JsonText& JsonText::value(const nlohmann::json& j) {
  separate();
  out_ += j.dump();
  need_comma_ = true;
  return *this;
}

void JsonText::quoted(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
      // Escapes, and UTF-8 checked (dump() throws on invalid UTF-8): nlohmann's.
      out_ += nlohmann::json(std::string(s)).dump();
      return;
    }
  }
  out_ += '"';
  out_ += s;
  out_ += '"';
}

}  // namespace evojit
