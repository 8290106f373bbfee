#include "interop/t1_input.hpp"

#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_set>

#include "interop/t1_values.hpp"
#include "support/error.hpp"
#include "support/expression/expression.hpp"
#include "support/files.hpp"
#include "support/value_json.hpp"

namespace evojit {
namespace {

using json = nlohmann::json;
using t1::coerce;
using t1::ListError;

std::string at(const std::string& where, const std::string& pointer) {
  return where + "#" + pointer;
}

// A string value is pasted into the kernel source as "#define NAME value": a newline
// or a backslash (line continuation) would end or extend the define and inject
// source, a comment opener would swallow the rest of the line, and control
// characters have no place there. Such a value is refused rather than quoted.
void check_define_safe(const std::string& value, const std::string& name,
                       const std::string& where) {
  auto refuse = [&](const std::string& what) {
    throw_input_error("string value " + to_string(Value{value}, true) + " of parameter " + name +
                          " contains " + what + ": pasted into the kernel source as #define " +
                          name + " it would change the source",
                      where, "use values made of letters, digits, spaces and operators");
  };
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r') refuse("a line break");
    if (c == '\\') refuse("a backslash (a line continuation)");
    if (u < 0x20 || u == 0x7f) refuse("a control character");
  }
  if (value.find("//") != std::string::npos || value.find("/*") != std::string::npos) {
    refuse("a comment opener");
  }
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
      raw = t1::parse_python_list(values_it->get<std::string>());
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
  values.reserve(raw.size());
  std::unordered_set<std::string> seen;  // to_string(v, true): one text per distinct value
  seen.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto v = coerce(raw[i], type);
    if (!v) {
      throw_input_error(
          "value " + to_string(raw[i], true) + " of parameter " + name + " is not of Type " + type,
          at(where, pointer + "/Values"));
    }
    if (const auto* text = std::get_if<std::string>(&*v)) {
      check_define_safe(*text, name, at(where, pointer + "/Values"));
    }
    if (!seen.insert(to_string(*v, true)).second) {
      throw_input_error(
          "value " + to_string(*v, true) + " of parameter " + name + " is listed twice",
          at(where, pointer + "/Values"));
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
  const std::string text = read_bounded_file(file, kT1FileCap, "T1 tuning input");
  json doc;
  try {
    doc = json::parse(text);
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
