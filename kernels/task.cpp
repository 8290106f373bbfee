#include "kernels/task.hpp"

#include <charconv>
#include <cmath>
#include <variant>

#include "support/error.hpp"

namespace evojit {
namespace {

bool is_identifier(const std::string& name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

std::string parenthesised(const std::string& text) {
  std::string out = "(";
  out += text;
  out += ')';
  return out;
}

// A real stays a floating literal in C++ ("2.0", not "2", which would be an int).
std::string real_literal(double v) {
  if (std::isnan(v)) return "(__builtin_nan(\"\"))";
  if (std::isinf(v)) return v > 0 ? "(__builtin_inf())" : "(-__builtin_inf())";
  char text[64];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
  std::string out(text, end);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return v < 0 ? parenthesised(out) : out;
}

std::string define_value(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          return x ? "1" : "0";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          // Parenthesised so that "-N" stays one operand inside any expression.
          return x < 0 ? parenthesised(std::to_string(x)) : std::to_string(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return real_literal(x);
        } else {
          return x;
        }
      },
      v);
}

}  // namespace

std::string render_with_defines(const std::string& kernel_template,
                                const std::map<std::string, Value>& bindings) {
  std::string source = cpu_kernel_prelude();
  source += render_defines(bindings);
  source += "\n";
  source += kernel_template;
  return source;
}

std::string render_defines(const std::map<std::string, Value>& bindings) {
  std::string source = "\n// parameters\n";
  for (const auto& [name, value] : bindings) {
    if (!is_identifier(name)) {
      throw_input_error("parameter name '" + name + "' is not a C identifier", "render",
                        "use letters, digits and '_' (not starting with a digit)");
    }
    source += "#define " + name + " " + define_value(value) + "\n";
  }
  return source;
}

}  // namespace evojit
