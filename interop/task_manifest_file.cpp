#include "interop/task_manifest_file.hpp"

#include <cctype>

#include "interop/t1_input.hpp"
#include "interop/t1_values.hpp"
#include "kernels/manifest_task.hpp"
#include "support/error.hpp"
#include "support/files.hpp"
#include "support/value_json.hpp"

namespace evojit {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string at(const fs::path& file, const std::string& pointer) {
  return file.string() + "#" + pointer;
}

std::string read_named(const fs::path& manifest, const std::string& name,
                       const std::string& pointer, std::uint64_t cap, std::string_view kind) {
  const fs::path path =
      fs::path(name).is_absolute() ? fs::path(name) : manifest.parent_path() / name;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw_input_error("file '" + path.string() + "' not found", at(manifest, pointer),
                      "give a path relative to the manifest's folder");
  }
  return read_bounded_file(path, cap, kind);
}

// The payload of a NumPy .npy file whose dtype is `type`'s.
std::string npy_payload(const std::string& bytes, ElementType type, const std::string& where) {
  static const char magic[] = "\x93NUMPY";
  if (bytes.size() < 10 || bytes.compare(0, 6, magic, 6) != 0) {
    throw_input_error("not a .npy file", where, "write it with numpy.save");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  const std::size_t header_len =
      major == 1
          ? static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8)
      : bytes.size() >= 12
          ? static_cast<std::size_t>(static_cast<unsigned char>(bytes[8])) |
                (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8) |
                (static_cast<std::size_t>(static_cast<unsigned char>(bytes[10])) << 16)
          : 0;
  const std::size_t start = (major == 1 ? 10 : 12) + header_len;
  if (start > bytes.size()) throw_input_error("truncated .npy header", where);
  const std::string header = bytes.substr(major == 1 ? 10 : 12, header_len);
  static const std::map<ElementType, std::string> descr = {{ElementType::float32, "<f4"},
                                                           {ElementType::float64, "<f8"},
                                                           {ElementType::int32, "<i4"},
                                                           {ElementType::int64, "<i8"},
                                                           {ElementType::uint8, "|u1"}};
  if (header.find("'" + descr.at(type) + "'") == std::string::npos) {
    throw_input_error("the .npy file's dtype is not " + std::string(element_type_name(type)), where,
                      "save it as numpy dtype " + descr.at(type) + ", or change \"type\"");
  }
  if (header.find("'fortran_order': True") != std::string::npos) {
    throw_input_error("the .npy file is in Fortran order", where, "save a C-ordered array");
  }
  return bytes.substr(start);
}

std::optional<ElementType> type_of(const json& arg) {
  if (!arg.is_object() || !arg.contains("type") || !arg.at("type").is_string()) return std::nullopt;
  std::string t = arg.at("type").get<std::string>();
  if (!t.empty() && t.back() == '*') t.pop_back();
  for (ElementType e : {ElementType::float32, ElementType::float64, ElementType::int32,
                        ElementType::int64, ElementType::uint8}) {
    if (t == element_type_name(e)) return e;
  }
  if (t == "float") return ElementType::float32;
  if (t == "double") return ElementType::float64;
  if (t == "int") return ElementType::int32;
  return std::nullopt;
}

// What only the file can give, turned into the manifest's inline form.
void resolve_files(json& doc, const fs::path& file) {
  if (doc.contains("space")) {
    if (!doc.at("space").is_string()) {
      throw_input_error("expected the name of a T1 file", at(file, "/space"));
    }
    if (doc.contains("parameters")) {
      throw_input_error("give the parameters either in \"parameters\" or from a T1 \"space\"",
                        at(file, "/space"), "leave one of them out");
    }
    const std::string name = doc.at("space").get<std::string>();
    const fs::path t1_path =
        fs::path(name).is_absolute() ? fs::path(name) : file.parent_path() / name;
    const T1Input t1 = read_t1_input(t1_path);
    json params = json::object();
    for (const Parameter& p : t1.space.parameters()) {
      json values = json::array();
      for (const Value& v : p.values) std::visit([&](const auto& x) { values.push_back(x); }, v);
      params[p.name] = values;
    }
    json restrictions = t1.conditions;
    if (doc.contains("restrictions") && doc.at("restrictions").is_array()) {
      for (const json& r : doc.at("restrictions")) restrictions.push_back(r);
    }
    doc["parameters"] = params;
    doc["restrictions"] = restrictions;
    doc.erase("space");
  }
  if (doc.contains("parameters") && doc.at("parameters").is_object()) {
    for (auto& [name, values] : doc["parameters"].items()) {
      if (!values.is_string()) continue;
      try {
        json list = json::array();
        for (const Value& v : t1::parse_python_list(values.get<std::string>())) {
          std::visit([&](const auto& x) { list.push_back(x); }, v);
        }
        values = list;
      } catch (const t1::ListError& e) {
        throw_input_error("column " + std::to_string(e.column) + ": " + e.message,
                          at(file, "/parameters/" + name),
                          "give a JSON array or a Python list such as \"list(range(1, 9))\"");
      }
    }
  }
  if (doc.contains("arguments") && doc.at("arguments").is_array()) {
    json& args = doc["arguments"];
    for (std::size_t i = 0; i < args.size(); ++i) {
      json& a = args[i];
      if (!a.is_object() || !a.contains("init") || !a.at("init").is_object() ||
          !a.at("init").contains("file")) {
        continue;
      }
      const std::string pointer = "/arguments/" + std::to_string(i) + "/init/file";
      const json& name = a.at("init").at("file");
      if (!name.is_string()) throw_input_error("expected a file name", at(file, pointer));
      const auto type = type_of(a);
      if (!type) continue;  // the parser reports the type
      std::string bytes =
          read_named(file, name.get<std::string>(), pointer, kCacheFileCap, "argument data");
      if (name.get<std::string>().ends_with(".npy")) {
        bytes = npy_payload(bytes, *type, at(file, pointer));
      }
      a["init"] = {{"base64", base64_encode(bytes)}};
    }
  }
}

bool names_identifier(const std::string& source, const std::string& name) {
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t at = source.find(name); at != std::string::npos;
       at = source.find(name, at + 1)) {
    const bool starts = at == 0 || !ident(source[at - 1]);
    const bool ends = at + name.size() >= source.size() || !ident(source[at + name.size()]);
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

TaskManifest read_task_manifest(const fs::path& file) {
  const std::string text = read_bounded_file(file, kConfigFileCap, "task manifest");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw_input_error(std::string("not JSON: ") + e.what(), file.string(),
                      "a task manifest is a JSON object (see README.md, \"Your own kernel\")");
  }
  if (!doc.is_object()) throw_input_error("a task manifest is a JSON object", file.string());
  resolve_files(doc, file);
  auto reader = [&](const std::string& name, const std::string& pointer) {
    return read_named(file, name, pointer, kSourceFileCap, "kernel source");
  };
  TaskManifest m = parse_task_manifest(doc, file.string(), reader);
  if (!names_identifier(m.source, m.function)) {
    throw_input_error("entry function '" + m.function + "' not found in " + m.source_file,
                      at(file, "/function"),
                      "name the kernel's function as its source declares it");
  }
  if (!m.reference_function.empty() &&
      !names_identifier(m.reference_source, m.reference_function)) {
    throw_input_error(
        "reference function '" + m.reference_function + "' not found in " + m.reference_file,
        at(file, "/correctness/reference/function"),
        "name the reference's function as its source declares it");
  }
  return m;
}

std::unique_ptr<Task> load_manifest_task(const fs::path& file) {
  return make_manifest_task(read_task_manifest(file));
}

}  // namespace evojit
