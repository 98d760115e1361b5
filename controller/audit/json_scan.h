// controller/audit/json_scan.h: a small, strict, allocation-free JSON scanner for one line.
//
// The audit reads millions of decision lines but needs two dozen fields of each. nlohmann's
// lexer costs ~10 µs per 1.5 KB line; this scanner validates the whole text (RFC 8259 grammar:
// strings, escapes, numbers, literals, nesting up to kMaxScanDepth) but only materialises the
// values the caller asks for, and skips the rest at memory speed.
//
// Example:
//   JsonScanner s(R"({"a": {"b": [1, 2]}, "c": "x"})");
//   bool first = true;
//   std::string_view key;
//   if (!s.BeginObject()) return;
//   while (s.NextKey(first, &key)) {
//     JsonScalar v;
//     if (!s.Value(&v)) break;            // containers are validated and skipped
//   }
//   if (!s.ok()) Report(s.error());        // "unexpected end of input at column 12"
//   s.Finish();                            // only whitespace may follow
//
// Input must be valid UTF-8 (the reader checks it). Thread-safety: one scanner per thread.
#pragma once

#include <string>
#include <string_view>

namespace slo::controller::audit {

inline constexpr int kMaxScanDepth = 64;

enum class JsonKind { kNull, kBool, kNumber, kString, kObject, kArray };

struct JsonScalar {
  JsonKind kind = JsonKind::kNull;
  bool boolean = false;
  double number = 0;
  std::string_view raw;  // string contents between the quotes, still escaped
  bool escaped = false;  // raw contains backslash escapes (use Unescape())
};

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : begin_(text.data()), p_(text.data()),
                                               end_(text.data() + text.size()) {}

  // The next value. Objects and arrays are validated and skipped (kind says which).
  bool Value(JsonScalar* out);
  // The next value must be an object: consumes '{'.
  bool BeginObject();
  // The next value must be an array: consumes '['.
  bool BeginArray();
  // Next key of the current object (and its ':'); false at the closing '}' or on error.
  // `first` is the caller's per-object flag, initially true.
  bool NextKey(bool& first, std::string_view* key);
  // True when another element of the current array follows; false at ']' or on error.
  bool NextElement(bool& first);
  // True when the next value is an object / array (after whitespace).
  bool PeekObject();
  bool PeekArray();
  // After the top-level value: only whitespace may remain.
  bool Finish();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // True when the error is that the text ended too early (a truncated line).
  bool ended_early() const { return ended_early_; }

  // Decodes JSON string escapes (\n, \", \uXXXX with surrogate pairs) into UTF-8.
  static std::string Unescape(std::string_view raw);

 private:
  bool Fail(const char* what);
  bool FailEnd();
  void SkipWs();
  bool String(std::string_view* raw, bool* escaped);
  bool Number(double* out);
  bool Literal(std::string_view word);
  bool SkipContainer(int depth);

  const char* begin_;
  const char* p_;
  const char* end_;
  int depth_ = 0;
  std::string error_;
  bool ended_early_ = false;
};

}  // namespace slo::controller::audit
