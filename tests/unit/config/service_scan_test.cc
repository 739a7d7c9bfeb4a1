// RescanServices: a re-scan of the changed part of a text must find what a
// scan of the whole text finds (every entry, where it starts), or decline.
#include <gtest/gtest.h>

#include <string>

#include "config/reread.h"

namespace lvsnft {
namespace {

// The entries of `s` as offsets into `text` with their line and column.
std::string Show(std::string_view text, const ServiceSpans& s) {
  std::string out = std::to_string(s.begin) + "-" + std::to_string(s.end);
  for (size_t i = 0; i < s.items.size(); ++i)
    out += " " + std::to_string(s.items[i].data() - text.data()) + "+" +
           std::to_string(s.items[i].size()) + "@" +
           std::to_string(s.starts[i].line) + ":" +
           std::to_string(s.starts[i].col);
  return out;
}

std::string Sub(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(ServiceScanTest, RescanFindsWhatTheScanFinds) {
  const std::string old = R"({"version": 1,
  "services": [
    {"name": "a", "ports": [1]},
    {"name": "b", "x": "]}\"", "ports": [2]},
    {"name": "c"}, {"name": "d"}, {"name": "e"},
    {"name": "f"}
  ]
})";
  struct Edit {
    const char* what;
    std::string text;
    bool rescanned;  ///< RescanServices must not decline.
  };
  const Edit edits[] = {
      {"unchanged", old, true},
      {"one changed", Sub(old, "[2]", "[2, 3]"), true},
      {"one grew lines", Sub(old, "[2]", "[2,\n\n 3]"), true},
      {"first changed", Sub(old, "\"a\"", "\"aa\""), true},
      {"last changed", Sub(old, "\"f\"", "\"ff\"\n"), true},
      {"changed on a shared line", Sub(old, "\"d\"", "\"dd\""), true},
      {"separator changed",
       Sub(old, "}, {\"name\": \"d\"", "} ,\n{\"name\": \"d\""), true},
      {"one added", Sub(old, "{\"name\": \"c\"},", "{\"name\": \"c\"}, 7,"),
       true},
      {"one removed", Sub(old, "{\"name\": \"c\"}, ", ""), true},
      {"last removed", Sub(old, ",\n    {\"name\": \"f\"}", ""), true},
      {"all removed",
       Sub(Sub(Sub(Sub(old, "{\"name\": \"a\", \"ports\": [1]},", ""),
                   "{\"name\": \"b\", \"x\": \"]}\\\"\", \"ports\": [2]},", ""),
               "{\"name\": \"c\"}, {\"name\": \"d\"}, {\"name\": \"e\"},", ""),
           "{\"name\": \"f\"}", ""),
       true},
      {"a quote opened", Sub(old, "\"c\"}", "\"c}"), false},
      {"a bracket closed early",
       Sub(old, "{\"name\": \"d\"}", "{\"name\": \"d\"}]"), false},
      {"a trailing comma", Sub(old, "{\"name\": \"f\"}", "{\"name\": \"f\"},"),
       false},
      {"outside the array", Sub(old, "\"version\": 1", "\"version\": 2"),
       false},
      {"a carriage return", Sub(old, "\"c\"}", "\"c\"}\r"), false},
  };
  auto was = ScanServices(old);
  ASSERT_TRUE(was);
  for (const Edit& e : edits) {
    SCOPED_TRACE(e.what);
    auto full = ScanServices(e.text);
    auto re = RescanServices(old, *was, e.text);
    EXPECT_EQ(re.has_value(), e.rescanned);
    if (!re) continue;
    ASSERT_TRUE(full);
    EXPECT_EQ(Show(e.text, *re), Show(e.text, *full));
  }
  // A one-line array: the entries after the change move columns.
  const std::string line = R"({"services": [{"n": 1}, {"n": 2}, {"n": 3}]})";
  auto one = ScanServices(line);
  ASSERT_TRUE(one);
  const std::string longer = Sub(line, "2", "22");
  auto re = RescanServices(line, *one, longer);
  ASSERT_TRUE(re);
  EXPECT_EQ(Show(longer, *re), Show(longer, *ScanServices(longer)));
}

}  // namespace
}  // namespace lvsnft
