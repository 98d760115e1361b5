#include "controller/audit/json_scan.h"

#include <gtest/gtest.h>

#include <string>

namespace slo::controller::audit {
namespace {

// Scans text as one value and reports whether it is valid JSON.
bool Valid(const std::string& text, bool* ended_early = nullptr) {
  JsonScanner s(text);
  JsonScalar v;
  const bool ok = s.Value(&v) && s.Finish();
  if (ended_early != nullptr) *ended_early = s.ended_early();
  return ok;
}

TEST(JsonScanner, AcceptsValidJson) {
  struct Case {
    const char* name;
    std::string text;
  };
  const Case cases[] = {
      {"empty object", "{}"},
      {"nested", R"({"a":{"b":[1,2,{"c":null}]},"d":"x"})"},
      {"whitespace", " { \"a\" : [ true , false ] } "},
      {"numbers", R"([0,-1,1.5,1e3,-2.5E-3,123456789012345678901234567890])"},
      {"escapes", R"(["\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"])"},
      {"utf-8 text", "[\"req/s × 1.1 s → 6\"]"},
      {"scalar", "42"},
  };
  for (const auto& c : cases) EXPECT_TRUE(Valid(c.text)) << c.name;
}

TEST(JsonScanner, RejectsInvalidJson) {
  struct Case {
    const char* name;
    std::string text;
    bool ended_early;
  };
  const Case cases[] = {
      {"cut in a string", R"({"a":"xy)", true},
      {"cut after a key", R"({"a")", true},
      {"cut in a number", R"({"a":1.)", true},
      {"missing brace", R"({"a":1)", true},
      {"trailing comma", R"({"a":1,})", false},
      {"single quotes", R"({'a':1})", false},
      {"leading zero", R"([01])", false},
      {"bad escape", R"(["\x"])", false},
      {"raw control char", std::string("[\"a\x01\"]"), false},
      {"bare word", "[nope]", false},
      {"text after value", R"({} {})", false},
      {"unquoted key", R"({a:1})", false},
      {"too deep", std::string(100, '[') + std::string(100, ']'), false},
  };
  for (const auto& c : cases) {
    bool ended_early = false;
    EXPECT_FALSE(Valid(c.text, &ended_early)) << c.name;
    EXPECT_EQ(ended_early, c.ended_early) << c.name;
  }
}

TEST(JsonScanner, WalksKeysAndReadsScalars) {
  JsonScanner s(R"({"n": 12.5, "s": "a\"b", "skip": {"x": [1]}, "b": true, "z": null})");
  ASSERT_TRUE(s.BeginObject());
  bool first = true;
  std::string_view key;
  std::string seen;
  while (s.NextKey(first, &key)) {
    JsonScalar v;
    ASSERT_TRUE(s.Value(&v));
    seen += std::string(key) + ";";
    if (key == "n") {
      EXPECT_DOUBLE_EQ(v.number, 12.5);
    }
    if (key == "s") {
      EXPECT_TRUE(v.escaped);
      EXPECT_EQ(JsonScanner::Unescape(v.raw), "a\"b");
    }
    if (key == "skip") {
      EXPECT_EQ(v.kind, JsonKind::kObject);
    }
    if (key == "b") {
      EXPECT_TRUE(v.boolean);
    }
    if (key == "z") {
      EXPECT_EQ(v.kind, JsonKind::kNull);
    }
  }
  EXPECT_TRUE(s.ok()) << s.error();
  EXPECT_TRUE(s.Finish());
  EXPECT_EQ(seen, "n;s;skip;b;z;");
}

TEST(JsonScanner, ReportsTheColumnOfAnError) {
  JsonScanner s(R"({"a":1,})");
  JsonScalar v;
  EXPECT_FALSE(s.Value(&v));
  EXPECT_EQ(s.error(), "expected a string key at column 8");
}

TEST(JsonScannerUnescape, DecodesSurrogatePairsAndLoneSurrogates) {
  EXPECT_EQ(JsonScanner::Unescape(R"(\ud83d\ude00)"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(JsonScanner::Unescape(R"(\ud83d)"), "\xEF\xBF\xBD");
  EXPECT_EQ(JsonScanner::Unescape(R"(a\nb\u00e9)"), "a\nb\xC3\xA9");
}

}  // namespace
}  // namespace slo::controller::audit
