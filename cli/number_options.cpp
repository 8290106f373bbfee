#include "cli/number_options.hpp"

#include <charconv>
#include <cmath>

namespace evojit::cli {
namespace {

std::string quoted(const std::string& text) {
  return "'" + (text.size() > 40 ? text.substr(0, 40) + "..." : text) + "'";
}

}  // namespace

std::uint64_t parse_integer(const std::string& name, const std::string& text, std::uint64_t lo,
                            std::uint64_t hi) {
  const std::string expected = "expected an integer from " + std::to_string(lo) + " to " +
                               std::to_string(hi) + ", got " + quoted(text);
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    throw CLI::ValidationError(name, expected + " (too large)");
  }
  if (text.empty() || ec != std::errc() || ptr != end) {
    throw CLI::ValidationError(
        name, expected + (text.starts_with('-') ? " (negative numbers are not allowed)" : ""));
  }
  if (value < lo || value > hi) throw CLI::ValidationError(name, expected);
  return value;
}

double parse_seconds(const std::string& name, const std::string& text, bool positive) {
  const std::string expected = std::string("expected a finite number of seconds ") +
                               (positive ? "> 0" : ">= 0") + ", got " + quoted(text);
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0.0 ||
      (positive && value == 0.0)) {
    throw CLI::ValidationError(name, expected);
  }
  return value;
}

CLI::Option* add_integer_option(CLI::App& cmd, const std::string& name, std::uint64_t& target,
                                std::uint64_t lo, std::uint64_t hi,
                                const std::string& description) {
  return cmd.add_option_function<std::string>(
      name,
      [&target, name, lo, hi](const std::string& text) {
        target = parse_integer(name, text, lo, hi);
      },
      description + " (default " + std::to_string(target) + ")");
}

CLI::Option* add_seconds_option(CLI::App& cmd, const std::string& name, double& target,
                                bool positive, const std::string& description) {
  std::string text = std::to_string(target);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.ends_with('.')) text.pop_back();
  return cmd.add_option_function<std::string>(
      name,
      [&target, name, positive](const std::string& value) {
        target = parse_seconds(name, value, positive);
      },
      description + " (default " + text + ")");
}

}  // namespace evojit::cli
