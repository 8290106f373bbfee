#include "genomes/parameter_space.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

#include "genomes/space_points.hpp"
#include "genomes/space_search.hpp"
#include "support/hash.hpp"

namespace evojit {

ParameterSpace::ParameterSpace(std::vector<Parameter> parameters,
                               std::vector<std::string> constraints)
    : parameters_(std::move(parameters)), constraint_texts_(std::move(constraints)) {
  std::vector<std::string> names;
  for (const auto& p : parameters_) {
    if (p.values.empty())
      throw_input_error("parameter has no values", "parameter '" + p.name + "'");
    if (std::find(names.begin(), names.end(), p.name) != names.end())
      throw_input_error("duplicate parameter name '" + p.name + "'", "parameter space");
    names.push_back(p.name);
  }
  if (constraint_texts_.size() > kMaxConstraints) {
    throw_input_error("too many constraints (" + std::to_string(constraint_texts_.size()) +
                          ", at most " + std::to_string(kMaxConstraints) + ")",
                      "parameter space", "combine them with 'and'");
  }
  for (const auto& text : constraint_texts_) {
    Expression e = Expression::parse(text);
    e.bind(names);
    std::vector<std::size_t> reads;
    for (const auto& n : e.names())
      reads.push_back(
          static_cast<std::size_t>(std::find(names.begin(), names.end(), n) - names.begin()));
    std::sort(reads.begin(), reads.end());
    constraint_params_.push_back(std::move(reads));
    constraints_.push_back(std::move(e));
  }
  space_detail::Plan plan = space_detail::make_plan(
      *this, space_detail::good_order(*this, std::vector<bool>(size(), true)));
  order_ = std::move(plan.free);
  checks_at_ = std::move(plan.checks);
  initial_checks_ = std::move(plan.initial);
  by_name_.resize(size());
  std::iota(by_name_.begin(), by_name_.end(), 0);
  std::sort(by_name_.begin(), by_name_.end(), [&](std::size_t a, std::size_t b) {
    return parameters_[a].name < parameters_[b].name;
  });
}

std::optional<std::size_t> ParameterSpace::find(const std::string& name) const {
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    if (parameters_[i].name == name) return i;
  return std::nullopt;
}

std::uint64_t ParameterSpace::cartesian_size() const {
  std::uint64_t n = 1;
  for (const auto& p : parameters_)
    if (__builtin_mul_overflow(n, static_cast<std::uint64_t>(p.values.size()), &n))
      return UINT64_MAX;
  return n;
}

ParameterSpace ParameterSpace::with_fixed(const std::string& name, const Value& value) const {
  auto i = find(name);
  if (!i) throw_input_error("unknown parameter '" + name + "'", "--set " + name);
  std::vector<Parameter> params = parameters_;
  Parameter& p = params[*i];
  std::size_t at = p.index_of(value);
  if (at == Parameter::npos && std::holds_alternative<std::string>(value))
    at = p.index_of(parse_value(std::get<std::string>(value)));
  if (at == Parameter::npos) {
    std::string allowed;
    for (const auto& v : p.values) allowed += (allowed.empty() ? "" : ", ") + to_string(v, true);
    throw_input_error(
        "value " + to_string(value, true) + " is not one of the values of '" + name + "'",
        "--set " + name, "allowed: " + allowed);
  }
  p.values = {p.values[at]};
  p.default_index = 0;
  ParameterSpace out(std::move(params), constraint_texts_);
  if (!listed_) return out;
  std::vector<Config> kept;  // the listed points with that value, re-indexed
  for (const Config& c : listed_->points) {
    if (c.index[*i] != at) continue;
    kept.push_back(c);
    kept.back().index[*i] = 0;
  }
  return out.with_points(kept);
}

ParameterSpace ParameterSpace::with_constraints(const std::vector<std::string>& extra) const {
  std::vector<std::string> all = constraint_texts_;
  all.insert(all.end(), extra.begin(), extra.end());
  ParameterSpace out(parameters_, std::move(all));
  return listed_ ? out.with_points(listed_->points) : out;
}

bool ParameterSpace::is_valid(const Config& c) const {
  const std::size_t n = parameters_.size();
  if (c.index.size() != n) return false;
  constexpr std::size_t kInline = 64;
  const Value* inline_ptrs[kInline];
  std::vector<const Value*> heap_ptrs;
  const Value** ptrs = inline_ptrs;
  if (n > kInline) {
    heap_ptrs.resize(n);
    ptrs = heap_ptrs.data();
  }
  for (std::size_t p = 0; p < n; ++p) {
    if (c.index[p] >= parameters_[p].values.size()) return false;
    ptrs[p] = &parameters_[p].values[c.index[p]];
  }
  const std::span<const Value* const> view(ptrs, n);
  for (std::size_t k = 0; k < constraints_.size(); ++k)
    if (!space_detail::check(*this, k, view)) return false;
  return is_listed(c);
}

const Value& ParameterSpace::value(const Config& c, std::size_t i) const {
  return parameters_.at(i).values.at(c.index.at(i));
}

std::vector<Value> ParameterSpace::values(const Config& c) const {
  std::vector<Value> out;
  out.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(value(c, i));
  return out;
}

std::map<std::string, Value> ParameterSpace::bindings(const Config& c) const {
  std::map<std::string, Value> out;
  for (std::size_t i = 0; i < size(); ++i) out.emplace(parameters_[i].name, value(c, i));
  return out;
}

Config ParameterSpace::default_config() const {
  Config c;
  for (const auto& p : parameters_)
    c.index.push_back(
        static_cast<std::uint32_t>(p.default_index < p.values.size() ? p.default_index : 0));
  return c;
}

Config ParameterSpace::from_bindings(const std::map<std::string, Value>& named) const {
  Config c = default_config();
  for (const auto& [name, v] : named) {
    auto i = find(name);
    if (!i) throw_input_error("unknown parameter '" + name + "'", "configuration");
    const Parameter& p = parameters_[*i];
    std::size_t at = p.index_of(v);
    if (at == Parameter::npos && std::holds_alternative<std::string>(v))
      at = p.index_of(parse_value(std::get<std::string>(v)));
    if (at == Parameter::npos)
      throw_input_error(
          "value " + to_string(v, true) + " is not one of the values of '" + name + "'",
          "configuration");
    c.index[*i] = static_cast<std::uint32_t>(at);
  }
  return c;
}

std::string ParameterSpace::canonical(const Config& c) const {
  // Made several times per evaluation (it is what structural_hash hashes): integers,
  // the usual values, are written in place rather than through a string of their own.
  std::string out;
  out.reserve(16 * by_name_.size());
  for (std::size_t i : by_name_) {
    if (!out.empty()) out += ',';
    out += parameters_[i].name;
    out += '=';
    const Value& v = value(c, i);
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      char digits[24];
      out.append(digits, std::to_chars(digits, digits + sizeof digits, *n).ptr);
    } else {
      out += to_string(v, true);
    }
  }
  return out;
}

std::uint64_t ParameterSpace::structural_hash(const Config& c) const {
  return hash_text(canonical(c));
}

Config ParameterSpace::parse_canonical(const std::string& text) const {
  Config c = default_config();
  std::vector<bool> seen(size(), false);
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos)
      throw_input_error("expected name=value, got '" + item + "'", "canonical configuration");
    const std::string name = item.substr(0, eq), value_text = item.substr(eq + 1);
    auto i = find(name);
    if (!i) throw_input_error("unknown parameter '" + name + "'", "canonical configuration");
    if (seen[*i])
      throw_input_error("parameter '" + name + "' given twice", "canonical configuration");
    seen[*i] = true;
    const Parameter& p = parameters_[*i];
    std::size_t at = Parameter::npos;
    for (std::size_t k = 0; k < p.values.size() && at == Parameter::npos; ++k)
      if (to_string(p.values[k], true) == value_text) at = k;
    if (at == Parameter::npos) at = p.index_of(parse_value(value_text));
    if (at == Parameter::npos)
      throw_input_error("value '" + value_text + "' is not one of the values of '" + name + "'",
                        "canonical configuration");
    c.index[*i] = static_cast<std::uint32_t>(at);
    start = end + 1;
    if (end == text.size()) break;
  }
  return c;
}

}  // namespace evojit
