// Two error channels (style.md): InputError for anything a user can cause (bad
// config, unknown task, unparsable constraint, unreadable file). It reaches main(),
// which prints it once and exits with code 2. Failing *candidates* never throw: they
// become an EvalStatus in evaluators/evaluation.hpp.
#pragma once

#include <stdexcept>
#include <string>

namespace evojit {

// The exit code main() uses for an InputError.
inline constexpr int kInputErrorExitCode = 2;

class InputError : public std::runtime_error {
 public:
  // `what` says what is wrong, `where` names the file, flag or JSON pointer, and
  // `hint` says how to fix it. Each part may be empty.
  InputError(std::string what, std::string where = {}, std::string hint = {});

  const std::string& where() const { return where_; }
  const std::string& hint() const { return hint_; }

 private:
  std::string where_;
  std::string hint_;
};

[[noreturn]] void throw_input_error(std::string what, std::string where = {},
                                    std::string hint = {});

}  // namespace evojit
