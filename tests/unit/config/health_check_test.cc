// health_check objects and the service's failure policy: every error with
// its exact text and location, and the defaults EffectiveHealthCheck
// resolves for each real server.
#include "config/health_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/parse.h"
#include "test_util.h"

namespace lvsnft {
namespace {

using std::chrono::milliseconds;

/// A config with one service on line 2 whose keys continue with `extra`
/// on line 3 (column 2 on): `ports` as given, mode as given.
std::string Svc(const std::string& extra, const std::string& ports = "[80]",
                const std::string& mode = "nat") {
  return "{\"version\": 1, \"director\": {\"interface\": \"eth0\"}, "
         "\"services\": [\n{\"name\": \"web\", \"vip\": \"10.0.0.1\", "
         "\"ports\": " +
         ports + ", \"mode\": \"" + mode + "\",\n " + extra + "\n}]}";
}

/// Svc with a service-level health_check `hc` (line 3 from column 18).
std::string Hc(const std::string& hc) { return Svc("\"health_check\": " + hc); }

/// Svc with real servers `rs` (line 3 from column 19) after `before`.
std::string Rs(const std::string& before, const std::string& rs,
               const std::string& ports = "[80]") {
  return Svc(before + "\"real_servers\": " + rs, ports);
}

TEST(HealthCheckTest, ParseErrors) {
  testing::RunDiagCases({
      {"type is required on a service", Hc(R"({"interval": 5})"),
       "c.json:3:18: error: /services/0/health_check: missing required key "
       "\"type\"\n"},
      {"type with a typo", Hc(R"({"type": "tpc"})"),
       "c.json:3:27: error: /services/0/health_check/type: unknown type "
       "\"tpc\" (did you mean \"tcp\"?)\n"},
      {"unknown key suggests the closest",
       Hc(R"({"type": "tcp", "intreval": 5})"),
       "c.json:3:34: error: /services/0/health_check/intreval: unknown key "
       "\"intreval\" (did you mean \"interval\"?)\n"},
      {"health_check must be an object", Hc(R"("tcp")"),
       "c.json:3:18: error: /services/0/health_check: expected an object, got "
       "string \"tcp\"\n"},
      {"interval 0", Hc(R"({"type": "tcp", "interval": 0})"),
       "c.json:3:46: error: /services/0/health_check/interval: 0 is out of "
       "range: expected more than 0 and at most 3600 seconds\n"},
      {"interval above an hour", Hc(R"({"type": "tcp", "interval": 3601})"),
       "c.json:3:46: error: /services/0/health_check/interval: 3601 is out of "
       "range: expected more than 0 and at most 3600 seconds\n"},
      {"interval as a string with a unit",
       Hc(R"({"type": "tcp", "interval": "2s"})"),
       "c.json:3:46: error: /services/0/health_check/interval: expected a "
       "number of seconds, got string \"2s\"\n"},
      {"rise 0 and fall 101", Hc(R"({"type": "tcp", "rise": 0, "fall": 101})"),
       "c.json:3:42: error: /services/0/health_check/rise: 0 is out of range "
       "1..100\nc.json:3:53: error: /services/0/health_check/fall: 101 is out "
       "of range 1..100\n"},
      {"path without a leading slash",
       Hc(R"({"type": "http", "path": "health"})"),
       "c.json:3:43: error: /services/0/health_check/path: path \"health\" "
       "must start with '/'\n"},
      {"path with a space", Hc(R"({"type": "http", "path": "/a b"})"),
       "c.json:3:43: error: /services/0/health_check/path: path \"/a b\" must "
       "be non-empty, without whitespace or control characters\n"},
      {"empty host", Hc(R"({"type": "http", "host": ""})"),
       "c.json:3:43: error: /services/0/health_check/host: host \"\" must be "
       "non-empty, without whitespace or control characters\n"},
      {"status code above 599", Hc(R"({"type": "http", "status": [200, 600]})"),
       "c.json:3:51: error: /services/0/health_check/status/1: 600 is out of "
       "range 100..599\n"},
      {"status pattern that is no range",
       Hc(R"({"type": "http", "status": "2xx"})"),
       "c.json:3:45: error: /services/0/health_check/status: invalid status "
       "range \"2xx\": expected \"CODE\" or \"FIRST-LAST\"\n"},
      {"status range past 599", Hc(R"({"type": "http", "status": "200-700"})"),
       "c.json:3:45: error: /services/0/health_check/status: status 700 in "
       "\"200-700\" is out of range 100..599\n"},
      {"status range backwards",
       Hc(R"({"type": "http", "status": ["399-200"]})"),
       "c.json:3:46: error: /services/0/health_check/status/0: invalid status "
       "range \"399-200\": 399 is greater than 200\n"},
      {"empty status list", Hc(R"({"type": "http", "status": []})"),
       "c.json:3:45: error: /services/0/health_check/status: status must list "
       "at least one code or range\n"},
      {"status of the wrong type", Hc(R"({"type": "http", "status": true})"),
       "c.json:3:45: error: /services/0/health_check/status: expected a status "
       "code or a \"FIRST-LAST\" string, got true\n"},
      {"regex with an open group", Hc(R"({"type": "http", "regex": "(ok"})"),
       "c.json:3:44: error: /services/0/health_check/regex: invalid regular "
       "expression \"(ok\": unmatched '(' or ')', or a '*', '+' or '?' that "
       "repeats nothing\n"},
      {"regex with an open bracket", Hc(R"({"type": "http", "regex": "[ok"})"),
       "c.json:3:44: error: /services/0/health_check/regex: invalid regular "
       "expression \"[ok\": unmatched '['\n"},
      {"udp expect repeating nothing",
       Hc(R"({"type": "udp", "expect": "*pong"})"),
       "c.json:3:44: error: /services/0/health_check/expect: invalid regular "
       "expression \"*pong\": unmatched '(' or ')', or a '*', '+' or '?' that "
       "repeats nothing\n"},
      {"hex payload with a non-hex digit",
       Hc(R"({"type": "udp", "payload": "hex:0g"})"),
       "c.json:3:45: error: /services/0/health_check/payload: invalid payload "
       "\"hex:0g\": expected pairs of hex digits after \"hex:\"\n"},
      {"hex payload with an odd length",
       Hc(R"({"type": "udp", "payload": "hex:abc"})"),
       "c.json:3:45: error: /services/0/health_check/payload: invalid payload "
       "\"hex:abc\": expected pairs of hex digits after \"hex:\"\n"},
      {"empty command", Hc(R"({"type": "exec", "command": []})"),
       "c.json:3:46: error: /services/0/health_check/command: command must "
       "name a program\n"},
      {"relative program",
       Hc(R"({"type": "exec", "command": ["check.sh", "-v"]})"),
       "c.json:3:47: error: /services/0/health_check/command/0: program "
       "\"check.sh\" must be an absolute path (exec checks run without a shell "
       "or PATH search)\n"},
      {"command as one string",
       Hc(R"({"type": "exec", "command": "/bin/true"})"),
       "c.json:3:46: error: /services/0/health_check/command: expected an "
       "array of strings (program and arguments), got string \"/bin/true\"\n"},
      {"command argument not a string",
       Hc(R"({"type": "exec", "command": ["/bin/x", 5]})"),
       "c.json:3:57: error: /services/0/health_check/command/1: expected a "
       "string, got number 5\n"},
      {"initial_state alpha",
       Hc(R"({"type": "tcp", "initial_state": "alpha"})"),
       "c.json:3:51: error: /services/0/health_check/initial_state: unknown "
       "initial_state \"alpha\" (expected up or down)\n"},
      {"verify as a string", Hc(R"({"type": "https", "verify": "yes"})"),
       "c.json:3:46: error: /services/0/health_check/verify: expected a "
       "boolean, got string \"yes\"\n"},
      {"port 0", Hc(R"({"type": "tcp", "port": 0})"),
       "c.json:3:42: error: /services/0/health_check/port: 0 is out of range "
       "1..65535\n"},
      {"invalid address", Hc(R"({"type": "tcp", "address": "10.0.1.300"})"),
       "c.json:3:45: error: /services/0/health_check/address: invalid IP "
       "address \"10.0.1.300\": expected dotted-quad IPv4 or IPv6\n"},
      {"type with a typo on a real server",
       Rs(R"()",
          R"([{"address": "10.0.1.1", "health_check": {"type": "htp"}}])"),
       "c.json:3:68: error: /services/0/real_servers/0/health_check/type: "
       "unknown type \"htp\" (did you mean \"http\"?)\n"},
  });
}

TEST(HealthCheckTest, MergedChecksAndTimes) {
  testing::RunDiagCases({
      {"path on a tcp check", Hc(R"({"type": "tcp", "path": "/"})"),
       "c.json:3:42: error: /services/0/health_check/path: path applies only "
       "to http and https checks (this check is tcp)\n"},
      {"command on an http check",
       Hc(R"({"type": "http", "command": ["/bin/true"]})"),
       "c.json:3:46: error: /services/0/health_check/command: command applies "
       "only to exec checks (this check is http)\n"},
      {"sni on an http check", Hc(R"({"type": "http", "sni": "example.org"})"),
       "c.json:3:42: error: /services/0/health_check/sni: sni applies only to "
       "https checks (this check is http)\n"},
      {"port on an exec check",
       Hc(R"({"type": "exec", "command": ["/bin/true"], "port": 80})"),
       "c.json:3:69: error: /services/0/health_check/port: port applies only "
       "to tcp, http, https and udp checks (this check is exec)\n"},
      {"timeout longer than the default interval",
       Hc(R"({"type": "tcp", "timeout": 3})"),
       "c.json:3:45: error: /services/0/health_check/timeout: timeout 3 s is "
       "longer than interval 2 s\n"},
      {"fast_interval longer than the interval",
       Hc(R"({"type": "tcp", "interval": 2, "fast_interval": 2.5})"),
       "c.json:3:66: error: /services/0/health_check/fast_interval: "
       "fast_interval 2.5 s is longer than interval 2 s\n"},
      {"timeout equal to the interval",
       Hc(R"({"type": "tcp", "interval": 0.5, "timeout": 0.5, "fast_interval": 0.25})"),
       ""},
      {"a service error is reported once, not per server",
       Rs(R"("health_check": {"type": "tcp", "timeout": 3}, )",
          R"([{"address": "10.0.1.1"}, {"address": "10.0.1.2"}])"),
       "c.json:3:45: error: /services/0/health_check/timeout: timeout 3 s is "
       "longer than interval 2 s\n"},
      {"server interval shorter than the service timeout",
       Rs(R"("health_check": {"type": "tcp", "timeout": 1.5}, )",
          R"([{"address": "10.0.1.1", "health_check": {"interval": 1}}])"),
       "c.json:3:121: error: /services/0/real_servers/0/health_check/interval: "
       "timeout 1.5 s is longer than interval 1 s\n"},
      {"another type drops the service's http fields",
       Rs(R"("health_check": {"type": "http", "path": "/h"}, )",
          R"([{"address": "10.0.1.1", "health_check": {"type": "tcp"}}])"),
       ""},
      {"path on a server whose inherited check is tcp",
       Rs(R"("health_check": {"type": "tcp"}, )",
          R"([{"address": "10.0.1.1", "health_check": {"path": "/"}}])"),
       "c.json:3:101: error: /services/0/real_servers/0/health_check/path: "
       "path applies only to http and https checks (this check is tcp)\n"},
      {"server check without type and no service check",
       Rs(R"()", R"([{"address": "10.0.1.1", "health_check": {"port": 81}}])"),
       "c.json:3:59: error: /services/0/real_servers/0/health_check: missing "
       "required key \"type\" (the service has no health_check to inherit it "
       "from)\n"},
      {"no port: several service ports and none on the server",
       Rs(R"("health_check": {"type": "tcp"}, )",
          R"([{"address": "10.0.1.1"}, {"address": "10.0.1.2", "port": 81}])",
          R"([80, 81])"),
       "c.json:3:52: error: /services/0/real_servers/0: health_check needs a "
       "port: real server 10.0.1.1 has none and the service has several ports "
       "(set \"port\" in the real server or in its health_check)\n"},
      {"no port on a port range",
       Rs(R"()",
          R"([{"address": "10.0.1.1", "health_check": {"type": "http"}}])",
          R"(["80-81"])"),
       "c.json:3:59: error: /services/0/real_servers/0/health_check: "
       "health_check needs a port: real server 10.0.1.1 has none and the "
       "service has several ports (set \"port\" in the real server or in its "
       "health_check)\n"},
      {"the check's own port suffices",
       Rs(R"()",
          R"([{"address": "10.0.1.1", "health_check": {"type": "tcp", "port": 81}}])",
          R"([80, 81])"),
       ""},
      {"exec needs no port",
       Rs(R"("health_check": {"type": "exec", "command": ["/bin/true"]}, )",
          R"([{"address": "10.0.1.1"}])", R"([80, 81])"),
       ""},
      {"loopback check address",
       Hc(R"({"type": "tcp", "address": "127.0.0.1"})"),
       "c.json:3:45: error: /services/0/health_check/address: health check "
       "address 127.0.0.1 is not usable: 127.0.0.0/8 is loopback\n"},
      {"every field of an https check",
       Hc(R"({"type": "https", "path": "/health", "host": "www.example.org", "sni": "example.org", "status": [200, "300-302"], "regex": "^ok$", "verify": false, "interval": 5, "timeout": 1, "fast_interval": 1, "rise": 1, "fall": 1, "initial_state": "down", "address": "10.0.2.1", "port": 8443})"),
       ""},
  });
}

TEST(HealthCheckTest, PolicyErrors) {
  testing::RunDiagCases({
      {"on_failure unknown", Svc(R"("on_failure": "drop")"),
       "c.json:3:16: error: /services/0/on_failure: unknown on_failure "
       "\"drop\" (expected remove or drain)\n"},
      {"all_down with a typo", Svc(R"("all_down": "panik")"),
       "c.json:3:14: error: /services/0/all_down: unknown all_down \"panik\" "
       "(did you mean \"panic\"?)\n"},
      {"negative quorum", Svc(R"("quorum": -1)"),
       "c.json:3:12: error: /services/0/quorum: -1 is out of range "
       "0..4294967295\n"},
      {"sorry_server without address", Svc(R"("sorry_server": {"port": 80})"),
       "c.json:3:18: error: /services/0/sorry_server: missing required key "
       "\"address\"\n"},
      {"sorry_server with an unknown key",
       Svc(R"("sorry_server": {"address": "10.0.9.9", "prot": 80})"),
       "c.json:3:42: error: /services/0/sorry_server/prot: unknown key "
       "\"prot\" (did you mean \"port\"?)\n"},
      {"hysteresis without quorum", Svc(R"("hysteresis": 1)"),
       "c.json:3:16: error: /services/0/hysteresis: hysteresis applies only "
       "with a quorum\n"},
      {"hysteresis as large as the quorum",
       Rs(R"("quorum": 2, "hysteresis": 2, )",
          R"([{"address": "10.0.1.1", "weight": 5}])"),
       "c.json:3:29: error: /services/0/hysteresis: hysteresis 2 must be less "
       "than quorum 2\n"},
      {"quorum above the weight of the servers that are up",
       Rs(R"("quorum": 3, "hysteresis": 1, )",
          R"([{"address": "10.0.1.1", "weight": 3}, {"address": "10.0.1.2", "weight": 5, "state": "down"}])"),
       "c.json:3:12: error: /services/0/quorum: quorum 3 + hysteresis 1 is "
       "more than the weight 3 of the servers that are up: it could never be "
       "reached\n"},
      {"quorum exactly reachable",
       Rs(R"("quorum": 2, "hysteresis": 1, )",
          R"([{"address": "10.0.1.1", "weight": 3}])"),
       ""},
      {"flush_conntrack in dr mode",
       Svc(R"("flush_conntrack": true)", R"([80])", R"(dr)"),
       "c.json:3:21: error: /services/0/flush_conntrack: flush_conntrack "
       "applies only to nat and fullnat services: dr mode has no connection "
       "tracking\n"},
      {"flush_conntrack with drain",
       Svc(R"("on_failure": "drain", "flush_conntrack": true)"),
       "c.json:3:44: error: /services/0/flush_conntrack: flush_conntrack "
       "applies only with on_failure \"remove\": a drained server keeps its "
       "established connections\n"},
      {"sorry server of the other family",
       Svc(R"("sorry_server": {"address": "2001:db8::9"})"),
       "c.json:3:30: error: /services/0/sorry_server/address: sorry server "
       "2001:db8::9 is IPv6 but the VIP 10.0.0.1 is IPv4\n"},
      {"loopback sorry server",
       Svc(R"("sorry_server": {"address": "127.0.0.1", "port": 8080})"),
       "c.json:3:30: error: /services/0/sorry_server/address: sorry server "
       "127.0.0.1 is not usable: 127.0.0.0/8 is loopback\n"},
      {"sorry server port in dr mode",
       Svc(R"("sorry_server": {"address": "10.0.9.9", "port": 8080})",
           R"([80])", R"(dr)"),
       "c.json:3:50: error: /services/0/sorry_server/port: the sorry server "
       "cannot have another port in dr mode: the packet is forwarded "
       "unchanged\n"},
      {"sorry server on the VIP port in dr mode",
       Svc(R"("sorry_server": {"address": "10.0.9.9", "port": 80})", R"([80])",
           R"(dr)"),
       ""},
      {"all_down beside a sorry server",
       Svc(R"("sorry_server": {"address": "10.0.9.9"}, "all_down": "panic")"),
       "c.json:3:55: error: /services/0/all_down: all_down applies only "
       "without a sorry_server, which receives the traffic when every server "
       "is down\n"},
      {"every policy key",
       Rs(R"("on_failure": "remove", "flush_conntrack": true, "quorum": 2, "hysteresis": 1, "all_down": "panic", )",
          R"([{"address": "10.0.1.1", "weight": 3}])"),
       ""},
  });
}

/// Loads `text` (which must be valid) and returns the check of real
/// server `rs` of the first service.
std::optional<HealthCheck> Effective(const std::string& text, size_t rs = 0) {
  Diagnostics d("c.json");
  auto cfg = LoadConfig(text, d);
  EXPECT_TRUE(cfg) << d.FormatAll();
  if (!cfg) return std::nullopt;
  const Service& s = cfg->services.at(0);
  return EffectiveHealthCheck(s, s.real_servers.at(rs));
}

TEST(HealthCheckTest, NoCheckWithoutHealthCheck) {
  EXPECT_FALSE(Effective(Rs("", R"([{"address": "10.0.1.1"}])")));
}

TEST(HealthCheckTest, TcpDefaultsTakeTheServiceOnlyPort) {
  auto c = Effective(Rs(R"("health_check": {"type": "tcp"}, )",
                        R"([{"address": "10.0.1.1"}])"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, CheckType::kTcp);
  EXPECT_EQ(c->address.ToString(), "10.0.1.1");
  EXPECT_EQ(c->port, 80);
  EXPECT_EQ(c->interval, milliseconds(2000));
  EXPECT_EQ(c->timeout, milliseconds(2000));
  EXPECT_EQ(c->fast_interval, milliseconds(1000));
  EXPECT_EQ(c->rise, 2u);
  EXPECT_EQ(c->fall, 3u);
  EXPECT_EQ(c->initial_state, InitialState::kUp);
}

TEST(HealthCheckTest, TimeoutAndFastIntervalFollowTheInterval) {
  struct C {
    const char* desc;
    const char* hc;
    int64_t timeout_ms, fast_ms;
  };
  const C cases[] = {
      {"long interval: timeout 5 s, fast 1 s",
       R"({"type": "tcp", "interval": 10})", 5000, 1000},
      {"short interval: both the interval",
       R"({"type": "tcp", "interval": 0.5})", 500, 500},
      {"fractions of a millisecond round up",
       R"({"type": "tcp", "interval": 0.0001})", 1, 1},
      {"explicit values win",
       R"({"type": "tcp", "interval": 4, "timeout": 0.25, "fast_interval": 3})",
       250, 3000},
  };
  for (const auto& c : cases) {
    auto hc = Effective(Rs("\"health_check\": " + std::string(c.hc) + ", ",
                           R"([{"address": "10.0.1.1"}])"));
    ASSERT_TRUE(hc) << c.desc;
    EXPECT_EQ(hc->timeout, milliseconds(c.timeout_ms)) << c.desc;
    EXPECT_EQ(hc->fast_interval, milliseconds(c.fast_ms)) << c.desc;
  }
}

TEST(HealthCheckTest, HttpDefaults) {
  auto c = Effective(Rs(R"("health_check": {"type": "https"}, )",
                        R"([{"address": "10.0.1.1", "port": 8443}])"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->port, 8443);
  EXPECT_EQ(c->path, "/");
  EXPECT_EQ(c->host, "10.0.1.1");
  EXPECT_EQ(c->sni, "") << "no SNI for an address";
  EXPECT_TRUE(c->verify);
  EXPECT_EQ(c->status, (std::vector<StatusRange>{{200, 399}}));
  EXPECT_EQ(c->regex, "");
}

TEST(HealthCheckTest, SniDefaultsToTheHostAndIpv6HostsAreBracketed) {
  std::string v6 =
      "{\"version\": 1, \"director\": {\"interface\": \"eth0\"}, "
      "\"services\": [{\"name\": \"web\", \"vip\": \"2001:db8::1\", "
      "\"ports\": 443, \"health_check\": {\"type\": \"https\"}, "
      "\"real_servers\": [{\"address\": \"2001:db8::10\"}, "
      "{\"address\": \"2001:db8::11\", \"health_check\": "
      "{\"host\": \"www.example.org\"}}]}]}";
  auto a = Effective(v6, 0);
  auto b = Effective(v6, 1);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->host, "[2001:db8::10]");
  EXPECT_EQ(a->sni, "");
  EXPECT_EQ(b->host, "www.example.org");
  EXPECT_EQ(b->sni, "www.example.org");
}

TEST(HealthCheckTest, ServerOverrideMergesFieldByField) {
  std::string text =
      Rs(R"("health_check": {"type": "http", "path": "/h", "status": 204, )"
         R"("interval": 5, "port": 8081}, )",
         R"([{"address": "10.0.1.1", "health_check": {"port": 9000}}, )"
         R"({"address": "10.0.1.2", "health_check": {"type": "tcp"}}, )"
         R"({"address": "10.0.1.3"}])");
  auto over = Effective(text, 0);
  auto retyped = Effective(text, 1);
  auto inherited = Effective(text, 2);
  ASSERT_TRUE(over && retyped && inherited);
  EXPECT_EQ(over->type, CheckType::kHttp);
  EXPECT_EQ(over->path, "/h");
  EXPECT_EQ(over->status, (std::vector<StatusRange>{{204, 204}}));
  EXPECT_EQ(over->port, 9000);
  EXPECT_EQ(over->interval, milliseconds(5000));
  EXPECT_EQ(retyped->type, CheckType::kTcp);
  EXPECT_EQ(retyped->path, "/") << "a new type drops the http fields";
  EXPECT_EQ(retyped->status, (std::vector<StatusRange>{{200, 399}}));
  EXPECT_EQ(retyped->port, 8081) << "the target stays";
  EXPECT_EQ(retyped->interval, milliseconds(5000)) << "timing stays";
  EXPECT_EQ(inherited->port, 8081);
  EXPECT_EQ(inherited->address.ToString(), "10.0.1.3");
}

TEST(HealthCheckTest, UdpPayloadAndExecCommand) {
  auto udp = Effective(
      Rs(R"("health_check": {"type": "udp", "payload": "hex:00ff0A", )"
         R"("expect": "^pong", "address": "10.0.2.2", "port": 53}, )",
         R"([{"address": "10.0.1.1"}])"));
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->payload, std::string("\x00\xff\x0a", 3));
  EXPECT_EQ(udp->expect, "^pong");
  EXPECT_EQ(udp->address.ToString(), "10.0.2.2");
  EXPECT_EQ(udp->port, 53);
  auto text = Effective(Rs(R"("health_check": {"type": "udp", )"
                           R"("payload": "ping"}, )",
                           R"([{"address": "10.0.1.1"}])"));
  ASSERT_TRUE(text);
  EXPECT_EQ(text->payload, "ping");
  auto exec = Effective(Rs(R"("health_check": {"type": "exec", )"
                           R"("command": ["/usr/bin/check", "-q", ""]}, )",
                           R"([{"address": "10.0.1.1"}])", "[80, 81]"));
  ASSERT_TRUE(exec);
  EXPECT_EQ(exec->port, 0);
  EXPECT_EQ(exec->command,
            (std::vector<std::string>{"/usr/bin/check", "-q", ""}));
}

TEST(HealthCheckTest, PolicyDefaults) {
  Diagnostics d("c.json");
  auto cfg = LoadConfig(Rs("", R"([{"address": "10.0.1.1"}])"), d);
  ASSERT_TRUE(cfg) << d.FormatAll();
  const HealthPolicy& p = cfg->services[0].health;
  EXPECT_EQ(p.on_failure, OnFailure::kRemove);
  EXPECT_FALSE(p.flush_conntrack);
  EXPECT_EQ(p.quorum, 0u);
  EXPECT_EQ(p.hysteresis, 0u);
  EXPECT_FALSE(p.sorry_server);
  EXPECT_EQ(p.all_down, AllDown::kDrop);
}

}  // namespace
}  // namespace lvsnft
