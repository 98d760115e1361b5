// controller/prom/response.h: the pure parser for Prometheus HTTP API query responses
// (GET/POST /api/v1/query). No I/O: the HTTP client hands the body here, and tests feed it saved
// responses from tests/testdata/prom/.
//
// The envelope is {"status": "success"|"error", "data": {"resultType": ..., "result": ...},
// "errorType": ..., "error": ..., "warnings": [...]}. Vector results are
// [{"metric": {labels}, "value": [<unix seconds>, "<value as string>"]}]; a scalar result is
// [<unix seconds>, "<value>"]. Sample values are strings so that "NaN", "+Inf" and "-Inf" survive
// JSON; they parse to the IEEE values (callers treat non-finite as missing). Matrix and string
// results are reported as unsupported: the controller only sends instant queries.
//
// Example:
//   QueryResult r = ParseQueryResponse(body, /*http_status=*/200);
//   if (!r.ok()) LOG(r.error);
//   for (const Sample& s : r.samples) Use(s.labels, s.value, s.timestamp_s);
//
// Units: timestamps in Unix seconds (fractional). Thread-safety: pure function over values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace slo::controller::prom {

// One sample of an instant vector (labels = the series' labels) or the scalar (no labels).
struct Sample {
  std::map<std::string, std::string> labels;
  double timestamp_s = 0;  // for instant queries: the evaluation time
  double value = 0;        // may be NaN or +/-Inf
};

enum class ResultType { kNone, kVector, kScalar, kMatrix, kString };

// The outcome of one query. error is empty on success; error_type is Prometheus' errorType
// ("bad_data", "execution", "timeout", ...) or one of ours: "http" (no usable response),
// "parse" (not the API's JSON), "unsupported" (matrix/string result).
struct QueryResult {
  std::string error_type;
  std::string error;
  ResultType result_type = ResultType::kNone;
  std::vector<Sample> samples;        // vector: one per series; scalar: exactly one
  std::vector<std::string> warnings;  // Prometheus' "warnings" (e.g. partial data)
  int http_status = 0;                // 0 when the parser was called without HTTP

  bool ok() const { return error.empty(); }
};

// Parses a response body. http_status is the HTTP status (0 = unknown); a non-2xx status with a
// JSON error envelope yields Prometheus' error, without one an "http" error naming the status.
QueryResult ParseQueryResponse(std::string_view body, int http_status = 0);

// "NaN", "+Inf", "-Inf", "Inf" and decimal numbers; false for anything else.
bool ParseSampleValue(std::string_view text, double* value);

std::string_view ResultTypeName(ResultType t);

}  // namespace slo::controller::prom
