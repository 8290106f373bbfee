// One file for now (594 lines): the manifest reader, section by section. Its argument and
// data sections are the natural split (task_manifest_arguments.cpp) for the next change.
#include "kernels/task_manifest.hpp"

#include <cmath>
#include <set>

#include "support/error.hpp"
#include "support/json_pointer.hpp"
#include "support/value_json.hpp"

namespace evojit {
namespace {

using nlohmann::json;

// The document being read: every message names the file and the JSON pointer.
struct Reader {
  const std::string& where;
  const ManifestFileReader& read_file;

  [[noreturn]] void fail(const std::string& pointer, const std::string& what,
                         const std::string& hint = {}) const {
    throw_input_error(what, where + "#" + pointer, hint);
  }
  const json& member(const json& object, const std::string& pointer, const char* key) const {
    if (!object.contains(key)) {
      fail(pointer, std::string("the manifest needs \"") + key + "\"",
           "see README.md, \"Your own kernel\"");
    }
    return object.at(key);
  }
  std::string string(const json& j, const std::string& pointer) const {
    if (!j.is_string()) fail(pointer, "expected a string");
    return j.get<std::string>();
  }
  double number(const json& j, const std::string& pointer) const {
    if (!j.is_number()) fail(pointer, "expected a number");
    return j.get<double>();
  }
  // A source file: a path (read now) or {"text": ...} (the worker's inline form).
  std::string source(const json& j, const std::string& pointer) const {
    if (j.is_object() && j.contains("text") && j.at("text").is_string()) {
      return j.at("text").get<std::string>();
    }
    if (!j.is_string()) fail(pointer, "expected a file name");
    if (!read_file) fail(pointer, "a file name where its contents were expected inline");
    return read_file(j.get<std::string>(), pointer);
  }
};

const std::set<std::string> kTopKeys = {
    "name",   "summary",    "language",     "source",      "function",
    "flags",  "parameters", "restrictions", "seed",        "dims",
    "sizes",  "workload",   "arguments",    "correctness", "updates_in_place",
    "launch", "space"};

std::optional<ElementType> parse_type(const std::string& text) {
  static const std::map<std::string, ElementType> types = {
      {"float32", ElementType::float32}, {"float", ElementType::float32},
      {"float64", ElementType::float64}, {"double", ElementType::float64},
      {"int32", ElementType::int32},     {"int", ElementType::int32},
      {"int64", ElementType::int64},     {"uint8", ElementType::uint8}};
  auto it = types.find(text);
  if (it == types.end()) return std::nullopt;
  return it->second;
}

std::vector<std::int64_t> parse_dims_of_size(const Reader& r, const json& j,
                                             const std::string& pointer,
                                             const std::vector<std::string>& dims) {
  std::vector<std::int64_t> out;
  if (j.is_number_integer()) {
    out.push_back(j.get<std::int64_t>());
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (!j[i].is_number_integer())
        r.fail(pointer + "/" + std::to_string(i), "expected an integer");
      out.push_back(j[i].get<std::int64_t>());
    }
  } else if (j.is_object()) {
    for (const std::string& d : dims) {
      if (!j.contains(d) || !j.at(d).is_number_integer()) {
        r.fail(pointer + "/" + pointer_token(d), "the size needs an integer for dim '" + d + "'");
      }
      out.push_back(j.at(d).get<std::int64_t>());
    }
    if (j.size() != dims.size()) r.fail(pointer, "the size names a dim that \"dims\" does not");
  } else {
    r.fail(pointer, "a size is an array of dims (in \"dims\" order) or an object");
  }
  if (out.size() != dims.size()) {
    r.fail(pointer, "the size has " + std::to_string(out.size()) + " dims, \"dims\" names " +
                        std::to_string(dims.size()));
  }
  return out;
}

std::string size_label(const std::vector<std::string>& dims, const std::vector<std::int64_t>& v) {
  std::string label;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    label += (i ? "," : "") + dims[i] + "=" + std::to_string(v[i]);
  }
  return label;
}

// Evaluates `text` on one size; an error names the pointer and the size.
double evaluate_on(const Reader& r, const std::string& text, const std::string& pointer,
                   const std::vector<std::string>& dims, const ProblemSize& size) {
  try {
    Expression e = Expression::parse(text);
    e.bind(dims);
    std::vector<Value> values;
    for (std::int64_t d : size.dims) values.emplace_back(d);
    const Value v = e.evaluate(values);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
    r.fail(pointer, "'" + text + "' is not a number on size " + size.label);
  } catch (const InputError& e) {
    if (e.where().rfind(r.where, 0) == 0) throw;
    std::string known;
    for (const std::string& d : dims) known += (known.empty() ? "" : ", ") + d;
    r.fail(pointer, "'" + text + "' does not evaluate on size " + size.label + ": " + e.what(),
           "write an expression of the dims (" + known + ")");
  }
}

std::string base64_decode(const Reader& r, const std::string& text, const std::string& pointer) {
  auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const int v = sextet(c);
    if (v < 0) r.fail(pointer, "not base64");
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

ArgumentInit parse_init(const Reader& r, const json& j, const std::string& pointer,
                        std::size_t index) {
  ArgumentInit init;
  init.seed = 1 + index;
  if (j.is_string()) {
    const std::string kind = j.get<std::string>();
    if (kind == "zeros") {
      init.kind = ArgumentInit::Kind::zeros;
    } else if (kind == "iota") {
      init.kind = ArgumentInit::Kind::iota;
    } else if (kind == "random") {
      init.kind = ArgumentInit::Kind::random;
    } else {
      r.fail(pointer, "unknown init '" + kind + "'",
             "give \"zeros\", \"iota\", \"random\", {\"random\": [lo, hi], \"seed\": N} or "
             "{\"file\": \"data.npy\"}");
    }
    return init;
  }
  if (!j.is_object()) r.fail(pointer, "expected a string or an object");
  if (j.contains("random")) {
    const json& range = j.at("random");
    if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number()) {
      r.fail(pointer + "/random", "expected [lo, hi]");
    }
    init.lo = range[0].get<double>();
    init.hi = range[1].get<double>();
    if (!(init.lo <= init.hi)) r.fail(pointer + "/random", "lo must not exceed hi");
    if (j.contains("seed")) {
      if (!j.at("seed").is_number_unsigned()) r.fail(pointer + "/seed", "expected an integer >= 0");
      init.seed = j.at("seed").get<std::uint64_t>();
    }
    return init;
  }
  if (j.contains("base64")) {
    init.kind = ArgumentInit::Kind::data;
    init.bytes = base64_decode(r, r.string(j.at("base64"), pointer + "/base64"), pointer);
    return init;
  }
  if (j.contains("file")) {
    // Only the file reader (interop/task_manifest_file.hpp) turns a file into bytes.
    r.fail(pointer + "/file", "a data file must be read by the manifest loader");
  }
  r.fail(pointer, "unknown init", "give {\"random\": [lo, hi]} or {\"file\": \"data.npy\"}");
}

ManifestArgument parse_argument(const Reader& r, const json& j, const std::string& pointer,
                                std::size_t index) {
  if (!j.is_object()) r.fail(pointer, "an argument is an object");
  ManifestArgument a;
  a.name = r.string(r.member(j, pointer, "name"), pointer + "/name");
  std::string type = r.string(r.member(j, pointer, "type"), pointer + "/type");
  if (!type.empty() && type.back() == '*') type.pop_back();  // "float32*" reads as an array
  const auto parsed = parse_type(type);
  if (!parsed) {
    r.fail(pointer + "/type", "unknown type '" + type + "'",
           "give float32, float64, int32, int64 or uint8");
  }
  a.type = *parsed;
  const bool has_length = j.contains("length"), has_value = j.contains("value");
  if (has_length == has_value) {
    r.fail(pointer, "argument '" + a.name +
                        "' needs exactly one of \"length\" (an array) or "
                        "\"value\" (a scalar)");
  }
  a.array = has_length;
  const json& e = has_length ? j.at("length") : j.at("value");
  a.expression =
      e.is_number() ? e.dump() : r.string(e, pointer + (has_length ? "/length" : "/value"));
  if (j.contains("role")) {
    const std::string role = r.string(j.at("role"), pointer + "/role");
    if (role == "input") {
      a.role = ArgumentRole::input;
    } else if (role == "output") {
      a.role = ArgumentRole::output;
    } else if (role == "inout") {
      a.role = ArgumentRole::inout;
    } else {
      r.fail(pointer + "/role", "unknown role '" + role + "'", "give input, output or inout");
    }
  }
  if (!a.array && a.role != ArgumentRole::input) {
    r.fail(pointer + "/role", "a scalar is passed by value: it can only be an input");
  }
  if (a.role == ArgumentRole::output) a.init.kind = ArgumentInit::Kind::zeros;
  if (j.contains("init")) {
    if (!a.array) r.fail(pointer + "/init", "a scalar has a \"value\", not an \"init\"");
    a.init = parse_init(r, j.at("init"), pointer + "/init", index);
  } else {
    a.init.seed = 1 + index;
  }
  for (const auto& [key, value] : j.items()) {
    static const std::set<std::string> keys = {"name", "type", "length", "value", "role", "init"};
    if (!keys.count(key)) r.fail(pointer + "/" + pointer_token(key), "unknown key '" + key + "'");
  }
  return a;
}

}  // namespace

TaskManifest parse_task_manifest(const json& doc, const std::string& where,
                                 const ManifestFileReader& read_file) {
  const Reader r{where, read_file};
  if (!doc.is_object()) r.fail("", "a manifest is a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (!kTopKeys.count(key)) {
      r.fail("/" + pointer_token(key), "unknown key '" + key + "'",
             "see README.md, \"Your own kernel\", for the manifest's keys");
    }
  }
  TaskManifest m;
  m.where = where;
  m.name = r.string(r.member(doc, "", "name"), "/name");
  if (m.name.empty()) r.fail("/name", "the task needs a name");
  m.summary = doc.contains("summary") ? r.string(doc.at("summary"), "/summary")
                                      : "user kernel from " + where;
  if (doc.contains("language")) {
    m.language = r.string(doc.at("language"), "/language");
    if (m.language != "cpp" && m.language != "cuda") {
      r.fail("/language", "unknown language '" + m.language + "'", "give cpp or cuda");
    }
  }
  const json& source = r.member(doc, "", "source");
  m.source_file =
      source.is_string() ? source.get<std::string>() : source.value("file", std::string("kernel"));
  m.source = r.source(source, "/source");
  m.function = r.string(r.member(doc, "", "function"), "/function");
  if (doc.contains("flags")) {
    const json& flags = doc.at("flags");
    if (!flags.is_array()) r.fail("/flags", "expected an array of compiler flags");
    for (std::size_t i = 0; i < flags.size(); ++i) {
      m.compiler_flags.push_back(r.string(flags[i], "/flags/" + std::to_string(i)));
    }
  }

  // The space: {"NAME": [values...]}, as Kernel Tuner's tune_params.
  if (doc.contains("space")) {
    r.fail("/space", "a T1 space must be resolved by the manifest loader");
  }
  const json& params = r.member(doc, "", "parameters");
  if (!params.is_object()) r.fail("/parameters", "expected {\"NAME\": [values...]}");
  for (const auto& [name, values] : params.items()) {
    const std::string pointer = "/parameters/" + pointer_token(name);
    if (!values.is_array() || values.empty())
      r.fail(pointer, "expected a non-empty array of values");
    std::vector<Value> list;
    for (std::size_t i = 0; i < values.size(); ++i) {
      auto v = json_to_value(values[i]);
      if (!v) r.fail(pointer + "/" + std::to_string(i), "expected a number, boolean or string");
      list.push_back(*v);
    }
    try {
      m.parameters.push_back(Parameter::list(name, std::move(list)));
    } catch (const InputError& e) {
      r.fail(pointer, e.what(), e.hint());
    }
  }
  if (doc.contains("restrictions")) {
    const json& list = doc.at("restrictions");
    if (!list.is_array()) r.fail("/restrictions", "expected an array of expressions");
    for (std::size_t i = 0; i < list.size(); ++i) {
      m.restrictions.push_back(r.string(list[i], "/restrictions/" + std::to_string(i)));
    }
  }
  try {
    ParameterSpace space(m.parameters, m.restrictions);
    (void)space;
  } catch (const InputError& e) {
    r.fail("/restrictions", e.what(), e.hint());
  }
  if (doc.contains("seed")) {
    const json& seed = doc.at("seed");
    if (!seed.is_object()) r.fail("/seed", "expected {\"NAME\": value}");
    for (const auto& [name, value] : seed.items()) {
      auto v = json_to_value(value);
      if (!v) r.fail("/seed/" + pointer_token(name), "expected a number, boolean or string");
      m.seed[name] = *v;
    }
  }

  // Dims and sizes.
  const json& dims = r.member(doc, "", "dims");
  if (!dims.is_array() || dims.empty() || dims.size() > static_cast<std::size_t>(kMaxKernelDims)) {
    r.fail("/dims", "expected an array of 1 to " + std::to_string(kMaxKernelDims) + " dim names",
           "e.g. \"dims\": [\"n\"]");
  }
  for (std::size_t i = 0; i < dims.size(); ++i) {
    m.dims.push_back(r.string(dims[i], "/dims/" + std::to_string(i)));
  }
  const json& sizes = r.member(doc, "", "sizes");
  if (!sizes.is_object()) r.fail("/sizes", "expected {\"training\": [...], \"held_out\": [...]}");
  auto read_sizes = [&](const char* key, std::vector<ProblemSize>& out, bool required) {
    const std::string pointer = std::string("/sizes/") + key;
    if (!sizes.contains(key)) {
      if (required) r.fail(pointer, std::string("the manifest needs sizes.") + key);
      return;
    }
    const json& list = sizes.at(key);
    if (!list.is_array() || (required && list.empty())) r.fail(pointer, "expected a list of sizes");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = pointer + "/" + std::to_string(i);
      std::vector<std::int64_t> v = parse_dims_of_size(r, list[i], p, m.dims);
      for (std::int64_t d : v) {
        if (d < 0) r.fail(p, "a dim must not be negative");
      }
      out.push_back(ProblemSize{size_label(m.dims, v), std::move(v)});
    }
  };
  read_sizes("training", m.training_sizes, true);
  read_sizes("held_out", m.held_out_sizes, false);

  // Workload and arguments: every expression must evaluate on every size.
  std::vector<ProblemSize> all = m.training_sizes;
  all.insert(all.end(), m.held_out_sizes.begin(), m.held_out_sizes.end());
  auto check_expression = [&](const std::string& text, const std::string& pointer, bool count) {
    for (const ProblemSize& s : all) {
      const double v = evaluate_on(r, text, pointer, m.dims, s);
      if (count && (!(v >= 0) || v != std::floor(v) || v > 1e12)) {
        r.fail(pointer, "'" + text + "' gives " + std::to_string(v) + " on size " + s.label,
               "a length is a whole number of elements, 0 to 10^12");
      }
    }
  };
  const json& workload = r.member(doc, "", "workload");
  if (!workload.is_object()) r.fail("/workload", "expected {\"flops\": expr, \"bytes\": expr}");
  auto workload_expression = [&](const char* key, std::string& out, bool required) {
    if (!workload.contains(key)) {
      if (required)
        r.fail(std::string("/workload/") + key, std::string("the workload needs ") + key);
      return;
    }
    const json& e = workload.at(key);
    out = e.is_number() ? e.dump() : r.string(e, std::string("/workload/") + key);
    check_expression(out, std::string("/workload/") + key, false);
  };
  workload_expression("flops", m.flops, true);
  workload_expression("bytes", m.bytes, true);
  workload_expression("footprint", m.footprint, false);

  const json& args = r.member(doc, "", "arguments");
  if (!args.is_array() || args.empty()) r.fail("/arguments", "expected a list of arguments");
  std::set<std::string> names;
  bool any_output = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string pointer = "/arguments/" + std::to_string(i);
    ManifestArgument a = parse_argument(r, args[i], pointer, i);
    if (!names.insert(a.name).second) r.fail(pointer + "/name", "argument '" + a.name + "' twice");
    check_expression(a.expression, pointer + (a.array ? "/length" : "/value"), a.array);
    if (a.init.kind == ArgumentInit::Kind::data) {
      for (const ProblemSize& s : all) {
        const double n = evaluate_on(r, a.expression, pointer + "/length", m.dims, s);
        if (a.init.bytes.size() != static_cast<std::size_t>(n) * element_size(a.type)) {
          r.fail(pointer + "/init",
                 "the data holds " + std::to_string(a.init.bytes.size() / element_size(a.type)) +
                     " elements, size " + s.label + " needs " +
                     std::to_string(static_cast<std::int64_t>(n)),
                 "give a file of exactly the length's elements, or use one size");
        }
      }
    }
    any_output = any_output || a.role != ArgumentRole::input;
    m.arguments.push_back(std::move(a));
  }
  if (!any_output) {
    r.fail("/arguments", "no argument is an output, so nothing can be checked",
           "give the result's argument \"role\": \"output\" (or \"inout\")");
  }

  if (doc.contains("correctness")) {
    const json& c = doc.at("correctness");
    if (!c.is_object()) r.fail("/correctness", "expected an object");
    if (c.contains("atol")) m.atol = r.number(c.at("atol"), "/correctness/atol");
    if (c.contains("rtol")) m.rtol = r.number(c.at("rtol"), "/correctness/rtol");
    if (!(m.atol >= 0) || !(m.rtol >= 0)) r.fail("/correctness", "tolerances must be >= 0");
    if (c.contains("reference")) {
      const json& ref = c.at("reference");
      if (ref.is_string() && ref.get<std::string>() == "seed") {
        // The seed configuration's outputs are the reference.
      } else if (ref.is_object()) {
        m.reference_function = r.string(r.member(ref, "/correctness/reference", "function"),
                                        "/correctness/reference/function");
        const json& src = r.member(ref, "/correctness/reference", "source");
        m.reference_file =
            src.is_string() ? src.get<std::string>() : src.value("file", "reference");
        m.reference_source = r.source(src, "/correctness/reference/source");
      } else {
        r.fail("/correctness/reference",
               "expected \"seed\" or {\"source\": file, \"function\": name}");
      }
    }
  }
  if (doc.contains("updates_in_place")) {
    if (!doc.at("updates_in_place").is_boolean())
      r.fail("/updates_in_place", "expected true/false");
    m.updates_in_place = doc.at("updates_in_place").get<bool>();
  }
  if (doc.contains("launch")) {
    if (m.language != "cuda") r.fail("/launch", "launch geometry is for \"language\": \"cuda\"");
    m.launch = doc.at("launch");
    if (!m.launch.is_object()) r.fail("/launch", "expected {\"block\": [..], \"grid_div\": [..]}");
  } else if (m.language == "cuda") {
    r.fail("/launch", "a CUDA kernel needs its launch geometry",
           "e.g. \"launch\": {\"block\": [\"BLOCK\", 1, 1], \"problem\": [\"n\", 1, 1]}");
  }
  return m;
}

json to_json(const TaskManifest& m) {
  json params = json::object();
  for (const Parameter& p : m.parameters) {
    json values = json::array();
    for (const Value& v : p.values) {
      std::visit([&](const auto& x) { values.push_back(x); }, v);
    }
    params[p.name] = values;
  }
  json seed = json::object();
  for (const auto& [name, v] : m.seed) std::visit([&](const auto& x) { seed[name] = x; }, v);
  auto sizes = [](const std::vector<ProblemSize>& list) {
    json out = json::array();
    for (const ProblemSize& s : list) out.push_back(s.dims);
    return out;
  };
  json args = json::array();
  for (const ManifestArgument& a : m.arguments) {
    json j = {{"name", a.name},
              {"type", element_type_name(a.type)},
              {a.array ? "length" : "value", a.expression}};
    if (a.array) {
      j["role"] = a.role == ArgumentRole::input    ? "input"
                  : a.role == ArgumentRole::output ? "output"
                                                   : "inout";
      switch (a.init.kind) {
        case ArgumentInit::Kind::zeros:
          j["init"] = "zeros";
          break;
        case ArgumentInit::Kind::iota:
          j["init"] = "iota";
          break;
        case ArgumentInit::Kind::random:
          j["init"] = {{"random", {a.init.lo, a.init.hi}}, {"seed", a.init.seed}};
          break;
        case ArgumentInit::Kind::data:
          j["init"] = {{"base64", base64_encode(a.init.bytes)}};
          break;
      }
    }
    args.push_back(std::move(j));
  }
  json doc = {
      {"name", m.name},
      {"summary", m.summary},
      {"language", m.language},
      {"source", {{"text", m.source}, {"file", m.source_file}}},
      {"function", m.function},
      {"flags", m.compiler_flags},
      {"parameters", params},
      {"restrictions", m.restrictions},
      {"seed", seed},
      {"dims", m.dims},
      {"sizes", {{"training", sizes(m.training_sizes)}, {"held_out", sizes(m.held_out_sizes)}}},
      {"workload", {{"flops", m.flops}, {"bytes", m.bytes}}},
      {"arguments", args},
      {"correctness", {{"atol", m.atol}, {"rtol", m.rtol}}},
      {"updates_in_place", m.updates_in_place}};
  if (!m.footprint.empty()) doc["workload"]["footprint"] = m.footprint;
  if (!m.reference_function.empty()) {
    doc["correctness"]["reference"] = {
        {"function", m.reference_function},
        {"source", {{"text", m.reference_source}, {"file", m.reference_file}}}};
  }
  if (!m.launch.is_null()) doc["launch"] = m.launch;
  return doc;
}

const char* element_type_name(ElementType type) {
  switch (type) {
    case ElementType::float32:
      return "float32";
    case ElementType::float64:
      return "float64";
    case ElementType::int32:
      return "int32";
    case ElementType::int64:
      return "int64";
    case ElementType::uint8:
      return "uint8";
  }
  return "float32";
}

// The compilers' predefined macros name the exact types <cstdint> aliases, so a kernel
// written with int64_t (long on LP64) and one without any header agree.
const char* element_c_type(ElementType type) {
  switch (type) {
    case ElementType::float32:
      return "float";
    case ElementType::float64:
      return "double";
    case ElementType::int32:
      return "__INT32_TYPE__";
    case ElementType::int64:
      return "__INT64_TYPE__";
    case ElementType::uint8:
      return "__UINT8_TYPE__";
  }
  return "float";
}

std::size_t element_size(ElementType type) {
  switch (type) {
    case ElementType::float32:
    case ElementType::int32:
      return 4;
    case ElementType::float64:
    case ElementType::int64:
      return 8;
    case ElementType::uint8:
      return 1;
  }
  return 4;
}

std::string base64_encode(const std::string& bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += table[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += table[(buffer << (6 - bits)) & 0x3f];
  while (out.size() % 4) out += '=';
  return out;
}

}  // namespace evojit
