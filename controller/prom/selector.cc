#include "controller/prom/selector.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

namespace slo::controller::prom {
namespace {

enum class Tok { kIdent, kString, kNumber, kBraces, kBrackets, kLParen, kRParen, kComma, kOp, kAt };

struct Token {
  Tok kind;
  size_t begin = 0;  // offset of the first character
  size_t end = 0;    // one past the last character
  // kBraces: where to insert new matchers (before the closing brace) and whether a comma must
  // precede them (the block already holds a matcher and no trailing comma).
  size_t insert_at = 0;
  bool needs_comma = false;
};

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool IsIdentChar(char c) { return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view q) : q_(q) {}

  bool Run(std::vector<Token>* out, std::string* error) {
    while (true) {
      SkipSpaceAndComments();
      if (pos_ >= q_.size()) return true;
      char c = q_[pos_];
      size_t start = pos_;
      if (IsIdentStart(c)) {
        while (pos_ < q_.size() && IsIdentChar(q_[pos_])) ++pos_;
        out->push_back({Tok::kIdent, start, pos_});
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && pos_ + 1 < q_.size() &&
                  std::isdigit(static_cast<unsigned char>(q_[pos_ + 1])))) {
        LexNumber();
        out->push_back({Tok::kNumber, start, pos_});
      } else if (c == '"' || c == '\'' || c == '`') {
        if (!LexString(error)) return false;
        out->push_back({Tok::kString, start, pos_});
      } else if (c == '{') {
        Token t{Tok::kBraces, start, 0};
        if (!LexBraces(&t, error)) return false;
        out->push_back(t);
      } else if (c == '[') {
        if (!LexBrackets(error)) return false;
        out->push_back({Tok::kBrackets, start, pos_});
      } else if (c == '(') {
        ++pos_;
        out->push_back({Tok::kLParen, start, pos_});
      } else if (c == ')') {
        ++pos_;
        out->push_back({Tok::kRParen, start, pos_});
      } else if (c == ',') {
        ++pos_;
        out->push_back({Tok::kComma, start, pos_});
      } else if (c == '@') {
        ++pos_;
        out->push_back({Tok::kAt, start, pos_});
      } else if (std::string_view("+-*/%^=!<>").find(c) != std::string_view::npos) {
        ++pos_;
        if (pos_ < q_.size() && (q_[pos_] == '=' || q_[pos_] == '~') && c != '+' && c != '-' &&
            c != '*' && c != '/' && c != '%' && c != '^') {
          ++pos_;
        }
        out->push_back({Tok::kOp, start, pos_});
      } else {
        *error =
            "unexpected character '" + std::string(1, c) + "' at offset " + std::to_string(pos_);
        return false;
      }
    }
  }

 private:
  void SkipSpaceAndComments() {
    while (pos_ < q_.size()) {
      if (IsSpace(q_[pos_])) {
        ++pos_;
      } else if (q_[pos_] == '#') {
        while (pos_ < q_.size() && q_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  void LexNumber() {
    const size_t start = pos_;
    const bool hex = q_.substr(start).starts_with("0x") || q_.substr(start).starts_with("0X");
    while (pos_ < q_.size()) {
      char c = q_[pos_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_') {
        ++pos_;
      } else if ((c == '+' || c == '-') && (q_[pos_ - 1] == 'e' || q_[pos_ - 1] == 'E') && !hex) {
        ++pos_;  // exponent sign, e.g. 1e-3
      } else {
        return;
      }
    }
  }

  bool LexString(std::string* error) {
    char quote = q_[pos_];
    size_t start = pos_++;
    while (pos_ < q_.size()) {
      char c = q_[pos_];
      if (c == quote) {
        ++pos_;
        return true;
      }
      if (quote != '`' && c == '\\') {
        pos_ += 2;
        continue;
      }
      if (quote != '`' && c == '\n') break;
      ++pos_;
    }
    *error = "unterminated string starting at offset " + std::to_string(start);
    return false;
  }

  // { [ (ident|string) op string (, (ident|string) op string)* [,] ] }
  bool LexBraces(Token* t, std::string* error) {
    size_t open = pos_++;
    bool has_matcher = false;
    bool trailing_comma = false;
    while (true) {
      SkipSpaceAndComments();
      if (pos_ >= q_.size()) {
        *error = "unbalanced '{' at offset " + std::to_string(open);
        return false;
      }
      if (q_[pos_] == '}') {
        t->insert_at = pos_;
        t->needs_comma = has_matcher && !trailing_comma;
        ++pos_;
        t->end = pos_;
        return true;
      }
      if (has_matcher && !trailing_comma) {
        *error = "expected ',' or '}' in label matchers at offset " + std::to_string(pos_);
        return false;
      }
      // Label name.
      if (IsIdentStart(q_[pos_]) && q_[pos_] != ':') {
        while (pos_ < q_.size() && IsIdentChar(q_[pos_]) && q_[pos_] != ':') ++pos_;
      } else {
        *error = "expected a label name in label matchers at offset " + std::to_string(pos_);
        return false;
      }
      SkipSpaceAndComments();
      // Operator.
      std::string_view rest = q_.substr(pos_);
      if (rest.starts_with("=~") || rest.starts_with("!=") || rest.starts_with("!~")) {
        pos_ += 2;
      } else if (rest.starts_with("=")) {
        pos_ += 1;
      } else {
        *error = "expected a matcher operator at offset " + std::to_string(pos_);
        return false;
      }
      SkipSpaceAndComments();
      if (pos_ >= q_.size() || (q_[pos_] != '"' && q_[pos_] != '\'' && q_[pos_] != '`')) {
        *error = "expected a quoted label value at offset " + std::to_string(pos_);
        return false;
      }
      if (!LexString(error)) return false;
      has_matcher = true;
      trailing_comma = false;
      SkipSpaceAndComments();
      if (pos_ < q_.size() && q_[pos_] == ',') {
        ++pos_;
        trailing_comma = true;
      }
    }
  }

  // Range or subquery: durations, ':' and spaces only.
  bool LexBrackets(std::string* error) {
    size_t open = pos_++;
    while (pos_ < q_.size() && q_[pos_] != ']') {
      char c = q_[pos_];
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != ':' && c != '.' && !IsSpace(c)) {
        *error = "unexpected character '" + std::string(1, c) + "' in [...] at offset " +
                 std::to_string(pos_);
        return false;
      }
      ++pos_;
    }
    if (pos_ >= q_.size()) {
      *error = "unbalanced '[' at offset " + std::to_string(open);
      return false;
    }
    ++pos_;
    return true;
  }

  std::string_view q_;
  size_t pos_ = 0;
};

const std::set<std::string>& Aggregations() {
  static const std::set<std::string> k = {"sum",    "min",      "max",    "avg",          "group",
                                          "stddev", "stdvar",   "count",  "count_values", "bottomk",
                                          "topk",   "quantile", "limitk", "limit_ratio"};
  return k;
}
const std::set<std::string>& LabelListKeywords() {
  static const std::set<std::string> k = {"by",       "without",    "on",
                                          "ignoring", "group_left", "group_right"};
  return k;
}
const std::set<std::string>& OtherKeywords() {
  static const std::set<std::string> k = {"and",    "or",    "unless", "bool",
                                          "offset", "atan2", "inf",    "nan"};
  return k;
}

}  // namespace

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size() + 2);
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string QuoteLabelValue(std::string_view v) { return "\"" + EscapeLabelValue(v) + "\""; }

std::string RegexEscape(std::string_view v) {
  static constexpr std::string_view kMeta = "\\.+*?()|[]{}^$";
  std::string out;
  for (char c : v) {
    if (kMeta.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string FormatMatchers(const std::vector<Matcher>& matchers) {
  std::string out;
  for (const auto& m : matchers) {
    if (!out.empty()) out += ',';
    out += m.label + m.op + QuoteLabelValue(m.value);
  }
  return out;
}

std::vector<Matcher> EqualityMatchers(const std::map<std::string, std::string>& labels) {
  std::vector<Matcher> out;
  for (const auto& [k, v] : labels) out.push_back({k, "=", v});
  return out;
}

InjectResult InjectMatchers(std::string_view promql, const std::vector<Matcher>& matchers) {
  InjectResult r;
  for (const auto& m : matchers) {
    if (!IsValidLabelName(m.label)) {
      r.error = "invalid label name \"" + m.label + "\"";
      return r;
    }
    if (m.op != "=" && m.op != "!=" && m.op != "=~" && m.op != "!~") {
      r.error = "invalid matcher operator \"" + m.op + "\"";
      return r;
    }
  }
  std::vector<Token> toks;
  Lexer lexer(promql);
  if (!lexer.Run(&toks, &r.error)) return r;
  if (toks.empty()) {
    r.error = "empty query";
    return r;
  }
  const std::string text = FormatMatchers(matchers);
  std::vector<std::pair<size_t, std::string>> inserts;  // offset -> text
  auto text_of = [&](const Token& t) { return promql.substr(t.begin, t.end - t.begin); };
  auto inject_braces = [&](const Token& b) {
    if (text.empty()) return;
    inserts.emplace_back(b.insert_at, (b.needs_comma ? "," : "") + text);
  };
  for (size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    const Token* next = i + 1 < toks.size() ? &toks[i + 1] : nullptr;
    if (t.kind == Tok::kBraces) {
      // A brace block not attached to a metric name: a selector like {__name__=~".+"}.
      ++r.selectors;
      inject_braces(t);
      continue;
    }
    if (t.kind != Tok::kIdent) continue;
    std::string word = Lower(text_of(t));
    if (LabelListKeywords().count(word)) {
      if (next != nullptr && next->kind == Tok::kLParen) {
        size_t j = i + 2;
        for (; j < toks.size() && toks[j].kind != Tok::kRParen; ++j) {
          if (toks[j].kind != Tok::kIdent && toks[j].kind != Tok::kComma &&
              toks[j].kind != Tok::kString) {
            r.error = "unexpected token in the label list of '" + word + "' at offset " +
                      std::to_string(toks[j].begin);
            return r;
          }
        }
        if (j >= toks.size()) {
          r.error = "unbalanced '(' after '" + word + "'";
          return r;
        }
        i = j;  // skip the label list
      } else if (word == "by" || word == "without" || word == "on" || word == "ignoring") {
        r.error = "'" + word + "' must be followed by a label list";
        return r;
      }
      continue;
    }
    if (OtherKeywords().count(word)) continue;
    if (next != nullptr && next->kind == Tok::kLParen) continue;  // function or aggregation
    if (Aggregations().count(word)) {
      if (next != nullptr && next->kind == Tok::kIdent &&
          (Lower(text_of(*next)) == "by" || Lower(text_of(*next)) == "without")) {
        continue;  // sum by (x) (...)
      }
      r.error = "aggregation '" + word + "' without an argument list";
      return r;
    }
    // A metric name: the selector is the name plus an optional brace block.
    ++r.selectors;
    if (next != nullptr && next->kind == Tok::kBraces && next->begin == t.end) {
      inject_braces(*next);
      ++i;
    } else if (next != nullptr && next->kind == Tok::kBraces) {
      inject_braces(*next);  // `metric {a="b"}` with whitespace: still one selector
      ++i;
    } else if (!text.empty()) {
      inserts.emplace_back(t.end, "{" + text + "}");
    }
  }
  std::string out;
  out.reserve(promql.size() + inserts.size() * (text.size() + 3));
  size_t pos = 0;
  for (const auto& [at, s] : inserts) {  // offsets are increasing: tokens are in order
    out.append(promql.substr(pos, at - pos));
    out += s;
    pos = at;
  }
  out.append(promql.substr(pos));
  r.query = std::move(out);
  return r;
}

}  // namespace slo::controller::prom
