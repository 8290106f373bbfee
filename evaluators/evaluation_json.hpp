// Evaluation records as JSON: the wire format between driver and workers, and the
// shape of a journal line's "evaluation" field. The measurement options travel in
// the same format (a run request's "measure", run.json's "/config/measure").
#pragma once

#include <nlohmann/json.hpp>

#include "evaluators/evaluation.hpp"
#include "evaluators/measurement.hpp"
#include "support/json_text.hpp"

namespace evojit {

nlohmann::json to_json(const Timing& t);
nlohmann::json to_json(const SizeResult& r);
nlohmann::json to_json(const CompileStats& s);
nlohmann::json to_json(const SourceDiagnostic& d);
nlohmann::json to_json(const KernelResources& r);
nlohmann::json to_json(const Evaluation& e);
// to_json(e).dump(), without the document (the journal writes one per evaluation).
void append_json(JsonText& out, const Evaluation& e);

Timing timing_from_json(const nlohmann::json& j);
SizeResult size_result_from_json(const nlohmann::json& j);
CompileStats compile_stats_from_json(const nlohmann::json& j);
SourceDiagnostic source_diagnostic_from_json(const nlohmann::json& j);
// The figures are present (`present` is true) whenever there is an object to read.
KernelResources kernel_resources_from_json(const nlohmann::json& j);
Evaluation evaluation_from_json(const nlohmann::json& j);

nlohmann::json to_json(const MeasureOptions& o);
// A field that is missing keeps its default.
MeasureOptions measure_options_from_json(const nlohmann::json& j);

}  // namespace evojit
