#include "backends/cuda/nvrtc_compiler.hpp"

#include <nvrtc.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <regex>
#include <sstream>

namespace evojit::cuda {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string trim_left(const std::string& s) {
  const auto at = s.find_first_not_of(" \t");
  return at == std::string::npos ? std::string() : s.substr(at);
}

// The arch to compile for: the device's own, or the newest known one below it.
int supported_arch(int wanted, bool* exact) {
  int count = 0;
  *exact = false;
  if (nvrtcGetNumSupportedArchs(&count) != NVRTC_SUCCESS || count <= 0) return wanted;
  std::vector<int> archs(count);
  nvrtcGetSupportedArchs(archs.data());
  int best = 0;
  for (int a : archs) {
    if (a == wanted) *exact = true;
    if (a <= wanted) best = std::max(best, a);
  }
  return *exact ? wanted : (best ? best : archs.front());
}

}  // namespace

std::vector<SourceDiagnostic> parse_nvrtc_log(const std::string& log, const std::string& source) {
  static const std::regex head(
      R"(^(.*)\((\d+)\): (error|warning|remark|note|catastrophic error)( #[0-9A-Za-z-]+)?: (.*)$)");
  const std::vector<std::string> lines = split_lines(log);
  // Logical line -> text, following #line directives (a rendered source starts its
  // template at "#line 1"); a later region wins, as the template follows the prelude.
  std::map<int, std::string> source_lines;
  {
    static const std::regex line_directive(R"(^\s*#\s*line\s+(\d+).*$)");
    int logical = 1;
    for (const std::string& text : split_lines(source)) {
      std::smatch m;
      if (std::regex_match(text, m, line_directive)) {
        logical = std::stoi(m[1].str());
        continue;
      }
      source_lines[logical++] = text;
    }
  }
  std::vector<SourceDiagnostic> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_match(lines[i], m, head)) continue;
    SourceDiagnostic d;
    d.line = std::stoi(m[2].str());
    d.severity = m[3].str() == "catastrophic error" ? "error" : m[3].str();
    d.message = m[5].str();
    // NVRTC echoes the offending line, then a line holding a caret under the column.
    if (i + 2 < lines.size()) {
      const std::string& echo = lines[i + 1];
      const std::string& caret_line = lines[i + 2];
      const auto caret = caret_line.find('^');
      if (caret != std::string::npos && trim_left(caret_line) == "^") {
        int column = static_cast<int>(caret) + 1;
        // Map the echo's indentation onto the real source line, when we have it.
        if (const auto it = source_lines.find(d.line); it != source_lines.end()) {
          const std::string& real = it->second;
          const std::string body = trim_left(real);
          const auto in_echo = body.empty() ? std::string::npos : echo.find(body);
          if (in_echo != std::string::npos && caret >= in_echo) {
            column = static_cast<int>(caret - in_echo + (real.size() - body.size())) + 1;
          }
        }
        d.column = column;
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string nvrtc_version() {
  int major = 0, minor = 0;
  nvrtcVersion(&major, &minor);
  return std::to_string(major) + "." + std::to_string(minor);
}

NvrtcResult nvrtc_compile(const NvrtcRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  NvrtcResult result;
  const int wanted = request.cc_major * 10 + request.cc_minor;
  bool exact = false;
  const int arch = supported_arch(wanted, &exact);
  const bool cubin = exact && !request.force_ptx;
  result.arch = (cubin ? "sm_" : "compute_") + std::to_string(arch);
  result.image_kind = cubin ? "cubin" : "ptx";

  nvrtcProgram program = nullptr;
  if (nvrtcCreateProgram(&program, request.source.c_str(), request.program_name.c_str(), 0, nullptr,
                         nullptr) != NVRTC_SUCCESS) {
    result.log = "nvrtcCreateProgram failed";
    return result;
  }
  if (!request.kernel_name.empty()) nvrtcAddNameExpression(program, request.kernel_name.c_str());

  std::vector<std::string> options = {"--gpu-architecture=" + result.arch, "-default-device",
                                      "-lineinfo"};
  const bool has_std = std::any_of(
      request.options.begin(), request.options.end(),
      [](const std::string& o) { return o.rfind("-std", 0) == 0 || o.rfind("--std", 0) == 0; });
  if (!has_std) options.push_back("-std=c++17");
  options.insert(options.end(), request.options.begin(), request.options.end());
  std::vector<const char*> argv;
  for (const std::string& o : options) argv.push_back(o.c_str());

  const nvrtcResult compiled =
      nvrtcCompileProgram(program, static_cast<int>(argv.size()), argv.data());
  std::size_t log_size = 0;
  nvrtcGetProgramLogSize(program, &log_size);
  if (log_size > 1) {
    result.log.resize(log_size);
    nvrtcGetProgramLog(program, result.log.data());
    result.log.resize(log_size - 1);
  }
  result.diagnostics = parse_nvrtc_log(result.log, request.source);
  if (compiled == NVRTC_SUCCESS) {
    std::size_t size = 0;
    if (cubin) {
      nvrtcGetCUBINSize(program, &size);
      result.image.resize(size);
      nvrtcGetCUBIN(program, result.image.data());
    } else {
      nvrtcGetPTXSize(program, &size);
      result.image.resize(size);
      nvrtcGetPTX(program, result.image.data());
    }
    if (!request.kernel_name.empty()) {
      const char* lowered = nullptr;
      if (nvrtcGetLoweredName(program, request.kernel_name.c_str(), &lowered) == NVRTC_SUCCESS &&
          lowered) {
        result.lowered_name = lowered;
      } else {
        result.lowered_name = request.kernel_name;
      }
    }
    result.ok = true;
  } else if (result.log.empty()) {
    result.log = nvrtcGetErrorString(compiled);
  }
  nvrtcDestroyProgram(&program);
  result.compile_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace evojit::cuda
