// User text made safe to print in a message: control characters (an ANSI escape
// that would repaint the terminal, a carriage return that would hide what came
// before) are shown escaped (\n, \t, \x1b), and anything longer than a limit is
// clipped with a note of how much was left out. Error messages quote user values
// through this (support/error.cpp applies it to every InputError).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace evojit {

inline constexpr std::size_t kPrintableLimit = 200;

// `text` escaped and clipped to about `limit` characters.
std::string printable(std::string_view text, std::size_t limit = kPrintableLimit);

// For a whole message: the same, except that newlines (which messages use for
// layout) stay, and the limit is per message.
std::string printable_message(std::string_view text, std::size_t limit);

}  // namespace evojit
