// libFuzzer target: the constraint language (Expression::parse, bind, evaluate).
// Input: up to 4 leading bytes choose the values of the expression's names (from a
// palette of awkward values: 0, -1, the int64 extremes, NaN-free reals, strings,
// booleans), the rest is the expression text. An InputError (ExpressionError, a type
// error, division by zero, overflow) is an expected rejection; anything else (another
// exception, a crash, a sanitizer report, a hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "support/error.hpp"
#include "support/expression/expression.hpp"

namespace {

const evojit::Value kPalette[] = {
    std::int64_t{0},
    std::int64_t{1},
    std::int64_t{-1},
    std::int64_t{32},
    std::numeric_limits<std::int64_t>::max(),
    std::numeric_limits<std::int64_t>::min(),
    0.0,
    -2.5,
    1e308,
    true,
    false,
    std::string("abc"),
    std::string(""),
    std::int64_t{63},
    std::int64_t{-64},
    4.9e-324,
};
constexpr std::size_t kPaletteSize = sizeof kPalette / sizeof kPalette[0];
constexpr std::size_t kSelectors = 4;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::size_t skip = size < kSelectors ? 0 : kSelectors;
  const std::string_view text(reinterpret_cast<const char*>(data) + skip, size - skip);
  try {
    evojit::Expression e = evojit::Expression::parse(text);
    (void)e.text();

    // A fixed slot list: names outside it are an expected (InputError) rejection.
    const std::string fixed[] = {"a", "b", "c", "x"};
    evojit::Expression copy = e;
    try {
      copy.bind(fixed);
    } catch (const evojit::InputError&) {
    }

    // The expression's own names, all bound, so evaluation gets past binding.
    const std::vector<std::string>& names = e.names();
    e.bind(names);
    std::vector<evojit::Value> values;
    std::vector<const evojit::Value*> pointers;
    values.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::size_t pick = skip ? data[i % kSelectors] + i : i;
      values.push_back(kPalette[pick % kPaletteSize]);
    }
    for (const evojit::Value& v : values) pointers.push_back(&v);
    try {
      (void)evojit::to_string(e.evaluate(values), true);
    } catch (const evojit::InputError&) {
    }
    (void)e.holds(std::span<const evojit::Value* const>(pointers));
  } catch (const evojit::InputError&) {
    // Expected: syntax errors, type errors, ZeroDivisionError, OverflowError.
  }
  return 0;
}
