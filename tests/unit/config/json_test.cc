#include "config/json.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <string>

namespace lvsnft::json {
namespace {

/// Parses `text` and returns the formatted diagnostics ("" when clean).
std::string Errors(std::string_view text) {
  Diagnostics d("t.json");
  auto v = Parse(text, d);
  EXPECT_EQ(v.has_value(), !d.HasErrors()) << text;
  return d.FormatAll();
}

struct ErrorCase {
  const char* desc;
  std::string text;
  std::string want;
};

/// The error for 65 nested arrays: reported at the 65th '[' whose pointer
/// has 64 "/0" steps.
std::string DeepError() {
  std::string pointer;
  for (int i = 0; i < 64; ++i) pointer += "/0";
  return "t.json:1:65: error: " + pointer + ": nesting deeper than 64 levels\n";
}

TEST(JsonTest, SyntaxErrorsAreLocated) {
  const ErrorCase cases[] = {
      {"empty input", "",
       "t.json:1:1: error: /: empty input: expected a JSON "
       "object\n"},
      {"whitespace only", " \n ",
       "t.json:2:2: error: /: empty input: expected a JSON object\n"},
      {"trailing comma in object", "{\"a\":1,}",
       "t.json:1:8: error: /: trailing comma before '}'\n"},
      {"trailing comma in array", "{\"a\":[1,2,]}",
       "t.json:1:11: error: /a: trailing comma before ']'\n"},
      {"missing comma between members", "{\"a\":1 \"b\":2}",
       "t.json:1:8: error: /: expected ',' or '}' after object member, got "
       "'\"'\n"},
      {"missing comma between elements", "[1 2]",
       "t.json:1:4: error: /: expected ',' or ']' after array element, got "
       "'2'\n"},
      {"missing colon", "{\"a\" 1}",
       "t.json:1:6: error: /a: expected ':' after object key \"a\", got '1'\n"},
      {"unquoted key", "{a:1}",
       "t.json:1:2: error: /: expected a string key or '}', got 'a'\n"},
      {"single quotes", "{'a':1}",
       "t.json:1:2: error: /: expected a string key or '}', got \"'\" (JSON "
       "strings need double quotes)\n"},
      {"comment", "{\"a\":1 // note\n}",
       "t.json:1:8: error: /: expected ',' or '}' after object member, got "
       "'/' (JSON has no comments)\n"},
      {"typographic quotes from a word processor",
       "{\xE2\x80\x9Cname\xE2\x80\x9D:1}",
       "t.json:1:2: error: /: expected a string key or '}', got character "
       "U+201C (a typographic quote; JSON needs plain '\"')\n"},
      {"leading zero", "[01]",
       "t.json:1:2: error: /0: invalid number: leading zeros are not "
       "allowed\n"},
      {"fraction without digits", "[1.]",
       "t.json:1:4: error: /0: expected a digit after '.', got ']'\n"},
      {"minus without digits", "[-]",
       "t.json:1:3: error: /0: expected a digit after '-', got ']'\n"},
      {"exponent without digits", "[1e+]",
       "t.json:1:5: error: /0: expected a digit in the exponent, got ']'\n"},
      {"hex number", "[0x10]",
       "t.json:1:3: error: /0: expected a delimiter after the number, got "
       "'x'\n"},
      {"capitalised literal", "{\"up\": True}",
       "t.json:1:8: error: /up: invalid literal \"True\": expected true, "
       "false, null, a number, a \"string\", an array or an object\n"},
      {"unterminated string", "{\"a\": \"abc",
       "t.json:1:7: error: /a: unterminated string (missing closing '\"')\n"},
      {"raw tab in string", "[\"a\tb\"]",
       "t.json:1:4: error: /0: control character U+0009 in string must be "
       "escaped\n"},
      {"invalid escape", "[\"\\x\"]",
       "t.json:1:3: error: /0: invalid escape sequence: '\\' followed by "
       "'x'\n"},
      {"short unicode escape", "[\"\\u12G4\"]",
       "t.json:1:7: error: /0: invalid \\u escape: expected 4 hex digits\n"},
      {"lone high surrogate", "[\"\\uD800\"]",
       "t.json:1:3: error: /0: unpaired UTF-16 high surrogate \\uD800\n"},
      {"lone low surrogate", "[\"\\uDC00\"]",
       "t.json:1:3: error: /0: unpaired UTF-16 low surrogate \\uDC00\n"},
      {"invalid UTF-8", "[\"\xFF\"]",
       "t.json:1:3: error: /0: invalid UTF-8 byte 0xFF in string\n"},
      {"overlong UTF-8", "[\"\xC0\xAF\"]",
       "t.json:1:3: error: /0: invalid UTF-8 byte 0xC0 in string\n"},
      {"garbage after the value", "{} x",
       "t.json:1:4: error: /: expected end of input after the top-level "
       "value, got 'x'\n"},
      {"unclosed array", "{\"a\":[1,2",
       "t.json:1:10: error: /a: unexpected end of input: missing ']' for the "
       "array opened at 1:6\n"},
      {"unclosed object", "{\"a\":1\n",
       "t.json:2:1: error: /: unexpected end of input: missing '}' for the "
       "object opened at 1:1\n"},
      {"missing value at end", "{\"a\":",
       "t.json:1:6: error: /a: unexpected end of input: expected a value\n"},
      {"unexpected character", "{\"a\": +1}",
       "t.json:1:7: error: /a: expected a value, got '+'\n"},
      {"errors after CRLF line ends", "{\r\n\"a\": 1,\r\n}",
       "t.json:3:1: error: /: trailing comma before '}'\n"},
      {"columns count characters, not bytes", "{\"\xC3\xA9t\xC3\xA9\": 1,}",
       "t.json:1:11: error: /: trailing comma before '}'\n"},
      {"every duplicate key is reported", "{\"a\":1,\"b\":2,\n\"a\":3,\"b\":4}",
       "t.json:2:1: error: /a: duplicate key \"a\" (first at 1:2)\n"
       "t.json:2:7: error: /b: duplicate key \"b\" (first at 1:8)\n"},
      {"duplicate keys in nested objects", "{\"s\":[{\"x\":1,\"x\":2}]}",
       "t.json:1:14: error: /s/0/x: duplicate key \"x\" (first at 1:8)\n"},
      {"nesting too deep", std::string(65, '[') + std::string(65, ']'),
       DeepError()},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Errors(c.text), c.want) << c.desc;
  }
}

TEST(JsonTest, AcceptsValidDocuments) {
  const std::pair<const char*, std::string> cases[] = {
      {"nesting at the limit", std::string(64, '[') + std::string(64, ']')},
      {"byte order mark", "\xEF\xBB\xBF{}"},
      {"all scalar kinds", "[null, true, false, 0, -1, 1.5e-3, \"x\"]"},
      {"escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"]"},
      {"raw UTF-8", "[\"\xC3\xA9\xF0\x9F\x98\x80\"]"},
      {"same key in sibling objects", "[{\"a\":1},{\"a\":2}]"},
  };
  for (const auto& [desc, text] : cases) {
    EXPECT_EQ(Errors(text), "") << desc;
  }
}

/// Parses `text` under `limits` and returns the formatted diagnostics.
std::string LimitErrors(std::string_view text, const Limits& limits) {
  Diagnostics d("t.json");
  EXPECT_FALSE(Parse(text, d, limits).has_value());
  return d.FormatAll();
}

TEST(JsonTest, EachLimitHasItsOwnError) {
  const Limits small{.depth = 3, .input_bytes = 100, .values = 10};
  EXPECT_EQ(LimitErrors(std::string(101, ' '), small),
            "t.json:1:1: error: /: input too large: 101 bytes (limit 100)\n");
  // The array itself is value 1, so element 9 is value 11: one too many.
  EXPECT_EQ(LimitErrors("[0,0,0,0,0,0,0,0,0,0]", small),
            "t.json:1:20: error: /9: too many values (limit 10)\n");
  EXPECT_EQ(LimitErrors("[[[[0]]]]", small),
            "t.json:1:4: error: /0/0/0: nesting deeper than 3 levels\n");
}

TEST(JsonTest, DefaultLimitsAdmitLargeConfigs) {
  // A pretty-printed 100k x 10 config is about 125 MB and 5M values.
  EXPECT_EQ(kMaxInputBytes, size_t{256} << 20);
  EXPECT_EQ(kMaxValues, size_t{16} << 20);
  EXPECT_EQ(kMaxDepth, 64);
  // One byte over the default size is refused before it is read: an
  // untouched anonymous mapping stands in for the input.
  size_t n = kMaxInputBytes + 1;
  void* m = mmap(nullptr, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(m, MAP_FAILED);
  EXPECT_EQ(Errors(std::string_view(static_cast<const char*>(m), n)),
            "t.json:1:1: error: /: input too large: 268435457 bytes (limit "
            "268435456)\n");
  munmap(m, n);
  // 9 MiB (over the old 8 MiB limit) of values parses.
  std::string big = "[";
  while (big.size() < (9u << 20)) big += "12345678,";
  big += "0]";
  EXPECT_EQ(Errors(big), "");
}

TEST(JsonTest, ValuesCarryLocationAndPointer) {
  Diagnostics d("t.json");
  auto doc = Parse(
      "{\r\n  \"a/b\": [10, {\"m~n\": \"\\u00e9x\"}],\n  \"\xC3\xA9\": -7,\n"
      "  \"big\": 123456789012345678901234567890, \"f\": 2.0 }",
      d);
  ASSERT_TRUE(doc) << d.FormatAll();
  const Value* root = &doc->root();
  struct Want {
    const char* desc;
    const Value* v;
    const char* pointer;
    int line, col;
  };
  const Value* arr = root->Find("a/b");
  ASSERT_TRUE(arr && arr->items().size() == 2);
  const Value* inner = arr->items()[1].Find("m~n");
  ASSERT_TRUE(inner);
  const Value* neg = root->Find("\xC3\xA9");
  ASSERT_TRUE(neg);
  const Want wants[] = {
      {"root", root, "", 1, 1},
      {"slash in key is escaped as ~1", arr, "/a~1b", 2, 10},
      {"array element", &arr->items()[0], "/a~1b/0", 2, 11},
      {"tilde in key is escaped as ~0", inner, "/a~1b/1/m~0n", 2, 23},
      {"column after a non-ASCII key counts characters", neg, "/\xC3\xA9", 3,
       8},
  };
  for (const auto& w : wants) {
    EXPECT_EQ(w.v->Pointer(), w.pointer) << w.desc;
    EXPECT_EQ(w.v->loc.line, w.line) << w.desc;
    EXPECT_EQ(w.v->loc.col, w.col) << w.desc;
  }
  EXPECT_EQ(inner->text, "\xC3\xA9x");
  EXPECT_EQ(neg->integer(), -7);
  EXPECT_TRUE(root->Find("big")->integral);
  EXPECT_FALSE(root->Find("big")->integer().has_value());
  EXPECT_FALSE(root->Find("f")->integral);
  EXPECT_EQ(root->Find("f")->text, "2.0");
  EXPECT_EQ(root->members()[0].key_loc.line, 2);
  EXPECT_EQ(root->members()[0].key_loc.col, 3);
}

TEST(JsonTest, ValueTextAndQuote) {
  const std::pair<std::string, std::string> cases[] = {
      {Quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000A\""},
      {Quote("abcdef", 3), "\"abc...\""},
      {Quote("\xC3\xA9\xC3\xA9", 1), "\"\xC3\xA9...\""},
      {JoinPointer("/x", "a/~b"), "/x/a~1~0b"},
  };
  for (const auto& [got, want] : cases) EXPECT_EQ(got, want);
  Diagnostics d;
  auto v = Parse("[null, true, 1.5, \"s\", [], {}]", d);
  ASSERT_TRUE(v);
  const char* want[] = {"null",         "true",     "number 1.5",
                        "string \"s\"", "an array", "an object"};
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(ValueText(v->root().items()[i]), want[i]);
}

}  // namespace
}  // namespace lvsnft::json
