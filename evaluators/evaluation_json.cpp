#include "evaluators/evaluation_json.hpp"

#include <cmath>
#include <limits>

#include "support/error.hpp"
#include "support/hash.hpp"

namespace evojit {
namespace {

// nlohmann::json writes inf and NaN as null. An error metric that was not finite
// (a kernel that left NaN in its output) must read back as infinitely wrong, not
// throw and end the run.
double error_metric(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0.0;
  if (it->is_null()) return std::numeric_limits<double>::infinity();
  const double v = it->get<double>();
  return std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
}

}  // namespace

const char* to_string(EvalStatus s) {
  switch (s) {
    case EvalStatus::ok:
      return "ok";
    case EvalStatus::compile_error:
      return "compile_error";
    case EvalStatus::wrong_result:
      return "wrong_result";
    case EvalStatus::crash:
      return "crash";
    case EvalStatus::timeout:
      return "timeout";
    case EvalStatus::out_of_memory:
      return "out_of_memory";
    case EvalStatus::worker_lost:
      return "worker_lost";
  }
  return "unknown";
}

EvalStatus eval_status_from_string(const std::string& s) {
  for (EvalStatus v :
       {EvalStatus::ok, EvalStatus::compile_error, EvalStatus::wrong_result, EvalStatus::crash,
        EvalStatus::timeout, EvalStatus::out_of_memory, EvalStatus::worker_lost}) {
    if (s == to_string(v)) return v;
  }
  throw_input_error("unknown evaluation status '" + s + "'");
}

nlohmann::json to_json(const Timing& t) {
  return {
      {"median_s", t.median_s}, {"cv", t.cv}, {"repetitions", t.repetitions}, {"min_s", t.min_s}};
}

Timing timing_from_json(const nlohmann::json& j) {
  Timing t;
  t.median_s = j.value("median_s", 0.0);
  t.cv = j.value("cv", 0.0);
  t.repetitions = j.value("repetitions", 0);
  t.min_s = j.value("min_s", 0.0);
  return t;
}

nlohmann::json to_json(const SizeResult& r) {
  nlohmann::json j = {{"label", r.label},
                      {"dims", r.dims},
                      {"ok", r.ok},
                      {"timing", to_json(r.timing)},
                      {"max_error", r.max_error},
                      {"tolerance", r.tolerance},
                      {"roofline_s", r.roofline_s},
                      {"fraction", r.fraction}};
  if (!r.message.empty()) j["message"] = r.message;
  if (!r.suspect.empty()) j["suspect"] = r.suspect;
  return j;
}

SizeResult size_result_from_json(const nlohmann::json& j) {
  SizeResult r;
  r.label = j.value("label", "");
  r.dims = j.value("dims", std::vector<std::int64_t>{});
  r.ok = j.value("ok", false);
  if (j.contains("timing")) r.timing = timing_from_json(j.at("timing"));
  r.max_error = error_metric(j, "max_error");
  r.tolerance = j.value("tolerance", 0.0);
  r.message = j.value("message", "");
  r.roofline_s = j.value("roofline_s", 0.0);
  r.fraction = j.value("fraction", 0.0);
  r.suspect = j.value("suspect", "");
  return r;
}

nlohmann::json to_json(const CompileStats& s) {
  return {{"frontend_s", s.frontend_s},
          {"optimize_s", s.optimize_s},
          {"codegen_s", s.codegen_s},
          {"link_s", s.link_s},
          {"total_s", s.total_s},
          {"cache_hit", s.cache_hit},
          {"code_hash", hash_hex(s.code_hash)}};
}

CompileStats compile_stats_from_json(const nlohmann::json& j) {
  CompileStats s;
  s.frontend_s = j.value("frontend_s", 0.0);
  s.optimize_s = j.value("optimize_s", 0.0);
  s.codegen_s = j.value("codegen_s", 0.0);
  s.link_s = j.value("link_s", 0.0);
  s.total_s = j.value("total_s", 0.0);
  s.cache_hit = j.value("cache_hit", false);
  s.code_hash = std::stoull(j.value("code_hash", std::string("0")), nullptr, 16);
  return s;
}

nlohmann::json to_json(const SourceDiagnostic& d) {
  return {{"line", d.line}, {"column", d.column}, {"severity", d.severity}, {"message", d.message}};
}

SourceDiagnostic source_diagnostic_from_json(const nlohmann::json& j) {
  return {j.value("line", 0), j.value("column", 0), j.value("severity", ""),
          j.value("message", "")};
}

nlohmann::json to_json(const KernelResources& r) {
  return {{"registers", r.registers},
          {"shared_bytes", r.shared_bytes},
          {"local_bytes", r.local_bytes},
          {"max_threads_per_block", r.max_threads_per_block},
          {"binary", r.binary}};
}

KernelResources kernel_resources_from_json(const nlohmann::json& j) {
  KernelResources r;
  r.present = true;
  r.registers = j.value("registers", 0);
  r.shared_bytes = j.value("shared_bytes", 0);
  r.local_bytes = j.value("local_bytes", 0);
  r.max_threads_per_block = j.value("max_threads_per_block", 0);
  r.binary = j.value("binary", "");
  return r;
}

nlohmann::json to_json(const Evaluation& e) {
  nlohmann::json j = {{"status", to_string(e.status)},
                      {"fitness", e.fitness},
                      {"compile", to_json(e.compile)},
                      {"wall_s", e.wall_s}};
  if (!e.diagnostic.empty()) j["diagnostic"] = e.diagnostic;
  if (e.signal) j["signal"] = e.signal;
  j["sizes"] = nlohmann::json::array();
  for (const SizeResult& r : e.sizes) j["sizes"].push_back(to_json(r));
  if (e.resources.present) {
    j["resources"] = to_json(e.resources);
  }
  if (!e.source_diagnostics.empty()) {
    j["source_diagnostics"] = nlohmann::json::array();
    for (const SourceDiagnostic& d : e.source_diagnostics) {
      j["source_diagnostics"].push_back(to_json(d));
    }
  }
  // Only when set: journals of runs without caches stay byte-identical.
  if (!e.cache_hit.empty()) j["cache_hit"] = e.cache_hit;
  if (e.saved_s != 0.0) j["saved_s"] = e.saved_s;
  return j;
}

Evaluation evaluation_from_json(const nlohmann::json& j) {
  Evaluation e;
  e.status = eval_status_from_string(j.value("status", "worker_lost"));
  e.fitness = j.value("fitness", 0.0);
  if (j.contains("compile")) e.compile = compile_stats_from_json(j.at("compile"));
  e.wall_s = j.value("wall_s", 0.0);
  e.diagnostic = j.value("diagnostic", "");
  e.signal = j.value("signal", 0);
  for (const auto& r : j.value("sizes", nlohmann::json::array())) {
    e.sizes.push_back(size_result_from_json(r));
  }
  for (const auto& d : j.value("source_diagnostics", nlohmann::json::array())) {
    e.source_diagnostics.push_back(source_diagnostic_from_json(d));
  }
  if (j.contains("resources")) e.resources = kernel_resources_from_json(j.at("resources"));
  e.cache_hit = j.value("cache_hit", "");
  e.saved_s = j.value("saved_s", 0.0);
  return e;
}

namespace {

// The members in nlohmann::json's order (sorted by name), as to_json's dump() has them.
void append_json(JsonText& out, const Timing& t) {
  out.begin_object()
      .member("cv", t.cv)
      .member("median_s", t.median_s)
      .member("min_s", t.min_s)
      .member("repetitions", t.repetitions)
      .end_object();
}

void append_json(JsonText& out, const SizeResult& r) {
  out.begin_object().key("dims").begin_array();
  for (const std::int64_t d : r.dims) out.value(d);
  out.end_array().member("fraction", r.fraction).member("label", r.label);
  out.member("max_error", r.max_error);
  if (!r.message.empty()) out.member("message", r.message);
  out.member("ok", r.ok).member("roofline_s", r.roofline_s);
  if (!r.suspect.empty()) out.member("suspect", r.suspect);
  out.key("timing");
  append_json(out, r.timing);
  out.member("tolerance", r.tolerance).end_object();
}

}  // namespace

void append_json(JsonText& out, const Evaluation& e) {
  const CompileStats& c = e.compile;
  out.begin_object().key("compile").begin_object();
  out.member("cache_hit", c.cache_hit)
      .member("code_hash", hash_hex(c.code_hash))
      .member("codegen_s", c.codegen_s)
      .member("frontend_s", c.frontend_s)
      .member("link_s", c.link_s)
      .member("optimize_s", c.optimize_s)
      .member("total_s", c.total_s)
      .end_object();
  if (!e.diagnostic.empty()) out.member("diagnostic", e.diagnostic);
  out.member("fitness", e.fitness);
  if (e.resources.present) {
    const KernelResources& r = e.resources;
    out.key("resources")
        .begin_object()
        .member("binary", r.binary)
        .member("local_bytes", r.local_bytes)
        .member("max_threads_per_block", r.max_threads_per_block)
        .member("registers", r.registers)
        .member("shared_bytes", r.shared_bytes)
        .end_object();
  }
  if (e.signal) out.member("signal", e.signal);
  out.key("sizes").begin_array();
  for (const SizeResult& r : e.sizes) append_json(out, r);
  out.end_array();
  if (!e.source_diagnostics.empty()) {
    out.key("source_diagnostics").begin_array();
    for (const SourceDiagnostic& d : e.source_diagnostics) {
      out.begin_object()
          .member("column", d.column)
          .member("line", d.line)
          .member("message", d.message)
          .member("severity", d.severity)
          .end_object();
    }
    out.end_array();
  }
  out.member("status", to_string(e.status)).member("wall_s", e.wall_s).end_object();
}

nlohmann::json to_json(const MeasureOptions& o) {
  return {{"warmup", o.warmup},
          {"min_repetitions", o.min_repetitions},
          {"max_repetitions", o.max_repetitions},
          {"target_relative_error", o.target_relative_error},
          {"max_seconds", o.max_seconds}};
}

MeasureOptions measure_options_from_json(const nlohmann::json& j) {
  MeasureOptions o;
  o.warmup = j.value("warmup", o.warmup);
  o.min_repetitions = j.value("min_repetitions", o.min_repetitions);
  o.max_repetitions = j.value("max_repetitions", o.max_repetitions);
  o.target_relative_error = j.value("target_relative_error", o.target_relative_error);
  o.max_seconds = j.value("max_seconds", o.max_seconds);
  return o;
}

}  // namespace evojit
