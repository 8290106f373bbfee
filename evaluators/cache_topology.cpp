#include "evaluators/cache_topology.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "support/error.hpp"

namespace evojit {
namespace {

std::string read_word(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string word;
  in >> word;
  return word;
}

}  // namespace

double parse_cache_size(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return 0.0;
  double bytes = std::stod(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit == "K" || unit == "KiB") return bytes * 1024.0;
  if (unit == "M" || unit == "MiB") return bytes * 1024.0 * 1024.0;
  if (unit == "G" || unit == "GiB") return bytes * 1024.0 * 1024.0 * 1024.0;
  return unit.empty() ? bytes : 0.0;
}

int count_cpu_list(const std::string& text) {
  int count = 0;
  std::stringstream ranges(text);
  std::string range;
  while (std::getline(ranges, range, ',')) {
    int lo = 0;
    int hi = 0;
    char dash = 0;
    std::stringstream r(range);
    if (!(r >> lo)) return 0;
    if (r >> dash) {
      if (dash != '-' || !(r >> hi) || hi < lo) return 0;
    } else {
      hi = lo;
    }
    count += hi - lo + 1;
  }
  return count;
}

std::vector<CacheLevel> read_cache_topology(const std::filesystem::path& cpu_dir) {
  std::vector<CacheLevel> caches;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(cpu_dir, ec)) {
    const std::string leaf = entry.path().filename().string();
    if (leaf.rfind("index", 0) != 0) continue;
    CacheLevel c;
    c.type = read_word(entry.path() / "type");
    if (c.type != "Data" && c.type != "Unified") continue;
    try {
      c.level = std::stoi(read_word(entry.path() / "level"));
      c.line_bytes = std::stoi(read_word(entry.path() / "coherency_line_size"));
    } catch (const std::exception&) {
      continue;  // an entry the kernel left half-filled is not a level we can use
    }
    c.size_bytes = parse_cache_size(read_word(entry.path() / "size"));
    c.shared_by_cpus = std::max(1, count_cpu_list(read_word(entry.path() / "shared_cpu_list")));
    if (c.level <= 0 || c.size_bytes <= 0.0) continue;
    c.name = "L" + std::to_string(c.level);
    caches.push_back(c);
  }
  std::sort(caches.begin(), caches.end(),
            [](const CacheLevel& a, const CacheLevel& b) { return a.level < b.level; });
  // One entry per level: a split L1 already lost its instruction half above.
  caches.erase(
      std::unique(caches.begin(), caches.end(),
                  [](const CacheLevel& a, const CacheLevel& b) { return a.level == b.level; }),
      caches.end());
  return caches;
}

nlohmann::json to_json(const std::vector<CacheLevel>& caches) {
  nlohmann::json out = nlohmann::json::array();
  for (const CacheLevel& c : caches) {
    out.push_back({{"name", c.name},
                   {"level", c.level},
                   {"type", c.type},
                   {"size_bytes", c.size_bytes},
                   {"line_bytes", c.line_bytes},
                   {"shared_by_cpus", c.shared_by_cpus}});
  }
  return out;
}

std::vector<CacheLevel> cache_topology_from_json(const nlohmann::json& j,
                                                 const std::string& where) {
  if (!j.is_array()) {
    throw_input_error("expected a list of caches", where,
                      "each entry: {\"name\": \"L2\", \"level\": 2, \"size_bytes\": 1048576, ...}");
  }
  std::vector<CacheLevel> caches;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string at = where + "/" + std::to_string(i);
    try {
      CacheLevel c;
      c.level = j[i].at("level").get<int>();
      c.name = j[i].value("name", "L" + std::to_string(c.level));
      c.type = j[i].value("type", "Unified");
      c.size_bytes = j[i].at("size_bytes").get<double>();
      c.line_bytes = j[i].value("line_bytes", 64);
      c.shared_by_cpus = j[i].value("shared_by_cpus", 1);
      if (c.level <= 0 || !(c.size_bytes > 0.0)) {
        throw_input_error("a cache needs a positive level and size_bytes", at);
      }
      caches.push_back(c);
    } catch (const nlohmann::json::exception& e) {
      throw_input_error(std::string("not a cache description: ") + e.what(), at,
                        "give at least \"level\" and \"size_bytes\"");
    }
  }
  return caches;
}

}  // namespace evojit
