// Config strings that would be cut short or reach nft unquotable: NUL bytes
// anywhere, control characters and nft-special characters in interface
// names. Each case asserts the exact located diagnostic.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "compiler/lower.h"
#include "config/parse.h"
#include "test_util.h"

namespace lvsnft {
namespace {

/// Line 1: director with interface `ifname` (JSON source text); line 2: one
/// NAT service whose members after "name" are `rest`.
std::string Cfg(const std::string& ifname, const std::string& rest) {
  return "{\"version\": 1, \"director\": {\"interface\": \"" + ifname +
         "\"}, \"services\": [\n{\"name\": \"web\", " + rest + "}]}";
}

const std::string kPorts = "\"ports\": [80]";

void RunCases(const std::vector<testing::DiagCase>& cases) {
  testing::RunDiagCases(cases);
}

TEST(InputStringsTest, NulIsRejectedInEveryString) {
  RunCases({
      {"NUL in the VIP",
       Cfg("eth0", R"("vip": "192.168.10.100\u0000junk", )" + kPorts),
       "c.json:2:24: error: /services/0/vip: string "
       "\"192.168.10.100\\u0000junk\" holds a NUL character (U+0000), which "
       "no config string may contain\n"},
      {"NUL in the interface",
       Cfg(R"(eth0\u0000x)", R"("vip": "10.0.0.1", )" + kPorts),
       "c.json:1:42: error: /director/interface: string \"eth0\\u0000x\" "
       "holds a NUL character (U+0000), which no config string may "
       "contain\n"},
      {"NUL in a real server address and a local address",
       "{\"version\": 1, \"director\": {\"interface\": \"eth0\", "
       "\"local_addresses\": [\"10.9.9.9\\u0000\"]}, \"services\": [\n"
       R"({"name": "web", "vip": "10.0.0.1", "ports": [80], )"
       R"("real_servers": [{"address": "10.0.1.1\u0000"}]}]})",
       "c.json:1:70: error: /director/local_addresses/0: string "
       "\"10.9.9.9\\u0000\" holds a NUL character (U+0000), which no config "
       "string may contain\n"
       "c.json:2:80: error: /services/0/real_servers/0/address: string "
       "\"10.0.1.1\\u0000\" holds a NUL character (U+0000), which no config "
       "string may contain\n"},
      {"NUL in a name, a port range, an enumeration and comments",
       "{\"version\": 1, \"director\": {\"interface\": \"eth0\"}, "
       "\"services\": [\n"
       R"({"name": "w\u0000", "vip": "10.0.0.1", "ports": ["80\u0000"], )"
       R"("mode": "nat\u0000", "comment": "a\u0000b", "real_servers": [)"
       R"({"address": "10.0.1.1", "comment": "\u0000"}]}]})",
       "c.json:2:10: error: /services/0/name: string \"w\\u0000\" holds a NUL "
       "character (U+0000), which no config string may contain\n"
       "c.json:2:50: error: /services/0/ports/0: string \"80\\u0000\" holds a "
       "NUL character (U+0000), which no config string may contain\n"
       "c.json:2:71: error: /services/0/mode: string \"nat\\u0000\" holds a "
       "NUL character (U+0000), which no config string may contain\n"
       "c.json:2:95: error: /services/0/comment: string \"a\\u0000b\" holds a "
       "NUL character (U+0000), which no config string may contain\n"
       "c.json:2:159: error: /services/0/real_servers/0/comment: string "
       "\"\\u0000\" holds a NUL character (U+0000), which no config string "
       "may contain\n"},
      {"other control characters stay allowed in comments",
       Cfg("eth0",
           R"("vip": "10.0.0.1", "comment": "tab\there\u0001", )" + kPorts),
       ""},
  });
}

TEST(InputStringsTest, InterfaceNamesMustBeWritableInNft) {
  auto svc = R"("vip": "10.0.0.1", )" + kPorts;
  RunCases({
      {"control character", Cfg(R"(eth\u00010)", svc),
       "c.json:1:42: error: /director/interface: interface name "
       "\"eth\\u00010\" contains a control character\n"},
      {"DEL", Cfg(R"(eth\u007f)", svc),
       "c.json:1:42: error: /director/interface: interface name "
       "\"eth\\u007F\" contains a control character\n"},
      {"double quote", Cfg(R"(e\"th)", svc),
       "c.json:1:42: error: /director/interface: interface name \"e\\\"th\" "
       "contains '\"', '*' or '\\', which nft cannot match literally\n"},
      {"wildcard star", Cfg("eth*", svc),
       "c.json:1:42: error: /director/interface: interface name \"eth*\" "
       "contains '\"', '*' or '\\', which nft cannot match literally\n"},
      {"backslash", Cfg(R"(e\\th)", svc),
       "c.json:1:42: error: /director/interface: interface name \"e\\\\th\" "
       "contains '\"', '*' or '\\', which nft cannot match literally\n"},
      {"byte 0xA0, which Linux counts as whitespace", Cfg("v\u00e0", svc),
       "c.json:1:42: error: /director/interface: interface name \"v\u00e0\" "
       "contains '/', ':' or whitespace (Linux counts the byte 0xA0, part "
       "of characters such as U+00E0 \"\u00e0\", as whitespace)\n"},
      {"non-ASCII and punctuation are fine", Cfg("w\u00ebb-1.#;{$'", svc), ""},
  });
}

TEST(InputStringsTest, ChainAndSetNamesAreNftIdentifiers) {
  // nft 1.0.6 reads a chain or set name only as a bare identifier; the
  // netlink path takes the same names from the plan.
  const std::regex ident("[A-Za-z_.][A-Za-z0-9/_.-]*");
  Diagnostics d("c.json");
  auto cfg = LoadConfig(
      Cfg("w\u00ebb#1;x", R"("vip": "10.0.0.1", "ports": [80], "mode": "dr", )"
                          R"("real_servers": [{"address": "10.0.1.1"}])"),
      d);
  ASSERT_TRUE(cfg) << d.FormatAll();
  std::vector<std::string> names;
  for (const auto& t : Lower(*cfg).tables) {
    for (const auto& c : t.chains) names.push_back(c.name);
    for (const auto& s : t.sets) names.push_back(s.name);
  }
  EXPECT_NE(
      std::find(names.begin(), names.end(), "rs_10_0_1_1_wxc3xabbx231x3bx"),
      names.end());
  for (const auto& n : names) {
    EXPECT_TRUE(std::regex_match(n, ident)) << n;
  }
}

}  // namespace
}  // namespace lvsnft
