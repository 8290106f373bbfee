// Printed user values: control characters escaped, long values clipped, and every
// InputError message goes through it.
#include "support/printable.hpp"

#include <string>

#include <gtest/gtest.h>

#include "support/error.hpp"
#include "support/expression/expression.hpp"

namespace evojit {
namespace {

TEST(Printable, ControlCharactersAreEscaped) {
  EXPECT_EQ(printable("a\x1b[2Jb\r\n\t\x7f"), "a\\x1b[2Jb\\r\\n\\t\\x7f");
  EXPECT_EQ(printable("plain text"), "plain text");
}

TEST(Printable, LongValuesAreClippedWithWhatWasLeftOut) {
  const std::string shown = printable(std::string(10'000, 'v'), 100);
  EXPECT_LT(shown.size(), 140u);
  EXPECT_NE(shown.find("(9900 more bytes)"), std::string::npos) << shown;
}

TEST(Printable, InputErrorMessagesAreEscapedAndBounded) {
  const InputError e("unknown task '\x1b]0;pwned\x07" + std::string(100'000, 'x') + "'",
                     "--task\r");
  const std::string message = e.what();
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_EQ(message.find('\r'), std::string::npos);
  EXPECT_NE(message.find("\\x1b]0;pwned\\x07"), std::string::npos);
  EXPECT_LT(message.size(), 5000u);
}

TEST(Printable, AnExpressionErrorShowsAWindowAroundTheColumn) {
  const std::string text = std::string(5000, '1') + " +* 2";
  try {
    Expression::parse(text);
    FAIL() << "parsed";
  } catch (const ExpressionError& e) {
    const std::string message = e.what();
    EXPECT_LT(message.size(), 400u) << message;
    EXPECT_NE(message.find("^"), std::string::npos);
  }
}

}  // namespace
}  // namespace evojit
