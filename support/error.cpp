#include "support/error.hpp"

namespace evojit {
namespace {

std::string compose(const std::string& what, const std::string& where, const std::string& hint) {
  std::string text = where.empty() ? what : where + ": " + what;
  if (!hint.empty()) text += " (" + hint + ")";
  return text;
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
