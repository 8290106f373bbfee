#include "support/expression/expression.hpp"

#include <algorithm>

#include "support/expression/expression_ast.hpp"
#include "support/printable.hpp"

namespace evojit {
namespace {

// "message at column N" followed by the expression and a caret under the column.
// A long expression is shown as a window of about 100 characters around the column,
// control characters escaped (the caret still points at the column).
std::string describe(const std::string& message, const std::string& text, std::size_t column) {
  constexpr std::size_t kBefore = 50;
  constexpr std::size_t kWindow = 100;
  const std::size_t at = column > 0 ? std::min(column - 1, text.size()) : 0;
  const std::size_t from = at > kBefore ? at - kBefore : 0;
  const std::string head = from > 0 ? "..." : "";
  const std::string before = printable(std::string_view(text).substr(from, at - from), kWindow);
  std::string shown = head + before;
  const std::size_t caret_at = shown.size();
  const std::string_view after = std::string_view(text).substr(at);
  shown += printable(after.substr(0, std::min(after.size(), kWindow - kBefore)), kWindow);
  if (after.size() > kWindow - kBefore) shown += "...";
  return message + " (column " + std::to_string(column) + ")\n    " + shown + "\n    " +
         std::string(caret_at, ' ') + "^";
}

}  // namespace

ExpressionError::ExpressionError(std::string message, std::string text, std::size_t column)
    : InputError(describe(message, text, column), "expression"), column_(column) {}

struct Expression::Impl {
  expr::Program program;
  std::vector<std::uint32_t> name_slot;
  bool bound = false;
};

Expression::Expression(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Expression::Expression(const Expression& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Expression& Expression::operator=(const Expression& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

Expression Expression::parse(std::string_view text) {
  auto impl = std::make_unique<Impl>();
  impl->program = expr::parse_program(text);
  impl->name_slot.assign(impl->program.names.size(), 0);
  impl->bound = impl->program.names.empty();
  return Expression(std::move(impl));
}

const std::string& Expression::text() const { return impl_->program.text; }
const std::vector<std::string>& Expression::names() const { return impl_->program.names; }

void Expression::bind(std::span<const std::string> slots) {
  const auto& names = impl_->program.names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto it = std::find(slots.begin(), slots.end(), names[i]);
    if (it == slots.end()) {
      std::string known;
      for (const auto& s : slots) known += (known.empty() ? "" : ", ") + s;
      throw InputError("unknown name '" + names[i] + "'", "constraint '" + text() + "'",
                       known.empty() ? "no names are defined" : "known names: " + known);
    }
    impl_->name_slot[i] = static_cast<std::uint32_t>(it - slots.begin());
  }
  impl_->bound = true;
}

namespace {
template <class Span>
void check_bound(bool bound, const std::string& text, Span slots,
                 const std::vector<std::uint32_t>& name_slot) {
  if (!bound) throw InputError("expression evaluated before bind()", "constraint '" + text + "'");
  for (std::uint32_t s : name_slot)
    if (s >= slots.size())
      throw InputError("too few slot values for the bound names", "constraint '" + text + "'");
}
}  // namespace

Value Expression::evaluate(std::span<const Value> slot_values) const {
  check_bound(impl_->bound, text(), slot_values, impl_->name_slot);
  return expr::evaluate(impl_->program, impl_->name_slot, slot_values);
}
bool Expression::holds(std::span<const Value> slot_values) const {
  check_bound(impl_->bound, text(), slot_values, impl_->name_slot);
  return expr::holds(impl_->program, impl_->name_slot, slot_values);
}
Value Expression::evaluate(std::span<const Value* const> slot_values) const {
  check_bound(impl_->bound, text(), slot_values, impl_->name_slot);
  return expr::evaluate(impl_->program, impl_->name_slot, slot_values);
}
bool Expression::holds(std::span<const Value* const> slot_values) const {
  check_bound(impl_->bound, text(), slot_values, impl_->name_slot);
  return expr::holds(impl_->program, impl_->name_slot, slot_values);
}

}  // namespace evojit
