#include "controller/prom/selector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace slo::controller::prom {
namespace {

TEST(EscapeLabelValue, EscapesBackslashQuoteAndNewline) {
  struct Case {
    const char* name;
    std::string in;
    std::string want;
  };
  const Case cases[] = {
      {"plain", "llama-3-8b", "llama-3-8b"},
      {"quote", R"(a"b)", R"(a\"b)"},
      {"backslash", R"(a\b)", R"(a\\b)"},
      {"newline", "a\nb", R"(a\nb)"},
      {"tab_and_cr", "a\tb\r", R"(a\tb\r)"},
      {"breakout_attempt", R"(x"} or {__name__=~".+)", R"(x\"} or {__name__=~\".+)"},
      {"trailing_backslash", "x\\", R"(x\\)"},
  };
  for (const auto& c : cases) EXPECT_EQ(EscapeLabelValue(c.in), c.want) << c.name;
}

TEST(RegexEscape, EscapesRe2Metacharacters) {
  EXPECT_EQ(RegexEscape("a.b|c"), R"(a\.b\|c)");
  EXPECT_EQ(RegexEscape("(x)*+?[]{}^$\\"), R"(\(x\)\*\+\?\[\]\{\}\^\$\\)");
  EXPECT_EQ(RegexEscape("llama-3-8b"), "llama-3-8b");
  // Regex escape then string escape: a literal dot becomes \\. inside the PromQL string.
  EXPECT_EQ(QuoteLabelValue(RegexEscape("a.b")), R"("a\\.b")");
}

TEST(IsValidLabelName, FollowsPrometheusRules) {
  EXPECT_TRUE(IsValidLabelName("model_name"));
  EXPECT_TRUE(IsValidLabelName("_x1"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_FALSE(IsValidLabelName("1abc"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("a-b"));
  EXPECT_FALSE(IsValidLabelName("a\"}"));
}

const std::vector<Matcher> kNs = {{"namespace", "=", "team-a"}};

TEST(InjectMatchers, AddsMatchersToEverySelector) {
  struct Case {
    const char* name;
    std::string in;
    std::string want;
    int selectors;
  };
  const Case cases[] = {
      {"bare_metric", "up", R"(up{namespace="team-a"})", 1},
      {"existing_matchers", R"(up{job="x"})", R"(up{job="x",namespace="team-a"})", 1},
      {"empty_braces", "up{}", R"(up{namespace="team-a"})", 1},
      {"trailing_comma", R"(up{job="x",})", R"(up{job="x",namespace="team-a"})", 1},
      {"function_and_range", "rate(x_total[5m])", R"(rate(x_total{namespace="team-a"}[5m]))", 1},
      {"aggregation_by_prefix", "sum by (model_name, pod) (rate(x[1m]))",
       R"(sum by (model_name, pod) (rate(x{namespace="team-a"}[1m])))", 1},
      {"aggregation_by_suffix", "sum(rate(x[1m])) by (namespace)",
       R"(sum(rate(x{namespace="team-a"}[1m])) by (namespace))", 1},
      {"colon_metric", "vllm:num_requests_waiting",
       R"(vllm:num_requests_waiting{namespace="team-a"})", 1},
      {"strings_untouched", R"(label_replace(up, "dst", "$1", "src", "(.*){x}"))",
       R"(label_replace(up{namespace="team-a"}, "dst", "$1", "src", "(.*){x}"))", 1},
      {"histogram_quantile", "histogram_quantile(0.99, sum by (le) (rate(ttft_bucket[1m])))",
       R"(histogram_quantile(0.99, sum by (le) (rate(ttft_bucket{namespace="team-a"}[1m]))))", 1},
      {"binary_on_group_left", "a / on (pod) group_left (node) b",
       R"(a{namespace="team-a"} / on (pod) group_left (node) b{namespace="team-a"})", 2},
      {"comparison_bool", "a > bool 3", R"(a{namespace="team-a"} > bool 3)", 1},
      {"numbers_and_scalars", "vector(1) + 2 * scalar(x) - 1e-3 + Inf",
       R"(vector(1) + 2 * scalar(x{namespace="team-a"}) - 1e-3 + Inf)", 1},
      {"comment_skipped", "up # a comment with {braces}\n",
       "up{namespace=\"team-a\"} # a comment with {braces}\n", 1},
      {"at_modifier", "x @ start()", R"(x{namespace="team-a"} @ start())", 1},
      {"topk_param", "topk(3, x)", R"(topk(3, x{namespace="team-a"}))", 1},
  };
  for (const auto& c : cases) {
    InjectResult r = InjectMatchers(c.in, kNs);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.error;
    EXPECT_EQ(r.query, c.want) << c.name;
    EXPECT_EQ(r.selectors, c.selectors) << c.name;
  }
}

TEST(InjectMatchers, AdversarialQueriesCannotEscapeTheNamespace) {
  struct Case {
    const char* name;
    std::string in;
    std::string want;
  };
  const Case cases[] = {
      {"name_regex_everything", R"({__name__=~".+"})", R"({__name__=~".+",namespace="team-a"})"},
      {"or_clause", R"(x{namespace="team-a"} or y{namespace="team-b"})",
       R"(x{namespace="team-a",namespace="team-a"} or y{namespace="team-b",namespace="team-a"})"},
      {"existing_namespace_not_trusted", R"(x{namespace=~"team-.*"})",
       R"(x{namespace=~"team-.*",namespace="team-a"})"},
      {"negative_namespace", R"(x{namespace!="team-a"})",
       R"(x{namespace!="team-a",namespace="team-a"})"},
      {"subquery", "max_over_time(rate(x[1m])[10m:30s])",
       R"(max_over_time(rate(x{namespace="team-a"}[1m])[10m:30s]))"},
      {"offset", "x offset 1h or y offset -5m",
       R"(x{namespace="team-a"} offset 1h or y{namespace="team-a"} offset -5m)"},
      {"label_replace_trick", R"(label_replace({__name__=~"x.*"}, "namespace", "team-a", "", ""))",
       R"(label_replace({__name__=~"x.*",namespace="team-a"}, "namespace", "team-a", "", ""))"},
      {"unless_and", "a unless b and c",
       R"(a{namespace="team-a"} unless b{namespace="team-a"} and c{namespace="team-a"})"},
      {"nested_aggregations", "sum(count by (namespace) ({job=~\".+\"}))",
       R"(sum(count by (namespace) ({job=~".+",namespace="team-a"})))"},
      {"single_quoted_value", R"(x{a='}"'})", R"(x{a='}"',namespace="team-a"})"},
      {"backtick_value", "x{a=`\\`}", "x{a=`\\`,namespace=\"team-a\"}"},
  };
  for (const auto& c : cases) {
    InjectResult r = InjectMatchers(c.in, kNs);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.error;
    EXPECT_EQ(r.query, c.want) << c.name;
  }
}

TEST(InjectMatchers, RefusesWhatItCannotParseSafely) {
  struct Case {
    const char* name;
    std::string in;
    std::string error_part;
  };
  const Case cases[] = {
      {"unterminated_string", R"(x{a="b})", "unterminated string"},
      {"unbalanced_brace", R"(x{a="b")", "unbalanced '{'"},
      {"unbalanced_bracket", "rate(x[5m)", "unexpected character"},
      {"garbage_character", "x; drop", "unexpected character ';'"},
      {"matcher_without_value", "x{a=}", "expected a quoted label value"},
      {"matcher_without_operator", R"(x{a "b"})", "expected a matcher operator"},
      {"missing_comma", R"(x{a="1" b="2"})", "expected ',' or '}'"},
      {"quoted_metric_name", R"({"x"})", "expected a label name"},
      {"string_in_range", R"(rate(x["5m"]))", "unexpected character"},
      {"by_without_list", "sum by x", "must be followed by a label list"},
      {"selector_in_by_list", "sum by (a{b=\"c\"}) (x)", "unexpected token in the label list"},
      {"empty", "   ", "empty query"},
      {"bare_aggregation", "sum", "without an argument list"},
  };
  for (const auto& c : cases) {
    InjectResult r = InjectMatchers(c.in, kNs);
    EXPECT_FALSE(r.ok()) << c.name << " was accepted as " << r.query;
    EXPECT_NE(r.error.find(c.error_part), std::string::npos) << c.name << ": " << r.error;
  }
}

TEST(InjectMatchers, EscapesInjectedValues) {
  InjectResult r = InjectMatchers("x", {{"model_name", "=", "a\"} or {__name__=~\".+"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.query, R"(x{model_name="a\"} or {__name__=~\".+"})");
  EXPECT_EQ(r.selectors, 1);
}

TEST(InjectMatchers, RefusesInvalidInjectedLabelNames) {
  EXPECT_FALSE(InjectMatchers("x", {{"a\"}", "=", "v"}}).ok());
  EXPECT_FALSE(InjectMatchers("x", {{"a", "==", "v"}}).ok());
}

TEST(InjectMatchers, NoMatchersLeavesQueryUnchanged) {
  InjectResult r = InjectMatchers(R"(sum(rate(x{a="b"}[1m])))", {});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.query, R"(sum(rate(x{a="b"}[1m])))");
  EXPECT_EQ(r.selectors, 1);
}

}  // namespace
}  // namespace slo::controller::prom
