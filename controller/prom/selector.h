// controller/prom/selector.h: safe label matchers for PromQL: escaping values, and adding
// matchers to every vector selector of a query (custom queries and namespace isolation).
//
// Values are escaped per PromQL's double-quoted string rules (backslash, double quote, newline,
// carriage return, tab), so a CR's labelSelector can never break out of its string literal.
// InjectMatchers() lexes the query with a small PromQL tokenizer, finds every vector selector
// (`metric`, `metric{...}`, `{...}`, including inside functions, aggregations, binary operators
// such as `or`, subqueries and `offset`) and appends the matchers to it. Label lists of
// `by`/`without`/`on`/`ignoring`/`group_left`/`group_right`, strings, durations and function
// names are left alone. A query it cannot lex safely (unterminated string, unbalanced braces,
// unknown characters, a malformed matcher list) is refused with an error, never passed through.
//
// Matchers are appended, never replaced: PromQL ANDs repeated matchers on one label, so an
// existing `namespace="other"` in a query plus the injected `namespace="mine"` selects nothing
// from "other".
//
// Example:
//   auto r = InjectMatchers(R"(sum(rate(x{a="1"}[1m])) or y)", {{"namespace", "=", "team-a"}});
//   // r.query == R"(sum(rate(x{a="1",namespace="team-a"}[1m])) or y{namespace="team-a"})"
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace slo::controller::prom {

struct Matcher {
  std::string label;
  std::string op = "=";  // =, !=, =~, !~
  std::string value;     // raw (unescaped) value
};

// The body of a PromQL double-quoted string for v (without the quotes).
std::string EscapeLabelValue(std::string_view v);
// "v" with escaping.
std::string QuoteLabelValue(std::string_view v);
// v with RE2 metacharacters backslash-escaped (for a =~ alternation of literal values).
std::string RegexEscape(std::string_view v);
// [a-zA-Z_][a-zA-Z0-9_]*
bool IsValidLabelName(std::string_view name);
// `a="x",b=~"y"` (no braces); labels must be valid (checked by the callers).
std::string FormatMatchers(const std::vector<Matcher>& matchers);
// Matchers for an exact-match label selector, sorted by label.
std::vector<Matcher> EqualityMatchers(const std::map<std::string, std::string>& labels);

struct InjectResult {
  std::string query;  // the rewritten query (when ok)
  std::string error;  // why the query was refused
  int selectors = 0;  // vector selectors that received the matchers
  bool ok() const { return error.empty(); }
};

// Appends matchers to every vector selector in promql (see the file comment).
InjectResult InjectMatchers(std::string_view promql, const std::vector<Matcher>& matchers);

}  // namespace slo::controller::prom
