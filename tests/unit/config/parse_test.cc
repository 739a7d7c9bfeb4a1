#include "config/parse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config_names.h"
#include "config/suggest.h"

namespace lvsnft {
namespace {

/// Loads `text` (parse + check) and returns the formatted diagnostics.
std::string Load(std::string_view text) {
  Diagnostics d("c.json");
  auto cfg = LoadConfig(text, d);
  EXPECT_EQ(cfg.has_value(), !d.HasErrors()) << text;
  return d.FormatAll();
}

/// A valid config with one NAT service whose third line is `extra`, so that
/// errors in `extra` are reported on line 3 from column 2 on.
std::string Svc(const std::string& extra) {
  return "{\"version\": 1, \"director\": {\"interface\": \"eth0\"}, "
         "\"services\": [\n"
         "{\"name\": \"web\", \"vip\": \"10.0.0.1\", \"ports\": [80],\n"
         " " +
         extra + "\n}]}";
}

/// A valid config whose director object is `dir` on line 2.
std::string Dir(const std::string& dir) {
  return "{\"version\": 1, \"services\": [],\n\"director\": " + dir + "\n}";
}

struct Case {
  const char* desc;
  std::string text;
  std::string want;
};

void RunCases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    EXPECT_EQ(Load(c.text), c.want) << c.desc << "\n" << c.text;
  }
}

TEST(ParseTest, TopLevel) {
  RunCases({
      {"root must be an object", "[]",
       "c.json:1:1: error: /: expected an object, got an array\n"},
      {"version and services are required", "{}",
       "c.json:1:1: error: /: missing required key \"version\"\n"
       "c.json:1:1: error: /: missing required key \"services\"\n"},
      {"only version 1 is understood", "{\"version\": 2, \"services\": []}",
       "c.json:1:13: error: /version: unsupported config version 2: this "
       "lvsnft reads version 1\n"},
      {"version must be a number", "{\"version\": \"1\", \"services\": []}",
       "c.json:1:13: error: /version: expected an integer, got string "
       "\"1\"\n"},
      {"misspelt top-level key", "{\"version\": 1, \"service\": []}",
       "c.json:1:1: error: /: missing required key \"services\"\n"
       "c.json:1:16: error: /service: unknown key \"service\" (did you mean "
       "\"services\"?)\n"},
      {"services must be an array", "{\"version\": 1, \"services\": {}}",
       "c.json:1:28: error: /services: expected an array, got an object\n"},
      {"a service must be an object", "{\"version\": 1, \"services\": [7]}",
       "c.json:1:29: error: /services/0: expected an object, got number 7\n"},
      {"syntax errors stop before the config is read",
       "{\"version\": 1, \"services\": [}",
       "c.json:1:29: error: /services/0: expected a value, got '}'\n"},
  });
}

TEST(ParseTest, UnknownKeysAndTypes) {
  RunCases({
      {"abbreviated key", Svc("\"prot\": \"tcp\""),
       "c.json:3:2: error: /services/0/prot: unknown key \"prot\" (did you "
       "mean \"protocol\"?)\n"},
      {"transposed letters", Svc("\"schedluer\": \"rr\""),
       "c.json:3:2: error: /services/0/schedluer: unknown key \"schedluer\" "
       "(did you mean \"scheduler\"?)\n"},
      {"unrelated key lists the accepted ones", Svc("\"owner\": \"me\""),
       "c.json:3:2: error: /services/0/owner: unknown key \"owner\" "
       "(expected name, vip, protocol, ports, mode, scheduler, "
       "mh_table_size, mh_port, persistence, real_servers, health_check, "
       "on_failure, quorum, hysteresis, flush_conntrack, sorry_server, "
       "all_down or comment)\n"},
      {"unknown key in a real server",
       Svc("\"real_servers\": [{\"address\": \"10.0.1.1\", \"wieght\": 2}]"),
       "c.json:3:43: error: /services/0/real_servers/0/wieght: unknown key "
       "\"wieght\" (did you mean \"weight\"?)\n"},
      {"name must be a string", Svc("\"comment\": 5"),
       "c.json:3:13: error: /services/0/comment: expected a string, got "
       "number 5\n"},
      {"boolean expected", Svc("\"scheduler\": \"mh\", \"mh_port\": \"no\""),
       "c.json:3:32: error: /services/0/mh_port: expected a boolean, got "
       "string \"no\"\n"},
      {"real_servers must be an array", Svc("\"real_servers\": {}"),
       "c.json:3:18: error: /services/0/real_servers: expected an array of "
       "real servers, got an object\n"},
      {"integer expected, not a fraction",
       Svc("\"real_servers\": [{\"address\": \"10.0.1.1\", \"weight\": 1.5}]"),
       "c.json:3:53: error: /services/0/real_servers/0/weight: expected an "
       "integer, got number 1.5\n"},
      {"enum with a case slip", Svc("\"protocol\": \"TCP\""),
       "c.json:3:14: error: /services/0/protocol: unknown protocol \"TCP\" "
       "(did you mean \"tcp\"?)\n"},
      {"enum with nothing close", Svc("\"mode\": \"direct\""),
       "c.json:3:10: error: /services/0/mode: unknown mode \"direct\" "
       "(expected nat, dr, tun or fullnat)\n"},
      {"real-server state",
       Svc("\"real_servers\": [{\"address\": \"10.0.1.1\", \"state\": "
           "\"drained\"}]"),
       "c.json:3:52: error: /services/0/real_servers/0/state: unknown state "
       "\"drained\" (did you mean \"drain\"?)\n"},
      {"persistence must be an object", Svc("\"persistence\": true"),
       "c.json:3:17: error: /services/0/persistence: expected an object, got "
       "true\n"},
  });
}

TEST(ParseTest, RequiredKeys) {
  RunCases({
      {"service without name, vip and ports",
       "{\"version\": 1, \"director\": {\"interface\": \"eth0\"}, "
       "\"services\": [\n{\"mode\": \"nat\"}]}",
       "c.json:2:1: error: /services/0: missing required key \"name\"\n"
       "c.json:2:1: error: /services/0: missing required key \"vip\"\n"
       "c.json:2:1: error: /services/0: missing required key \"ports\"\n"},
      {"real server without address", Svc("\"real_servers\": [{}]"),
       "c.json:3:19: error: /services/0/real_servers/0: missing required key "
       "\"address\"\n"},
  });
}

TEST(ParseTest, Addresses) {
  RunCases({
      {"IPv4 octet out of range",
       Svc("\"real_servers\": [{\"address\": \"10.0.1.300\"}]"),
       "c.json:3:31: error: /services/0/real_servers/0/address: invalid IP "
       "address \"10.0.1.300\": expected dotted-quad IPv4 or IPv6\n"},
      {"prefix length given",
       Svc("\"real_servers\": [{\"address\": \"10.0.1.1/24\"}]"),
       "c.json:3:31: error: /services/0/real_servers/0/address: invalid IP "
       "address \"10.0.1.1/24\": write the address without a prefix "
       "length\n"},
      {"address must be a string",
       Svc("\"real_servers\": [{\"address\": 167772417}]"),
       "c.json:3:31: error: /services/0/real_servers/0/address: expected a "
       "string, got number 167772417\n"},
      {"local address invalid, unusable and duplicate",
       Dir("{\"interface\": \"eth0\", \"local_addresses\": [\"x\", "
           "\"127.0.0.1\", \"10.0.0.9\", \"10.0.0.9\"]}"),
       "c.json:2:55: error: /director/local_addresses/0: invalid IP address "
       "\"x\": expected dotted-quad IPv4 or IPv6\n"
       "c.json:2:60: error: /director/local_addresses/1: local address "
       "127.0.0.1 is not usable: 127.0.0.0/8 is loopback\n"
       "c.json:2:85: error: /director/local_addresses/3: duplicate local "
       "address 10.0.0.9\n"},
      {"local_addresses must be an array",
       Dir("{\"interface\": \"eth0\", \"local_addresses\": \"10.0.0.9\"}"),
       "c.json:2:54: error: /director/local_addresses: expected an array of "
       "IP addresses, got string \"10.0.0.9\"\n"},
  });
}

TEST(ParseTest, Ports) {
  auto ports = [](const std::string& p) {
    return "{\"version\": 1, \"director\": {\"interface\": \"eth0\"}, "
           "\"services\": [\n{\"name\": \"web\", \"vip\": \"10.0.0.1\",\n"
           "\"ports\": " +
           p + "}]}";
  };
  RunCases({
      {"port zero", ports("0"),
       "c.json:3:10: error: /services/0/ports: 0 is out of range 1..65535\n"},
      {"port too large in a list", ports("[80, 65536]"),
       "c.json:3:15: error: /services/0/ports/1: 65536 is out of range "
       "1..65535\n"},
      {"empty list", ports("[]"),
       "c.json:3:10: error: /services/0/ports: ports must list at least one "
       "port\n"},
      {"reversed range", ports("\"90-80\""),
       "c.json:3:10: error: /services/0/ports: invalid port range \"90-80\": "
       "90 is greater than 80\n"},
      {"range end too large", ports("[\"1-70000\"]"),
       "c.json:3:11: error: /services/0/ports/0: port 70000 in \"1-70000\" is "
       "out of range 1..65535\n"},
      {"service name instead of a number", ports("[\"http\"]"),
       "c.json:3:11: error: /services/0/ports/0: invalid port range "
       "\"http\": expected \"PORT\" or \"FIRST-LAST\"\n"},
      {"spaces in a range", ports("[\"80 - 90\"]"),
       "c.json:3:11: error: /services/0/ports/0: invalid port range \"80 - "
       "90\": expected \"PORT\" or \"FIRST-LAST\"\n"},
      {"signed range", ports("[\"-5\"]"),
       "c.json:3:11: error: /services/0/ports/0: invalid port range \"-5\": "
       "expected \"PORT\" or \"FIRST-LAST\"\n"},
      {"nested list", ports("[[80]]"),
       "c.json:3:11: error: /services/0/ports/0: expected a port number or a "
       "\"FIRST-LAST\" string, got an array\n"},
      {"fractional port", ports("[80.5]"),
       "c.json:3:11: error: /services/0/ports/0: expected an integer, got "
       "number 80.5\n"},
      {"huge port", ports("[99999999999999999999]"),
       "c.json:3:11: error: /services/0/ports/0: 99999999999999999999 is out "
       "of range 1..65535\n"},
  });
}

TEST(ParseTest, Ranges) {
  RunCases({
      {"flow_timeout zero", Dir("{\"interface\": \"e\", \"flow_timeout\": 0}"),
       "c.json:2:48: error: /director/flow_timeout: 0 is out of range "
       "1..86400\n"},
      {"flow_table_size too large",
       Dir("{\"interface\": \"e\", \"flow_table_size\": 16777217}"),
       "c.json:2:51: error: /director/flow_table_size: 16777217 is out of "
       "range 0..16777216\n"},
      {"negative weight",
       Svc("\"real_servers\": [{\"address\": \"10.0.1.1\", \"weight\": -1}]"),
       "c.json:3:53: error: /services/0/real_servers/0/weight: -1 is out of "
       "range 0..65535\n"},
      {"weight too large",
       Svc("\"real_servers\": [{\"address\": \"10.0.1.1\", \"weight\": "
           "65536}]"),
       "c.json:3:53: error: /services/0/real_servers/0/weight: 65536 is out "
       "of range 0..65535\n"},
      {"real-server port zero",
       Svc("\"real_servers\": [{\"address\": \"10.0.1.1\", \"port\": 0}]"),
       "c.json:3:51: error: /services/0/real_servers/0/port: 0 is out of "
       "range 1..65535\n"},
      {"persistence timeout zero", Svc("\"persistence\": {\"timeout\": 0}"),
       "c.json:3:29: error: /services/0/persistence/timeout: 0 is out of "
       "range 1..86400\n"},
      {"IPv4 netmask longer than 32", Svc("\"persistence\": {\"netmask\": 33}"),
       "c.json:3:29: error: /services/0/persistence/netmask: netmask /33 is "
       "longer than an IPv4 address (at most /32)\n"},
      {"netmask over 128", Svc("\"persistence\": {\"netmask\": 129}"),
       "c.json:3:29: error: /services/0/persistence/netmask: 129 is out of "
       "range 0..128\n"},
      {"mh_table_size without mh", Svc("\"mh_table_size\": 251"),
       "c.json:3:19: error: /services/0/mh_table_size: mh_table_size applies "
       "only to the mh scheduler (this service uses wrr)\n"},
      {"mh_port without mh", Svc("\"scheduler\": \"sh\", \"mh_port\": false"),
       "c.json:3:32: error: /services/0/mh_port: mh_port applies only to the "
       "mh scheduler (this service uses sh)\n"},
  });
}

TEST(ParseTest, ReportsAllErrorsNotJustTheFirst) {
  const std::string text =
      "{\"version\": 1, \"director\": {\"interface\": \"eth0\", "
      "\"flow_timeout\": -5},\n"
      "\"services\": [\n"
      "{\"name\": \"a\", \"vip\": \"10.0.0.1\", \"ports\": [0], \"mode\": "
      "\"nat\", \"prot\": \"tcp\"},\n"
      "{\"name\": \"b\", \"vip\": \"10.0.0.x\", \"ports\": [81],\n"
      " \"real_servers\": [{\"address\": \"10.0.1.1\", \"weight\": \"3\"},\n"
      "                  {\"address\": \"10.0.1.2\", \"state\": \"gone\"}]}\n"
      "]}";
  EXPECT_EQ(Load(text),
            "c.json:1:66: error: /director/flow_timeout: -5 is out of range "
            "1..86400\n"
            "c.json:3:44: error: /services/0/ports/0: 0 is out of range "
            "1..65535\n"
            "c.json:3:63: error: /services/0/prot: unknown key \"prot\" (did "
            "you mean \"protocol\"?)\n"
            "c.json:4:22: error: /services/1/vip: invalid IP address "
            "\"10.0.0.x\": expected dotted-quad IPv4 or IPv6\n"
            "c.json:5:53: error: /services/1/real_servers/0/weight: expected "
            "an integer, got string \"3\"\n"
            "c.json:6:52: error: /services/1/real_servers/1/state: unknown "
            "state \"gone\" (expected up, drain or down)\n");
}

TEST(ParseTest, DefaultsAndOrigins) {
  Diagnostics d("c.json");
  auto cfg = ParseConfig(
      "{\"version\": 1, \"services\": [\n"
      "{\"name\": \"a\", \"vip\": \"10.0.0.1\", \"ports\": 80,\n"
      " \"real_servers\": [{\"address\": \"10.0.1.1\"}]},\n"
      "{\"name\": \"b\", \"vip\": \"10.0.0.2\", \"ports\": [\"1-9\", 22], "
      "\"mode\": \"dr\",\n"
      " \"persistence\": {}, \"real_servers\": [{\"address\": \"10.0.1.2\", "
      "\"port\": 22}]}]}",
      d);
  ASSERT_TRUE(cfg) << d.FormatAll();
  const Director& dir = cfg->director;
  EXPECT_TRUE(dir.interface.empty());
  EXPECT_TRUE(dir.manage_vips);
  EXPECT_EQ(dir.flow_timeout_s, 900u);
  EXPECT_EQ(dir.flow_table_size, 262144u);
  ASSERT_EQ(cfg->services.size(), 2u);
  const Service& a = cfg->services[0];
  const Service& b = cfg->services[1];
  EXPECT_EQ(a.protocol, Proto::kTcp);
  EXPECT_EQ(a.mode, Mode::kNat);
  EXPECT_EQ(a.scheduler, Scheduler::kWrr) << "nat defaults to wrr";
  EXPECT_FALSE(a.scheduler_given);
  EXPECT_EQ(b.scheduler, Scheduler::kMh) << "dr defaults to mh";
  EXPECT_EQ(b.mh_table_size, 4093u);
  EXPECT_TRUE(b.mh_port);
  EXPECT_FALSE(a.persistence.has_value());
  ASSERT_TRUE(b.persistence.has_value());
  EXPECT_EQ(b.persistence->timeout_s, 300u);
  EXPECT_EQ(b.persistence->netmask, -1);
  const RealServer& ra = a.real_servers[0];
  EXPECT_EQ(ra.weight, 1u);
  EXPECT_EQ(ra.state, RsState::kUp);
  EXPECT_FALSE(ra.port.has_value());
  ASSERT_EQ(b.ports.size(), 2u);
  EXPECT_EQ(b.ports[0].first, 1);
  EXPECT_EQ(b.ports[0].last, 9);
  struct Want {
    const char* desc;
    const Origin& o;
    const char* pointer;
    int line, col;
  };
  const Want wants[] = {
      {"director absent: the root", dir.origin, "", 1, 1},
      {"service", a.origin, "/services/0", 2, 1},
      {"name", a.name_origin, "/services/0/name", 2, 10},
      {"vip", a.vip_origin, "/services/0/vip", 2, 22},
      {"single port", a.ports[0].origin, "/services/0/ports", 2, 43},
      {"mode absent: the service", a.mode_origin, "/services/0", 2, 1},
      {"scheduler absent: the service", b.scheduler_origin, "/services/1", 4,
       1},
      {"mode", b.mode_origin, "/services/1/mode", 4, 64},
      {"port in a list", b.ports[1].origin, "/services/1/ports/1", 4, 51},
      {"persistence", b.persistence->origin, "/services/1/persistence", 5, 17},
      {"real server", ra.origin, "/services/0/real_servers/0", 3, 19},
      {"address", ra.address_origin, "/services/0/real_servers/0/address", 3,
       31},
      {"port absent: the server", ra.port_origin, "/services/0/real_servers/0",
       3, 19},
      {"port", b.real_servers[0].port_origin, "/services/1/real_servers/0/port",
       5, 70},
  };
  for (const auto& w : wants) {
    EXPECT_EQ(w.o.pointer.str(), w.pointer) << w.desc;
    EXPECT_EQ(w.o.loc.line, w.line) << w.desc;
    EXPECT_EQ(w.o.loc.col, w.col) << w.desc;
  }
}

TEST(ParseTest, ExamplesLoad) {
  namespace fs = std::filesystem;
  int n = 0;
  for (const auto& e : fs::directory_iterator(LVSNFT_SOURCE_DIR "/examples")) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    Diagnostics d(e.path().filename().string());
    EXPECT_TRUE(LoadConfig(ss.str(), d)) << d.FormatAll();
    ++n;
  }
  EXPECT_GE(n, 5);
}

/// A pretty-printed NAT config of `n` services with 10 real servers each.
std::string PrettyConfig(int n) {
  std::string out =
      "{\n  \"version\": 1,\n  \"director\": {\"interface\": \"eth0\"},"
      "\n  \"services\": [";
  for (int i = 0; i < n; ++i) {
    std::string net = std::to_string(i / 250) + "." + std::to_string(i % 250);
    out += std::string(i ? "," : "") + "\n    {\n      \"name\": \"s" +
           std::to_string(i) + "\",\n      \"vip\": \"10." + net +
           ".1\",\n      \"ports\": [\n        80\n      ],\n"
           "      \"real_servers\": [";
    for (int r = 0; r < 10; ++r) {
      out += std::string(r ? "," : "") +
             "\n        {\n          \"address\": \"172." + net + "." +
             std::to_string(r + 2) +
             "\",\n          \"port\": 8080,\n          \"weight\": 1\n"
             "        }";
    }
    out += "\n      ]\n    }";
  }
  return out + "\n  ]\n}\n";
}

TEST(ParseTest, ConfigOverEightMebibytesLoads) {
  // The reader's old 8 MiB limit refused this size ("input too large").
  std::string text = PrettyConfig(9000);
  ASSERT_GT(text.size(), size_t{8} << 20);
  Diagnostics d("c.json");
  auto cfg = LoadConfig(text, d);
  ASSERT_TRUE(cfg) << d.FormatAll().substr(0, 400);
  ASSERT_EQ(cfg->services.size(), 9000u);
  const RealServer& last = cfg->services.back().real_servers.back();
  EXPECT_EQ(last.address_origin.pointer.str(),
            "/services/8999/real_servers/9/address");
  EXPECT_EQ(last.address.ToString(), "172.35.249.11");
  size_t at = text.rfind("\"172.");
  size_t line_start = text.rfind('\n', at) + 1;
  EXPECT_EQ(last.address_origin.loc.line,
            1 + std::count(text.begin(), text.begin() + at, '\n'));
  EXPECT_EQ(last.address_origin.loc.col, static_cast<int>(at - line_start) + 1);
}

TEST(SuggestTest, ClosestName) {
  const std::string_view known[] = {"protocol", "ports", "port", "weight",
                                    "vip"};
  struct C {
    const char* desc;
    const char* word;
    const char* want;  // "" = no suggestion
  };
  const C cases[] = {
      {"abbreviation completes", "prot", "protocol"},
      {"case slip", "VIP", "vip"},
      {"one typo", "weigt", "weight"},
      {"transposition", "wieght", "weight"},
      {"plural slip", "portss", "ports"},
      {"nothing close", "owner", ""},
      {"short words need a close match", "id", ""},
      {"one letter is no abbreviation", "p", ""},
  };
  for (const auto& c : cases) {
    auto got = ClosestName(c.word, known);
    EXPECT_EQ(got ? std::string(*got) : "", c.want) << c.desc;
  }
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(ConfigNamesTest, NamesFollowTheEnums) {
  EXPECT_STREQ(ModeName(Mode::kFullNat), "fullnat");
  EXPECT_STREQ(ProtoName(Proto::kSctp), "sctp");
  EXPECT_STREQ(SchedulerName(Scheduler::kMh), "mh");
  EXPECT_STREQ(RsStateName(RsState::kDrain), "drain");
  EXPECT_EQ(ProtoNumber(Proto::kTcp), 6);
  EXPECT_EQ(ProtoNumber(Proto::kUdp), 17);
  EXPECT_EQ(ProtoNumber(Proto::kSctp), 132);
  EXPECT_TRUE(IsHashScheduler(Scheduler::kDh));
  EXPECT_FALSE(IsHashScheduler(Scheduler::kRandom));
  EXPECT_TRUE(IsStatelessMode(Mode::kTun));
  EXPECT_FALSE(IsStatelessMode(Mode::kFullNat));
}

}  // namespace
}  // namespace lvsnft
