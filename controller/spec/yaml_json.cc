// YAML -> JSON with kubectl's scalar resolution. See yaml_json.h.
#include "controller/spec/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

namespace slo::controller {
namespace {

using nlohmann::json;

bool OneOf(const std::string& s, std::initializer_list<std::string_view> words) {
  for (auto w : words) {
    if (s == w) return true;
  }
  return false;
}

bool IsDigits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9' && (base > 8 || c <= '7')) ||
              (base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) || c == '_';
    if (!ok) return false;
  }
  return true;
}

// An integer literal (optional sign; decimal, 0x hex, 0o or leading-0 octal; '_' separators).
bool ParseInt(const std::string& s, json* out) {
  std::string_view v = s;
  bool negative = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    base = 16;
    v.remove_prefix(2);
  } else if (v.size() > 2 && v[0] == '0' && v[1] == 'o') {
    base = 8;
    v.remove_prefix(2);
  } else if (v.size() > 1 && v[0] == '0') {
    base = 8;
    v.remove_prefix(1);
  }
  if (!IsDigits(v, base) || v.front() == '_') return false;
  std::string digits;
  for (char c : v) {
    if (c != '_') digits += c;
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long mag = std::strtoull(digits.c_str(), &end, base);
  if (errno == ERANGE || *end != '\0') {
    // Too large for 64 bits: a float, as Go's YAML decoder would give.
    *out = (negative ? -1.0 : 1.0) * std::strtod(digits.c_str(), nullptr);
    return base == 10;
  }
  constexpr auto kMax = static_cast<unsigned long long>(std::numeric_limits<int64_t>::max());
  if (!negative && mag <= kMax) {
    *out = static_cast<int64_t>(mag);
  } else if (negative && mag <= kMax + 1) {
    *out = mag == kMax + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(mag);
  } else if (!negative) {
    *out = static_cast<uint64_t>(mag);
  } else {
    *out = -static_cast<double>(mag);
  }
  return true;
}

// A float literal: [-+]digits[.digits][e[-+]digits], or .inf / .nan forms.
bool ParseFloat(const std::string& s, json* out) {
  if (OneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (OneOf(s, {"-.inf", "-.Inf", "-.INF"})) {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (OneOf(s, {".nan", ".NaN", ".NAN"})) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  if (i != s.size()) return false;
  *out = std::strtod(s.c_str(), nullptr);
  return true;
}

json ResolvePlainScalar(const std::string& s) {
  if (OneOf(s, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (OneOf(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})) {
    return true;
  }
  if (OneOf(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"})) {
    return false;
  }
  json number;
  if (ParseInt(s, &number)) return number;
  if (ParseFloat(s, &number)) return number;
  return s;
}

class Converter {
 public:
  explicit Converter(std::map<std::string, int>* lines) : lines_(lines) {}

  // `line` is where the field starts: its key's line for a mapping entry (a block mapping's own
  // mark is its first key, one line lower), else the node's.
  json Convert(const YAML::Node& node, const std::string& path, int line, int depth) {
    if (depth > kMaxDepth) return nullptr;
    if (!path.empty()) (*lines_)[path] = line;
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        // "!" marks a quoted (non-plain) scalar; explicit tags like !!str are honoured too.
        if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return node.Scalar();
        return ResolvePlainScalar(node.Scalar());
      case YAML::NodeType::Sequence: {
        json arr = json::array();
        size_t i = 0;
        for (const auto& item : node) {
          arr.push_back(Convert(item, path + "[" + std::to_string(i++) + "]", item.Mark().line + 1,
                                depth + 1));
        }
        return arr;
      }
      case YAML::NodeType::Map: {
        json obj = json::object();
        for (const auto& kv : node) {
          std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
          obj[key] = Convert(kv.second, path.empty() ? key : path + "." + key,
                             kv.first.Mark().line + 1, depth + 1);
        }
        return obj;
      }
    }
    return nullptr;
  }

 private:
  static constexpr int kMaxDepth = 200;
  std::map<std::string, int>* lines_;
};

}  // namespace

YamlDocuments ParseYamlDocuments(std::string_view text) {
  YamlDocuments out;
  try {
    std::vector<YAML::Node> nodes = YAML::LoadAll(std::string(text));
    for (const auto& node : nodes) {
      YamlDocument doc;
      Converter converter(&doc.lines);
      doc.value = converter.Convert(node, "", 0, 0);
      doc.line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
      out.documents.push_back(std::move(doc));
    }
  } catch (const YAML::Exception& e) {
    out.documents.clear();
    out.error = "line " + std::to_string(e.mark.line + 1) + ", column " +
                std::to_string(e.mark.column + 1) + ": " + e.msg;
  } catch (const std::exception& e) {
    out.documents.clear();
    out.error = std::string("cannot parse YAML: ") + e.what();
  }
  return out;
}

int LineOf(const std::map<std::string, int>& lines, std::string path) {
  while (!path.empty()) {
    if (auto it = lines.find(path); it != lines.end()) return it->second;
    size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  return 0;
}

}  // namespace slo::controller
