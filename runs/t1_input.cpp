#include "runs/t1_input.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include "support/error.hpp"
#include "support/expression.hpp"

namespace evojit {
namespace {

using json = nlohmann::json;

struct ListError {
  std::string message;
  std::size_t column;  // 1-based
};

// The Python literal lists T1 files write as strings: [1, 2.5, 'a', True], tuples,
// and range(start, stop[, step]).
class PythonList {
 public:
  explicit PythonList(std::string_view text) : text_(text) {}

  std::vector<Value> parse() {
    skip_space();
    std::vector<Value> out;
    if (text_.substr(pos_, 5) == "range") {
      out = parse_range();
    } else {
      char open = peek();
      if (open != '[' && open != '(') fail("expected '[' to open the list");
      char close = open == '[' ? ']' : ')';
      ++pos_;
      skip_space();
      while (peek() != close) {
        out.push_back(parse_literal());
        skip_space();
        if (peek() == ',') {
          ++pos_;
          skip_space();
        } else if (peek() != close) {
          fail(std::string("expected ',' or '") + close + "'");
        }
      }
      ++pos_;
    }
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the list");
    return out;
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  [[noreturn]] void fail(std::string message) const {
    throw ListError{std::move(message), pos_ + 1};
  }

  std::vector<Value> parse_range() {
    pos_ += 5;
    skip_space();
    if (peek() != '(') fail("expected '(' after range");
    ++pos_;
    std::vector<std::int64_t> args;
    for (;;) {
      skip_space();
      Value v = parse_literal();
      if (!std::holds_alternative<std::int64_t>(v)) fail("range() takes integers");
      args.push_back(std::get<std::int64_t>(v));
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() == ')') {
        ++pos_;
        break;
      } else {
        fail("expected ',' or ')'");
      }
    }
    if (args.empty() || args.size() > 3) fail("range() takes 1 to 3 arguments");
    std::int64_t start = args.size() == 1 ? 0 : args[0];
    std::int64_t stop = args.size() == 1 ? args[0] : args[1];
    std::int64_t step = args.size() == 3 ? args[2] : 1;
    if (step == 0) fail("range() step must not be zero");
    std::vector<Value> out;
    for (std::int64_t v = start; step > 0 ? v < stop : v > stop;) {
      out.push_back(v);
      if (out.size() > 10'000'000) fail("range() is too long");
      if (__builtin_add_overflow(v, step, &v)) break;  // the next value is past any int64 stop
    }
    return out;
  }

  Value parse_literal() {
    char c = peek();
    if (c == '\'' || c == '"') return parse_string(c);
    if (std::isalpha(static_cast<unsigned char>(c))) {
      std::size_t start = pos_;
      while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') ++pos_;
      std::string_view word = text_.substr(start, pos_ - start);
      if (word == "True") return true;
      if (word == "False") return false;
      pos_ = start;
      fail("expected a number, a quoted string, True or False");
    }
    std::size_t start = pos_;
    if (c == '-' || c == '+') ++pos_;
    bool is_float = false;
    while (
        std::isdigit(static_cast<unsigned char>(peek())) || peek() == '.' || peek() == 'e' ||
        peek() == 'E' || peek() == '_' ||
        ((peek() == '-' || peek() == '+') && (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E'))) {
      if (peek() == '.' || peek() == 'e' || peek() == 'E') is_float = true;
      ++pos_;
    }
    std::string number;
    for (char d : text_.substr(start, pos_ - start)) {
      if (d != '_') number += d;
    }
    if (number.empty() || number == "-" || number == "+") {
      pos_ = start;
      fail("expected a value");
    }
    try {
      std::size_t used = 0;
      if (is_float) {
        double d = std::stod(number, &used);
        if (used == number.size()) return Value{d};
      } else {
        std::int64_t i = std::stoll(number, &used);
        if (used == number.size()) return Value{i};
      }
      throw std::invalid_argument(number);
    } catch (const std::exception&) {
      pos_ = start;
      fail("bad number '" + number + "'");
    }
  }

  Value parse_string(char quote) {
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return out;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string at(const std::string& where, const std::string& pointer) {
  return where + "#" + pointer;
}

std::optional<Value> json_to_value(const json& j) {
  if (j.is_boolean()) return Value{j.get<bool>()};
  // Above int64: read as the nearest double rather than wrapped to a negative integer.
  if (j.is_number_unsigned() && j.get<std::uint64_t>() > std::uint64_t{INT64_MAX}) {
    return Value{j.get<double>()};
  }
  if (j.is_number_integer()) return Value{j.get<std::int64_t>()};
  if (j.is_number_float()) return Value{j.get<double>()};
  if (j.is_string()) return Value{j.get<std::string>()};
  return std::nullopt;
}

// Coerces a value to the parameter's declared Type; nullopt when it cannot be.
std::optional<Value> coerce(const Value& v, const std::string& type) {
  if (type.empty()) return v;
  if (type == "int") {
    if (std::holds_alternative<std::int64_t>(v)) return v;
    // In [-2^63, 2^63): converting a double outside the int64 range is undefined.
    if (const auto* d = std::get_if<double>(&v);
        d && std::floor(*d) == *d && *d >= -9223372036854775808.0 && *d < 9223372036854775808.0) {
      return Value{static_cast<std::int64_t>(*d)};
    }
    return std::nullopt;
  }
  if (type == "float") {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return Value{static_cast<double>(*i)};
    if (std::holds_alternative<double>(v)) return v;
    return std::nullopt;
  }
  if (type == "bool") {
    if (std::holds_alternative<bool>(v)) return v;
    if (const auto* i = std::get_if<std::int64_t>(&v); i && (*i == 0 || *i == 1)) {
      return Value{*i == 1};
    }
    return std::nullopt;
  }
  // "string": numbers in a string list are kept as their text.
  if (std::holds_alternative<std::string>(v)) return v;
  return Value{to_string(v)};
}

Parameter parse_parameter(const json& p, const std::string& where, const std::string& pointer) {
  if (!p.is_object()) throw_input_error("expected an object", at(where, pointer));
  auto name_it = p.find("Name");
  if (name_it == p.end() || !name_it->is_string() || name_it->get<std::string>().empty()) {
    throw_input_error("expected a parameter name", at(where, pointer + "/Name"));
  }
  std::string name = name_it->get<std::string>();
  std::string type;
  if (auto t = p.find("Type"); t != p.end()) {
    if (!t->is_string()) throw_input_error("expected a string", at(where, pointer + "/Type"));
    type = t->get<std::string>();
    if (type != "int" && type != "float" && type != "string" && type != "bool") {
      throw_input_error("unknown Type \"" + type + "\" of parameter " + name,
                        at(where, pointer + "/Type"), "use int, float, string or bool");
    }
  }

  auto values_it = p.find("Values");
  if (values_it == p.end()) {
    throw_input_error("parameter " + name + " has no Values", at(where, pointer + "/Values"));
  }
  std::vector<Value> raw;
  if (values_it->is_string()) {
    try {
      raw = PythonList(values_it->get<std::string>()).parse();
    } catch (const ListError& e) {
      throw_input_error("bad Values of parameter " + name + " at column " +
                            std::to_string(e.column) + ": " + e.message,
                        at(where, pointer + "/Values"), "write a list such as \"[16, 32, 64]\"");
    }
  } else if (values_it->is_array()) {
    for (std::size_t i = 0; i < values_it->size(); ++i) {
      auto v = json_to_value((*values_it)[i]);
      if (!v) {
        throw_input_error("expected a number, string or boolean",
                          at(where, pointer + "/Values/" + std::to_string(i)));
      }
      raw.push_back(std::move(*v));
    }
  } else {
    throw_input_error("expected a list of values", at(where, pointer + "/Values"));
  }
  if (raw.empty()) {
    throw_input_error("parameter " + name + " has no values", at(where, pointer + "/Values"));
  }

  std::vector<Value> values;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto v = coerce(raw[i], type);
    if (!v) {
      throw_input_error(
          "value " + to_string(raw[i], true) + " of parameter " + name + " is not of Type " + type,
          at(where, pointer + "/Values"));
    }
    for (const Value& seen : values) {
      if (seen == *v) {
        throw_input_error(
            "value " + to_string(*v, true) + " of parameter " + name + " is listed twice",
            at(where, pointer + "/Values"));
      }
    }
    values.push_back(std::move(*v));
  }

  Parameter param;
  if (type == "string") {
    std::vector<std::string> choices;
    for (const Value& v : values) choices.push_back(std::get<std::string>(v));
    param = Parameter::categorical(name, std::move(choices));
  } else {
    param = Parameter::list(name, std::move(values));
  }

  if (auto d = p.find("Default"); d != p.end() && !d->is_null()) {
    // Some files write the default as a one-element list ("Default": [0]).
    const json& dv = (d->is_array() && d->size() == 1) ? (*d)[0] : *d;
    auto v = json_to_value(dv);
    std::optional<Value> coerced = v ? coerce(*v, type) : std::nullopt;
    std::size_t index = coerced ? param.index_of(*coerced) : Parameter::npos;
    if (index == Parameter::npos) {
      throw_input_error(
          "Default " + d->dump() + " of parameter " + name + " is not one of its Values",
          at(where, pointer + "/Default"));
    }
    param.default_index = index;
  }
  return param;
}

}  // namespace

T1Input parse_t1_input(const json& doc, const std::string& where) {
  if (!doc.is_object()) throw_input_error("expected a JSON object", at(where, ""));
  T1Input in;
  in.file = where;

  auto cs = doc.find("ConfigurationSpace");
  if (cs == doc.end() || !cs->is_object()) {
    throw_input_error("missing ConfigurationSpace", at(where, "/ConfigurationSpace"),
                      "is this a T1 tuning input?");
  }
  auto tps = cs->find("TuningParameters");
  if (tps == cs->end() || !tps->is_array() || tps->empty()) {
    throw_input_error("expected a non-empty list of parameters",
                      at(where, "/ConfigurationSpace/TuningParameters"));
  }
  std::vector<Parameter> params;
  std::set<std::string> names;
  for (std::size_t i = 0; i < tps->size(); ++i) {
    std::string pointer = "/ConfigurationSpace/TuningParameters/" + std::to_string(i);
    Parameter p = parse_parameter((*tps)[i], where, pointer);
    if (!names.insert(p.name).second) {
      throw_input_error("parameter " + p.name + " is defined twice", at(where, pointer + "/Name"));
    }
    params.push_back(std::move(p));
  }

  if (auto conds = cs->find("Conditions"); conds != cs->end() && !conds->is_null()) {
    if (!conds->is_array()) {
      throw_input_error("expected a list", at(where, "/ConfigurationSpace/Conditions"));
    }
    for (std::size_t i = 0; i < conds->size(); ++i) {
      std::string pointer = "/ConfigurationSpace/Conditions/" + std::to_string(i);
      const json& c = (*conds)[i];
      auto expr = c.is_object() ? c.find("Expression") : c.end();
      if (!c.is_object() || expr == c.end() || !expr->is_string()) {
        throw_input_error("expected an Expression", at(where, pointer + "/Expression"));
      }
      std::string text = expr->get<std::string>();
      if (auto named = c.find("Parameters"); named != c.end() && named->is_array()) {
        for (std::size_t j = 0; j < named->size(); ++j) {
          const json& n = (*named)[j];
          if (!n.is_string() || !names.count(n.get<std::string>())) {
            throw_input_error("unknown parameter " + n.dump() + " in a Condition",
                              at(where, pointer + "/Parameters/" + std::to_string(j)),
                              "name one of the TuningParameters");
          }
        }
      }
      try {
        Expression parsed = Expression::parse(text);
        for (const std::string& n : parsed.names()) {
          if (!names.count(n)) {
            throw_input_error("unknown parameter '" + n + "' in Condition \"" + text + "\"",
                              at(where, pointer + "/Expression"),
                              "name one of the TuningParameters");
          }
        }
      } catch (const ExpressionError& e) {
        throw_input_error("Condition \"" + text + "\" does not parse at column " +
                              std::to_string(e.column()) + ": " + e.what(),
                          at(where, pointer + "/Expression"));
      }
      in.conditions.push_back(std::move(text));
    }
  }
  in.space = ParameterSpace(std::move(params), in.conditions);

  std::string stem = std::filesystem::path(where).filename().string();
  if (auto dot = stem.find('.'); dot != std::string::npos) stem = stem.substr(0, dot);
  in.name = stem;
  if (auto general = doc.find("General"); general != doc.end() && general->is_object()) {
    if (auto bn = general->find("BenchmarkName"); bn != general->end() && !bn->is_null()) {
      if (!bn->is_string()) {
        throw_input_error(std::string("expected a string, got a ") + bn->type_name(),
                          at(where, "/General/BenchmarkName"));
      }
      in.name = bn->get<std::string>();
    }
  }

  if (auto ks = doc.find("KernelSpecification"); ks != doc.end() && ks->is_object()) {
    T1KernelSpec& k = in.kernel;
    k.json = *ks;
    auto text = [&](const char* key) {
      auto it = ks->find(key);
      return it != ks->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    k.language = text("Language");
    k.kernel_name = text("KernelName");
    k.kernel_file = text("KernelFile");
    if (auto opts = ks->find("CompilerOptions"); opts != ks->end() && opts->is_array()) {
      for (const json& o : *opts) {
        if (o.is_string()) k.compiler_options.push_back(o.get<std::string>());
      }
    }
    k.global_size = ks->value("GlobalSize", json());
    k.local_size = ks->value("LocalSize", json());
    k.arguments =
        ks->contains("Arguments") ? (*ks)["Arguments"] : ks->value("ArgumentList", json());
  }
  in.benchmark_config = doc.value("BenchmarkConfig", json());
  return in;
}

T1Input read_t1_input(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    throw_input_error("no such file", file.string(), "give the path of a T1 tuning input (.json)");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw_input_error("cannot open the file", file.string());
  std::ostringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e400
    throw_input_error(std::string("not a JSON document: ") + e.what(), file.string(),
                      "expected a T1 tuning input");
  }
  T1Input parsed = parse_t1_input(doc, file.string());
  parsed.file = file;
  return parsed;
}

std::optional<std::filesystem::path> find_t1_for_cache(const std::filesystem::path& cache_file) {
  std::string stem = cache_file.filename().string();
  for (const char* suffix : {".json.gz", ".gz", ".json"}) {
    std::string s(suffix);
    if (stem.size() > s.size() && stem.compare(stem.size() - s.size(), s.size(), s) == 0) {
      stem.resize(stem.size() - s.size());
      break;
    }
  }
  // Drop "_<device>" parts from the end: convolution_milo_A100 -> convolution_milo,
  // gemm_RTX_3090 -> gemm_RTX -> gemm (then gemm_milo.json).
  std::filesystem::path folder = cache_file.parent_path();
  for (std::size_t cut = stem.rfind('_'); cut != std::string::npos && cut > 0;
       cut = stem.rfind('_', cut - 1)) {
    std::string prefix = stem.substr(0, cut);
    for (const std::string& candidate : {prefix + ".json", prefix + "_milo.json"}) {
      std::filesystem::path p = folder / candidate;
      std::error_code ec;
      if (std::filesystem::is_regular_file(p, ec)) return p;
    }
    if (cut == 0) break;
  }
  return std::nullopt;
}

}  // namespace evojit
