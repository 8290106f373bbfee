#include "support/error.hpp"

#include "support/printable.hpp"

namespace evojit {
namespace {

// Messages quote what users gave (names, values, paths): control characters are
// escaped and a message is clipped, so a hostile input can neither repaint the
// terminal nor print megabytes.
constexpr std::size_t kMessageLimit = 4000;

std::string compose(const std::string& what, const std::string& where, const std::string& hint) {
  std::string text = where.empty() ? what : printable(where, 1000) + ": " + what;
  if (!hint.empty()) text += " (" + hint + ")";
  return printable_message(text, kMessageLimit);
}

}  // namespace

InputError::InputError(std::string what, std::string where, std::string hint)
    : std::runtime_error(compose(what, where, hint)),
      where_(std::move(where)),
      hint_(std::move(hint)) {}

void throw_input_error(std::string what, std::string where, std::string hint) {
  throw InputError(std::move(what), std::move(where), std::move(hint));
}

}  // namespace evojit
