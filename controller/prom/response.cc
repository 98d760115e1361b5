#include "controller/prom/response.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace slo::controller::prom {
namespace {

using nlohmann::json;

QueryResult Fail(std::string type, std::string message, int http_status) {
  QueryResult r;
  r.error_type = std::move(type);
  r.error = std::move(message);
  r.http_status = http_status;
  return r;
}

// [<unix seconds>, "<value>"] -> sample. Returns an error message or "".
std::string ParsePair(const json& pair, Sample* out) {
  if (!pair.is_array() || pair.size() != 2) return "sample is not a [time, value] pair";
  if (!pair[0].is_number()) return "sample timestamp is not a number";
  out->timestamp_s = pair[0].get<double>();
  if (!pair[1].is_string()) return "sample value is not a string";
  const auto& text = pair[1].get_ref<const std::string&>();
  if (!ParseSampleValue(text, &out->value)) return "sample value \"" + text + "\" is not a number";
  return "";
}

std::string Truncate(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  return std::string(s.substr(0, n)) + "...";
}

}  // namespace

bool ParseSampleValue(std::string_view text, double* value) {
  if (text == "NaN") {
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text == "+Inf" || text == "Inf") {
    *value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Inf") {
    *value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text.empty()) return false;
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (*begin == '+') ++begin;  // from_chars rejects a leading '+'
  double v = 0;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end) return false;
  *value = v;
  return true;
}

std::string_view ResultTypeName(ResultType t) {
  switch (t) {
    case ResultType::kNone:
      return "none";
    case ResultType::kVector:
      return "vector";
    case ResultType::kScalar:
      return "scalar";
    case ResultType::kMatrix:
      return "matrix";
    case ResultType::kString:
      return "string";
  }
  return "none";
}

QueryResult ParseQueryResponse(std::string_view body, int http_status) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  bool http_ok = http_status == 0 || (http_status >= 200 && http_status < 300);
  if (doc.is_discarded() || !doc.is_object()) {
    if (!http_ok) {
      return Fail("http", "HTTP " + std::to_string(http_status) + ": " + Truncate(body, 200),
                  http_status);
    }
    return Fail("parse", "response is not a JSON object: " + Truncate(body, 200), http_status);
  }
  QueryResult r;
  r.http_status = http_status;
  if (auto w = doc.find("warnings"); w != doc.end() && w->is_array()) {
    for (const auto& item : *w) {
      if (item.is_string()) r.warnings.push_back(item.get<std::string>());
    }
  }
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_string()) {
    return Fail("parse", "response has no \"status\"", http_status);
  }
  if (*status == "error") {
    auto et = doc.find("errorType");
    auto em = doc.find("error");
    r.error_type = et != doc.end() && et->is_string() ? et->get<std::string>() : "unknown";
    r.error = em != doc.end() && em->is_string() ? em->get<std::string>() : "unknown error";
    if (r.error.empty()) r.error = "unknown error";
    return r;
  }
  if (*status != "success") {
    return Fail("parse", "unexpected status " + status->dump(), http_status);
  }
  if (!http_ok) {
    return Fail("http", "HTTP " + std::to_string(http_status) + " with status success",
                http_status);
  }
  auto data = doc.find("data");
  if (data == doc.end() || !data->is_object()) {
    return Fail("parse", "response has no \"data\" object", http_status);
  }
  auto type = data->find("resultType");
  auto result = data->find("result");
  if (type == data->end() || !type->is_string() || result == data->end()) {
    return Fail("parse", "data lacks resultType or result", http_status);
  }
  const auto& type_name = type->get_ref<const std::string&>();
  if (type_name == "vector") {
    r.result_type = ResultType::kVector;
    if (!result->is_array()) return Fail("parse", "vector result is not an array", http_status);
    r.samples.reserve(result->size());
    for (const auto& item : *result) {
      Sample s;
      if (!item.is_object()) return Fail("parse", "vector element is not an object", http_status);
      if (auto m = item.find("metric"); m != item.end()) {
        if (!m->is_object()) return Fail("parse", "\"metric\" is not an object", http_status);
        for (const auto& [k, v] : m->items()) {
          if (!v.is_string()) return Fail("parse", "label " + k + " is not a string", http_status);
          s.labels.emplace(k, v.get<std::string>());
        }
      }
      auto value = item.find("value");
      if (value == item.end()) {
        // Native histograms carry "histogram" instead of "value": not supported here.
        return Fail("unsupported", "vector element without \"value\" (native histogram?)",
                    http_status);
      }
      if (auto e = ParsePair(*value, &s); !e.empty()) return Fail("parse", e, http_status);
      r.samples.push_back(std::move(s));
    }
    return r;
  }
  if (type_name == "scalar") {
    r.result_type = ResultType::kScalar;
    Sample s;
    if (auto e = ParsePair(*result, &s); !e.empty()) return Fail("parse", e, http_status);
    r.samples.push_back(std::move(s));
    return r;
  }
  if (type_name == "matrix" || type_name == "string") {
    QueryResult u = Fail("unsupported",
                         "result type " + type_name +
                             " is not supported (instant vector or "
                             "scalar expected)",
                         http_status);
    u.result_type = type_name == "matrix" ? ResultType::kMatrix : ResultType::kString;
    return u;
  }
  return Fail("parse", "unknown resultType " + type_name, http_status);
}

}  // namespace slo::controller::prom
