#include "controller/audit/json_scan.h"

#include <charconv>
#include <cstdint>

namespace slo::controller::audit {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

bool JsonScanner::Fail(const char* what) {
  if (error_.empty()) {
    error_ = std::string(what) + " at column " + std::to_string(p_ - begin_ + 1);
  }
  return false;
}

bool JsonScanner::FailEnd() {
  ended_early_ = true;
  return Fail("unexpected end of input");
}

void JsonScanner::SkipWs() {
  while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
}

bool JsonScanner::String(std::string_view* raw, bool* escaped) {
  // *p_ == '"'
  const char* start = ++p_;
  bool esc = false;
  while (p_ < end_) {
    const auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      *raw = std::string_view(start, static_cast<size_t>(p_ - start));
      *escaped = esc;
      ++p_;
      return true;
    }
    if (c == '\\') {
      esc = true;
      if (++p_ >= end_) return FailEnd();
      switch (*p_) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          ++p_;
          break;
        case 'u':
          for (int i = 1; i <= 4; ++i) {
            if (p_ + i >= end_) {
              p_ = end_;
              return FailEnd();
            }
            if (Hex(p_[i]) < 0) {
              p_ += i;
              return Fail("invalid \\u escape");
            }
          }
          p_ += 5;
          break;
        default:
          return Fail("invalid escape in string");
      }
      continue;
    }
    if (c < 0x20) return Fail("control character in string");
    ++p_;
  }
  return FailEnd();
}

bool JsonScanner::Number(double* out) {
  const char* start = p_;
  if (p_ < end_ && *p_ == '-') ++p_;
  if (p_ >= end_) return FailEnd();
  if (*p_ == '0') {
    ++p_;
  } else if (IsDigit(*p_)) {
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  } else {
    return Fail("invalid number");
  }
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (p_ >= end_) return FailEnd();
    if (!IsDigit(*p_)) return Fail("invalid number");
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ >= end_) return FailEnd();
    if (!IsDigit(*p_)) return Fail("invalid number");
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (out != nullptr) {
    double v = 0;
    const auto res = std::from_chars(start, p_, v);
    // Out of range: a finite-looking literal like 1e999. Treat as not a usable number.
    *out = res.ec == std::errc() ? v : __builtin_nan("");
  }
  return true;
}

bool JsonScanner::Literal(std::string_view word) {
  for (char c : word) {
    if (p_ >= end_) return FailEnd();
    if (*p_ != c) return Fail("invalid literal");
    ++p_;
  }
  return true;
}

bool JsonScanner::SkipContainer(int depth) {
  if (depth >= kMaxScanDepth) return Fail("nested deeper than 64 levels");
  const bool object = *p_ == '{';
  ++p_;
  bool first = true;
  for (;;) {
    SkipWs();
    if (p_ >= end_) return FailEnd();
    if (*p_ == (object ? '}' : ']')) {
      ++p_;
      return true;
    }
    if (!first) {
      if (*p_ != ',') return Fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
      ++p_;
      SkipWs();
      if (p_ >= end_) return FailEnd();
    }
    first = false;
    if (object) {
      if (*p_ != '"') return Fail("expected a string key");
      std::string_view key;
      bool esc = false;
      if (!String(&key, &esc)) return false;
      SkipWs();
      if (p_ >= end_) return FailEnd();
      if (*p_ != ':') return Fail("expected ':'");
      ++p_;
    }
    SkipWs();
    if (p_ >= end_) return FailEnd();
    if (*p_ == '{' || *p_ == '[') {
      if (!SkipContainer(depth + 1)) return false;
    } else {
      JsonScalar v;
      if (!Value(&v)) return false;
    }
  }
}

bool JsonScanner::Value(JsonScalar* out) {
  SkipWs();
  if (p_ >= end_) return FailEnd();
  switch (*p_) {
    case '{':
      out->kind = JsonKind::kObject;
      return SkipContainer(depth_);
    case '[':
      out->kind = JsonKind::kArray;
      return SkipContainer(depth_);
    case '"':
      out->kind = JsonKind::kString;
      return String(&out->raw, &out->escaped);
    case 't':
      out->kind = JsonKind::kBool;
      out->boolean = true;
      return Literal("true");
    case 'f':
      out->kind = JsonKind::kBool;
      out->boolean = false;
      return Literal("false");
    case 'n':
      out->kind = JsonKind::kNull;
      return Literal("null");
    default:
      if (*p_ == '-' || IsDigit(*p_)) {
        out->kind = JsonKind::kNumber;
        return Number(&out->number);
      }
      return Fail("unexpected character");
  }
}

bool JsonScanner::PeekObject() {
  SkipWs();
  return p_ < end_ && *p_ == '{';
}

bool JsonScanner::PeekArray() {
  SkipWs();
  return p_ < end_ && *p_ == '[';
}

bool JsonScanner::BeginObject() {
  if (!PeekObject()) return p_ >= end_ ? FailEnd() : Fail("expected '{'");
  if (++depth_ > kMaxScanDepth) return Fail("nested deeper than 64 levels");
  ++p_;
  return true;
}

bool JsonScanner::BeginArray() {
  if (!PeekArray()) return p_ >= end_ ? FailEnd() : Fail("expected '['");
  if (++depth_ > kMaxScanDepth) return Fail("nested deeper than 64 levels");
  ++p_;
  return true;
}

bool JsonScanner::NextKey(bool& first, std::string_view* key) {
  if (!ok()) return false;
  SkipWs();
  if (p_ >= end_) return FailEnd();
  if (*p_ == '}') {
    ++p_;
    --depth_;
    return false;
  }
  if (!first) {
    if (*p_ != ',') return Fail("expected ',' or '}'");
    ++p_;
    SkipWs();
    if (p_ >= end_) return FailEnd();
  }
  first = false;
  if (*p_ != '"') return Fail("expected a string key");
  bool esc = false;
  if (!String(key, &esc)) return false;
  if (esc) {
    // Keys the audit looks for never need escapes; an escaped key can match none of them.
    *key = std::string_view();
  }
  SkipWs();
  if (p_ >= end_) return FailEnd();
  if (*p_ != ':') return Fail("expected ':'");
  ++p_;
  return true;
}

bool JsonScanner::NextElement(bool& first) {
  if (!ok()) return false;
  SkipWs();
  if (p_ >= end_) return FailEnd();
  if (*p_ == ']') {
    ++p_;
    --depth_;
    return false;
  }
  if (!first) {
    if (*p_ != ',') return Fail("expected ',' or ']'");
    ++p_;
  }
  first = false;
  return true;
}

bool JsonScanner::Finish() {
  if (!ok()) return false;
  SkipWs();
  if (p_ != end_) return Fail("unexpected text after the JSON value");
  return true;
}

std::string JsonScanner::Unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 >= raw.size()) {
      out += raw[i];
      continue;
    }
    const char c = raw[++i];
    switch (c) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto hex4 = [&](size_t at) -> int32_t {
          if (at + 4 > raw.size()) return -1;
          int32_t v = 0;
          for (size_t k = at; k < at + 4; ++k) {
            const int h = Hex(raw[k]);
            if (h < 0) return -1;
            v = v * 16 + h;
          }
          return v;
        };
        int32_t cp = hex4(i + 1);
        if (cp < 0) break;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < raw.size() + 0 && raw[i + 1] == '\\' &&
            raw[i + 2] == 'u') {
          const int32_t lo = hex4(i + 3);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
        AppendUtf8(out, static_cast<uint32_t>(cp));
        break;
      }
      default: out += c;  // \" \\ \/
    }
  }
  return out;
}

}  // namespace slo::controller::audit
