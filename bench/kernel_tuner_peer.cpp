#include "bench/kernel_tuner_peer.hpp"

#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace evojit::bench {
namespace {

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command, returns (exit status, stdout).
std::pair<int, std::string> capture(const std::string& command) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::string out;
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {status, out};
}

PeerRun parse_run(const nlohmann::json& j) {
  PeerRun r;
  r.strategy = j.at("strategy").get<std::string>();
  r.repeat = j.at("repeat").get<std::size_t>();
  for (const nlohmann::json& t : j.at("curve")) {
    r.curve.push_back(t.is_null() ? std::numeric_limits<double>::infinity() : t.get<double>());
  }
  return r;
}

}  // namespace

std::optional<std::string> kernel_tuner_version(const std::string& python) {
  const auto [status, out] = capture(shell_quoted(python) +
                                     " -c 'import kernel_tuner, importlib.metadata as m; "
                                     "print(m.version(\"kernel_tuner\"))' 2>/dev/null");
  if (status != 0 || out.empty()) return std::nullopt;
  return out.substr(0, out.find('\n'));
}

std::vector<PeerRun> run_kernel_tuner(const std::string& python,
                                      const std::filesystem::path& driver,
                                      const std::filesystem::path& cache, std::size_t budget,
                                      std::size_t repeats,
                                      const std::vector<std::string>& strategies) {
  std::string list;
  for (const std::string& s : strategies) list += (list.empty() ? "" : ",") + s;
  const std::string command = shell_quoted(python) + " " + shell_quoted(driver.string()) + " " +
                              shell_quoted(cache.string()) + " " + std::to_string(budget) + " " +
                              std::to_string(repeats) + " " + shell_quoted(list) + " 2>&1";
  const auto [status, out] = capture(command);
  std::vector<PeerRun> runs;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.front() != '{') continue;  // warnings and the like
    runs.push_back(parse_run(nlohmann::json::parse(line)));
  }
  if (status != 0 || runs.size() != repeats * strategies.size()) {
    throw std::runtime_error("kernel_tuner driver failed on " + cache.string() + ":\n" +
                             out.substr(out.size() > 2000 ? out.size() - 2000 : 0));
  }
  return runs;
}

std::map<std::string, std::vector<PeerRun>> read_kernel_tuner_runs(
    const std::filesystem::path& file, const std::map<std::string, std::size_t>& budgets) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::map<std::string, std::vector<PeerRun>> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{') continue;
    const nlohmann::json j = nlohmann::json::parse(line);
    const std::string space = j.at("space").get<std::string>();
    auto it = budgets.find(space);
    if (it == budgets.end()) continue;  // a space this bench run does not score
    if (j.at("budget").get<std::size_t>() != it->second) {
      throw std::runtime_error(file.string() + ": " + space + " was run with budget " +
                               std::to_string(j.at("budget").get<std::size_t>()) +
                               ", the bench's is " + std::to_string(it->second));
    }
    out[space].push_back(parse_run(j));
  }
  return out;
}

}  // namespace evojit::bench
