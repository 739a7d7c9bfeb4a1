#include "config/check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/parse.h"
#include "test_util.h"

namespace lvsnft {
namespace {

/// A config with director `dir` on line 1 and one service per line from
/// line 2 on, so that service i is reported on line i + 2.
std::string Cfg(const std::string& dir, const std::vector<std::string>& svcs) {
  std::string out =
      "{\"version\": 1, \"director\": " + dir + ", \"services\": [";
  for (size_t i = 0; i < svcs.size(); ++i) {
    out += (i ? ",\n" : "\n") + svcs[i];
  }
  return out + "\n]}";
}

/// The usual director: an interface and the default flow table.
const std::string kDir = "{\"interface\": \"eth0\"}";

void RunCases(const std::vector<testing::DiagCase>& cases) {
  testing::RunDiagCases(cases);
}

TEST(CheckTest, NamesAndDuplicates) {
  RunCases({
      {"duplicate service name points at the second",
       Cfg(kDir, {R"({"name": "web", "vip": "10.0.0.1", "ports": [80]})",
                  R"({"name": "web", "vip": "10.0.0.2", "ports": [80]})"}),
       "c.json:3:10: error: /services/1/name: duplicate service name \"web\" "
       "(first used at /services/0/name)\n"},
      {"dash suggests underscore",
       Cfg(kDir, {R"({"name": "my-web", "vip": "10.0.0.1", "ports": [80]})"}),
       "c.json:2:10: error: /services/0/name: service name \"my-web\" is not a "
       "safe identifier: use letters, digits and '_', start with a letter, at "
       "most 48 characters (try \"my_web\")\n"},
      {"leading digit",
       Cfg(kDir, {R"({"name": "1web", "vip": "10.0.0.1", "ports": [80]})"}),
       "c.json:2:10: error: /services/0/name: service name \"1web\" is not a "
       "safe identifier: use letters, digits and '_', start with a letter, at "
       "most 48 characters\n"},
      {"empty name",
       Cfg(kDir, {R"({"name": "", "vip": "10.0.0.1", "ports": [80]})"}),
       "c.json:2:10: error: /services/0/name: service name \"\" is not a safe "
       "identifier: use letters, digits and '_', start with a letter, at most "
       "48 characters\n"},
      {"49 characters",
       Cfg(kDir, {"{\"name\": \"" + std::string(49, 'a') +
                  "\", \"vip\": \"10.0.0.1\", \"ports\": [80]}"}),
       "c.json:2:10: error: /services/0/name: service name "
       "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a safe "
       "identifier: use letters, digits and '_', start with a letter, at most "
       "48 characters\n"},
      {"48 characters are fine",
       Cfg(kDir, {"{\"name\": \"" + std::string(48, 'a') +
                  "\", \"vip\": \"10.0.0.1\", \"ports\": [80]}"}),
       ""},
      {"duplicate real server, port implied by the single VIP port",
       Cfg(kDir, {R"({"name": "web", "vip": "10.0.0.1", "ports": [80], )"
                  R"("real_servers": [{"address": "10.0.1.1"}, )"
                  R"({"address": "10.0.1.1", "port": 80}]})"}),
       "c.json:2:105: error: /services/0/real_servers/1/address: duplicate "
       "real server 10.0.1.1:80 (first at /services/0/real_servers/0)\n"},
      {"duplicate real server without ports on a port list",
       Cfg(kDir, {R"({"name": "web", "vip": "10.0.0.1", "ports": [80, 81], )"
                  R"("real_servers": [{"address": "10.0.1.1"}, )"
                  R"({"address": "10.0.1.1"}]})"}),
       "c.json:2:109: error: /services/0/real_servers/1/address: duplicate "
       "real server 10.0.1.1 (first at /services/0/real_servers/0)\n"},
      {"same address on two ports is two servers",
       Cfg(kDir, {R"({"name": "web", "vip": "10.0.0.1", "ports": [80], )"
                  R"("real_servers": [{"address": "10.0.1.1", "port": 8080}, )"
                  R"({"address": "10.0.1.1", "port": 8081}]})"}),
       ""},
  });
}

// A service of more than 32 servers takes the map instead of the scan of
// the earlier servers: the same finding.
TEST(CheckTest, DuplicateServerInALargeService) {
  std::string svc = R"({"name": "web", "vip": "10.0.0.1", "ports": [80], )"
                    R"("real_servers": [)";
  for (int i = 1; i <= 40; ++i)
    svc += "{\"address\": \"10.0.1." + std::to_string(i) + "\"}, ";
  size_t col = svc.size() + 13;  // the duplicate's address value
  svc += R"({"address": "10.0.1.5", "port": 80}]})";
  Diagnostics d("c.json");
  EXPECT_FALSE(LoadConfig(Cfg(kDir, {svc}), d));
  EXPECT_EQ(d.FormatAll(), "c.json:2:" + std::to_string(col) +
                               ": error: /services/0/real_servers/40/address: "
                               "duplicate real server 10.0.1.5:80 (first at "
                               "/services/0/real_servers/4)\n");
}

TEST(CheckTest, LargeConfigReportsInServiceOrder) {
  // 3000 services: their checks run on two threads; the second half's
  // problems must follow the first half's, and a real server in the second
  // half must still meet the VIP of a service in the first.
  std::vector<std::string> svcs;
  const std::vector<int> bad = {5, 1499, 1500, 2999};
  for (int i = 0; i < 3000; ++i) {
    bool is_bad = std::find(bad.begin(), bad.end(), i) != bad.end();
    std::string rs = is_bad ? "10.0.0.1" : "172.16.0.1";
    svcs.push_back("{\"name\": \"s" + std::to_string(i) + "\", \"vip\": \"10." +
                   std::to_string(i / 256) + "." + std::to_string(i % 256) +
                   ".1\", \"ports\": [80], \"real_servers\": "
                   "[{\"address\": \"" +
                   rs + "\"}]}");
  }
  Diagnostics d("c.json");
  EXPECT_FALSE(LoadConfig(Cfg(kDir, svcs), d));
  ASSERT_EQ(d.items().size(), bad.size());
  for (size_t k = 0; k < bad.size(); ++k) {
    const Diagnostic& e = d.items()[k];
    EXPECT_EQ(e.loc.line, bad[k] + 2);
    EXPECT_EQ(e.pointer, "/services/" + std::to_string(bad[k]) +
                             "/real_servers/0/address");
    EXPECT_EQ(e.message,
              "real server address 10.0.0.1 is the VIP of service \"s0\" "
              "(/services/0/vip)");
  }
}

TEST(CheckTest, Overlaps) {
  RunCases({
      {"range overlapping a range of another service",
       Cfg(kDir, {R"({"name": "a", "vip": "10.0.0.1", "ports": ["80-90"]})",
                  R"({"name": "b", "vip": "10.0.0.1", "ports": ["85-100"]})"}),
       "c.json:3:44: error: /services/1/ports/0: port range 85-100 overlaps "
       "port range 80-90 of service \"a\" (/services/0/ports/0): 10.0.0.1 tcp "
       "ports 85-90 would be served twice\n"},
      {"single port inside a range listed earlier",
       Cfg(kDir,
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [22, "8000-8100"]})",
            R"({"name": "b", "vip": "10.0.0.1", "ports": [8080]})"}),
       "c.json:3:44: error: /services/1/ports/0: port 8080 overlaps port range "
       "8000-8100 of service \"a\" (/services/0/ports/1): 10.0.0.1 tcp port "
       "8080 would be served twice\n"},
      {"range listed later swallowing an earlier port",
       Cfg(kDir, {R"({"name": "a", "vip": "10.0.0.1", "ports": [8080]})",
                  R"({"name": "b", "vip": "10.0.0.1", "ports": ["1-9000"]})"}),
       "c.json:3:44: error: /services/1/ports/0: port range 1-9000 overlaps "
       "port 8080 of service \"a\" (/services/0/ports/0): 10.0.0.1 tcp port "
       "8080 would be served twice\n"},
      {"overlap inside one service",
       Cfg(kDir,
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80, "79-81"]})"}),
       "c.json:2:48: error: /services/0/ports/1: port range 79-81 overlaps "
       "port 80 listed before (/services/0/ports/0): 10.0.0.1 tcp port 80 "
       "would be served twice\n"},
      {"IPv6 overlap",
       Cfg(kDir, {R"({"name": "a", "vip": "2001:db8::1", "ports": [443]})",
                  R"({"name": "b", "vip": "2001:DB8::1", "ports": 443})"}),
       "c.json:3:46: error: /services/1/ports: port 443 overlaps port 443 of "
       "service \"a\" (/services/0/ports/0): 2001:db8::1 tcp port 443 would be "
       "served twice\n"},
      {"different protocol, VIP or port: no overlap",
       Cfg(kDir,
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [53]})",
            R"({"name": "b", "vip": "10.0.0.1", "protocol": "udp", "ports": [53]})",
            R"({"name": "c", "vip": "10.0.0.2", "ports": [53]})",
            R"({"name": "d", "vip": "10.0.0.1", "ports": ["54-60"]})"}),
       ""},
  });
}

TEST(CheckTest, StatelessModes) {
  RunCases({
      {"port mapping in dr",
       Cfg(kDir,
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": )"
            R"("dr", "real_servers": [{"address": "10.0.1.1", "port": 8080}]})"}),
       "c.json:2:112: error: /services/0/real_servers/0/port: port mapping is "
       "not possible in dr mode: the packet is forwarded unchanged (remove "
       "\"port\" or set it to 80)\n"},
      {"rs port on a dr port list",
       Cfg(kDir, {R"({"name": "a", "vip": "10.0.0.1", "ports": [80, 443], )"
                  R"("mode": "tun", "real_servers": [{"address": "10.0.1.1", )"
                  R"("port": 80}]})"}),
       "c.json:2:118: error: /services/0/real_servers/0/port: port mapping is "
       "not possible in tun mode: the packet is forwarded unchanged (remove "
       "\"port\")\n"},
      {"same port as the VIP is fine in dr",
       Cfg(kDir,
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": )"
            R"("dr", "real_servers": [{"address": "10.0.1.1", "port": 80}]})"}),
       ""},
      {"port mapping is fine in nat and fullnat",
       Cfg(kDir,
           {R"({"name": "a", "vip": "10.0.0.1", "ports": ["1-9"], )"
            R"("real_servers": [{"address": "10.0.1.1", "port": 80}]})",
            R"({"name": "b", "vip": "10.0.0.2", "ports": [80], "mode": )"
            R"("fullnat", "real_servers": [{"address": "10.0.1.1", "port": 81}]})"}),
       ""},
      {"non-hash schedulers in dr and tun",
       Cfg(kDir,
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": "dr", "scheduler": "rr"})",
            R"({"name": "b", "vip": "10.0.0.2", "ports": [80], "mode": "tun", "scheduler": "wrr"})",
            R"({"name": "c", "vip": "10.0.0.3", "ports": [80], "mode": "dr", "scheduler": "random"})",
            R"({"name": "d", "vip": "10.0.0.4", "ports": [80], "mode": "dr", "scheduler": "dh"})"}),
       "c.json:2:76: error: /services/0/scheduler: scheduler \"rr\" cannot be "
       "used in dr mode: dr forwards at ingress without connection tracking, "
       "so every packet must pick the same server by hash; use sh, dh or mh\n"
       "c.json:3:77: error: /services/1/scheduler: scheduler \"wrr\" cannot be "
       "used in tun mode: tun forwards at ingress without connection tracking, "
       "so every packet must pick the same server by hash; use sh, dh or mh\n"
       "c.json:4:76: error: /services/2/scheduler: scheduler \"random\" cannot "
       "be used in dr mode: dr forwards at ingress without connection "
       "tracking, so every packet must pick the same server by hash; use sh, "
       "dh or mh\n"},
      {"tun with IPv6",
       Cfg(kDir,
           {R"({"name": "a", "vip": "2001:db8::1", "ports": [80], "mode": "tun"})"}),
       "c.json:2:22: error: /services/0/vip: tun mode supports IPv4 only (the "
       "VIP 2001:db8::1 is IPv6)\n"},
      {"persistence in dr without the flow table",
       Cfg(R"({"interface": "eth0", "flow_table_size": 0})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": "dr", )"
            R"("persistence": {"timeout": 60}})",
            R"({"name": "b", "vip": "10.0.0.2", "ports": [80], )"
            R"("persistence": {"timeout": 60}})"}),
       "c.json:2:78: error: /services/0/persistence: persistence cannot be "
       "honoured without the per-flow table (director.flow_table_size is 0): "
       "dr mode has no connection tracking; raise flow_table_size or use the "
       "sh scheduler for source affinity\n"},
  });
}

TEST(CheckTest, Addresses) {
  RunCases({
      {"real server equal to a VIP",
       Cfg(kDir,
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80]})",
            R"({"name": "b", "vip": "10.0.0.2", "ports": [80], )"
            R"("real_servers": [{"address": "10.0.0.1"}, {"address": "10.0.0.2"}]})"}),
       "c.json:3:78: error: /services/1/real_servers/0/address: real server "
       "address 10.0.0.1 is the VIP of service \"a\" (/services/0/vip)\n"
       "c.json:3:103: error: /services/1/real_servers/1/address: real server "
       "address 10.0.0.2 is the VIP of service \"b\" (/services/1/vip)\n"},
      {"family mismatch",
       Cfg(kDir, {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], )"
                  R"("real_servers": [{"address": "2001:db8::10"}]})"}),
       "c.json:2:78: error: /services/0/real_servers/0/address: real server "
       "2001:db8::10 is IPv6 but the VIP 10.0.0.1 is IPv4\n"},
      {"unusable VIPs and real servers",
       Cfg(kDir,
           {R"({"name": "a", "vip": "0.0.0.0", "ports": [80]})",
            R"({"name": "b", "vip": "::1", "ports": [80]})",
            R"({"name": "c", "vip": "10.0.0.1", "ports": [80], )"
            R"("real_servers": [{"address": "224.0.0.5"}, {"address": "255.255.255.255"}]})"}),
       "c.json:2:22: error: /services/0/vip: VIP 0.0.0.0 is not usable: "
       "0.0.0.0 is the unspecified address\n"
       "c.json:3:22: error: /services/1/vip: VIP ::1 is not usable: ::1 is "
       "loopback\n"
       "c.json:4:78: error: /services/2/real_servers/0/address: real server "
       "address 224.0.0.5 is not usable: 224.0.0.0/4 is multicast\n"
       "c.json:4:104: error: /services/2/real_servers/1/address: real server "
       "address 255.255.255.255 is not usable: 255.255.255.255 is the limited "
       "broadcast address\n"},
      {"reserved, link-local and IPv4-mapped VIPs",
       Cfg(kDir,
           {R"({"name": "a", "vip": "240.0.0.1", "ports": [80]})",
            R"({"name": "b", "vip": "169.254.1.1", "ports": [80]})",
            R"({"name": "c", "vip": "0.1.2.3", "ports": [80]})",
            R"({"name": "d", "vip": "127.0.0.2", "ports": [80]})",
            R"({"name": "e", "vip": "::", "ports": [80]})",
            R"({"name": "f", "vip": "fe80::1", "ports": [80]})",
            R"({"name": "g", "vip": "ff02::1", "ports": [80]})",
            R"({"name": "h", "vip": "::ffff:192.168.1.100", "ports": [80]})",
            R"({"name": "i", "vip": "192.168.1.100", "ports": [80], )"
            R"("real_servers": [{"address": "169.254.0.7"}]})"}),
       "c.json:2:22: error: /services/0/vip: VIP 240.0.0.1 is not usable: "
       "240.0.0.0/4 is reserved\n"
       "c.json:3:22: error: /services/1/vip: VIP 169.254.1.1 is not usable: "
       "169.254.0.0/16 is link-local\n"
       "c.json:4:22: error: /services/2/vip: VIP 0.1.2.3 is not usable: "
       "0.0.0.0/8 is reserved for \"this network\"\n"
       "c.json:5:22: error: /services/3/vip: VIP 127.0.0.2 is not usable: "
       "127.0.0.0/8 is loopback\n"
       "c.json:6:22: error: /services/4/vip: VIP :: is not usable: :: is the "
       "unspecified address\n"
       "c.json:7:22: error: /services/5/vip: VIP fe80::1 is not usable: "
       "fe80::/10 is link-local\n"
       "c.json:8:22: error: /services/6/vip: VIP ff02::1 is not usable: "
       "ff00::/8 is multicast\n"
       "c.json:9:22: error: /services/7/vip: VIP ::ffff:192.168.1.100 is not "
       "usable: ::ffff:0:0/96 is IPv4-mapped (write 192.168.1.100)\n"
       "c.json:10:83: error: /services/8/real_servers/0/address: real server "
       "address 169.254.0.7 is not usable: 169.254.0.0/16 is link-local\n"},
      {"VIP and real server equal to FULLNAT local addresses",
       Cfg(R"({"interface": "eth0", "local_addresses": ["10.0.0.1", "10.0.9.9"]})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": )"
            R"("fullnat", "real_servers": [{"address": "10.0.9.9"}]})"}),
       "c.json:2:22: error: /services/0/vip: VIP 10.0.0.1 is also a FULLNAT "
       "local address (/director/local_addresses/0)\n"
       "c.json:2:97: error: /services/0/real_servers/0/address: real server "
       "address 10.0.9.9 is also a FULLNAT local address "
       "(/director/local_addresses/1)\n"},
      {"without a FULLNAT service local addresses are unused: a DR VIP may "
       "be one",
       Cfg(R"({"interface": "eth0", "local_addresses": ["10.0.0.1"]})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": "dr", )"
            R"("real_servers": [{"address": "10.0.0.7"}]})"}),
       ""},
      {"no real servers and unmatched local addresses are fine",
       Cfg(R"({"interface": "eth0", "local_addresses": ["2001:db8::9"]})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": "fullnat"})"}),
       ""},
  });
}

TEST(CheckTest, Director) {
  RunCases({
      {"interface name too long",
       Cfg(R"({"interface": "eth0123456789abc"})", {}),
       "c.json:1:42: error: /director/interface: interface name "
       "\"eth0123456789abc\" is 16 bytes long; Linux allows at most 15\n"},
      {"15 bytes are fine", Cfg(R"({"interface": "eth0123456789ab"})", {}), ""},
      {"slash", Cfg(R"({"interface": "eth0/1"})", {}),
       "c.json:1:42: error: /director/interface: interface name \"eth0/1\" "
       "contains '/', ':' or whitespace\n"},
      {"alias colon", Cfg(R"({"interface": "eth0:1"})", {}),
       "c.json:1:42: error: /director/interface: interface name \"eth0:1\" "
       "contains '/', ':' or whitespace\n"},
      {"space", Cfg(R"({"interface": "eth 0"})", {}),
       "c.json:1:42: error: /director/interface: interface name \"eth 0\" "
       "contains '/', ':' or whitespace\n"},
      {"dot dot", Cfg(R"({"interface": ".."})", {}),
       "c.json:1:42: error: /director/interface: interface name \"..\" is "
       "reserved\n"},
      {"the name lvsnft gives its ipip devices",
       Cfg(R"({"interface": "lvt-c0a8010a"})", {}),
       "c.json:1:42: error: /director/interface: interface name "
       "\"lvt-c0a8010a\" is reserved: lvsnft names its ipip devices lvt- "
       "and 8 hex digits, and lvt_ or lvt. spell the same nft chain names\n"},
      {"a name whose chain spelling is a tunnel's: a DR and a TUN service "
       "sharing 192.168.1.10 would share one forwarding chain",
       Cfg(R"({"interface": "lvt_c0a8010a"})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": "dr", )"
            R"("real_servers": [{"address": "192.168.1.10"}]})",
            R"({"name": "b", "vip": "10.0.0.2", "ports": [80], "mode": "tun", )"
            R"("real_servers": [{"address": "192.168.1.10"}]})"}),
       "c.json:1:42: error: /director/interface: interface name "
       "\"lvt_c0a8010a\" is reserved: lvsnft names its ipip devices lvt- "
       "and 8 hex digits, and lvt_ or lvt. spell the same nft chain names\n"},
      {"other names starting with lvt are fine",
       Cfg(R"({"interface": "lvt-c0a8010"})", {}), ""},
      {"empty interface, not needed", Cfg(R"({"interface": ""})", {}),
       "c.json:1:42: error: /director/interface: interface name is empty\n"},
      {"empty interface, needed for the VIPs",
       Cfg(R"({"interface": ""})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80]})"}),
       "c.json:1:42: error: /director/interface: interface name is empty: "
       "lvsnft adds the VIPs to it (set \"manage_vips\": false when keepalived "
       "or another VRRP daemon owns the VIPs)\n"},
      {"missing interface with managed VIPs",
       Cfg(R"({"flow_timeout": 60})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80]})"}),
       "c.json:1:28: error: /director: director.interface is required: lvsnft "
       "adds the VIPs to it (set \"manage_vips\": false when keepalived or "
       "another VRRP daemon owns the VIPs)\n"},
      {"missing interface is fine when keepalived owns the VIPs",
       Cfg(R"({"manage_vips": false})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80]})"}),
       ""},
      {"dr needs the interface even without managed VIPs",
       Cfg(R"({"manage_vips": false})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": "dr"})"}),
       "c.json:1:28: error: /director: director.interface is required: service "
       "\"a\" uses dr mode, which forwards at the ingress of that interface\n"},
      {"loopback as the dr interface",
       Cfg(R"({"interface": "lo"})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80]})",
            R"({"name": "b", "vip": "10.0.0.2", "ports": [80], "mode": "dr"})"}),
       "c.json:1:42: error: /director/interface: interface \"lo\" is "
       "loopback, which never receives client packets: service \"b\" uses "
       "dr mode, which forwards at the ingress of that interface\n"},
      {"loopback is fine without dr/tun (routed VIPs)",
       Cfg(R"({"interface": "lo"})",
           {R"({"name": "a", "vip": "10.0.0.1", "ports": [80]})"}),
       ""},
      {"no director at all",
       "{\"version\": 1, \"services\": [\n"
       R"({"name": "a", "vip": "10.0.0.1", "ports": [80], "mode": "tun"}]})",
       "c.json:1:1: error: /: director.interface is required: service \"a\" "
       "uses tun mode, which forwards at the ingress of that interface\n"},
  });
}

TEST(CheckTest, Maglev) {
  auto mh = [](const std::string& size, int servers) {
    std::string rs;
    for (int i = 0; i < servers; ++i) {
      rs += std::string(i ? ", " : "") + "{\"address\": \"10.0.1." +
            std::to_string(i + 1) + "\"}";
    }
    return Cfg(kDir, {R"({"name": "a", "vip": "10.0.0.1", "ports": [80], )"
                      R"("scheduler": "mh", "mh_table_size": )" +
                      size + ", \"real_servers\": [" + rs + "]}"});
  };
  RunCases({
      {"not a prime", mh("4096", 1),
       "c.json:2:85: error: /services/0/mh_table_size: mh_table_size 4096 is "
       "not a prime number (next prime: 4099)\n"},
      {"too small", mh("2", 1),
       "c.json:2:85: error: /services/0/mh_table_size: mh_table_size 2 is out "
       "of range 3..131071\n"},
      {"too large", mh("131072", 1),
       "c.json:2:85: error: /services/0/mh_table_size: mh_table_size 131072 is "
       "out of range 3..131071\n"},
      {"largest allowed prime", mh("131071", 1), ""},
      {"fewer slots than servers", mh("7", 8),
       "c.json:2:85: error: /services/0/mh_table_size: mh_table_size 7 is "
       "smaller than the number of real servers (8)\n"},
      {"as many slots as servers", mh("7", 7), ""},
  });
}

TEST(CheckTest, ReportsEverySemanticError) {
  RunCases({
      {"several services, several problems",
       Cfg(R"({"interface": "a/b"})",
           {R"({"name": "web-1", "vip": "10.0.0.1", "ports": [80], "mode": "dr", "scheduler": "wrr"})",
            R"({"name": "web_2", "vip": "10.0.0.1", "ports": ["80-81"], )"
            R"("real_servers": [{"address": "10.0.0.1"}]})"}),
       "c.json:1:42: error: /director/interface: interface name \"a/b\" "
       "contains '/', ':' or whitespace\n"
       "c.json:2:10: error: /services/0/name: service name \"web-1\" is not a "
       "safe identifier: use letters, digits and '_', start with a letter, at "
       "most 48 characters (try \"web_1\")\n"
       "c.json:2:80: error: /services/0/scheduler: scheduler \"wrr\" cannot be "
       "used in dr mode: dr forwards at ingress without connection tracking, "
       "so every packet must pick the same server by hash; use sh, dh or mh\n"
       "c.json:3:48: error: /services/1/ports/0: port range 80-81 overlaps "
       "port 80 of service \"web-1\" (/services/0/ports/0): 10.0.0.1 tcp port "
       "80 would be served twice\n"
       "c.json:3:87: error: /services/1/real_servers/0/address: real server "
       "address 10.0.0.1 is the VIP of service \"web-1\" (/services/0/vip)\n"},
  });
}

/// Checks that cannot be reached from JSON because the parser already
/// rejects the input; they protect configs built in code.
TEST(CheckTest, ProgrammaticConfigs) {
  Config cfg;
  cfg.director.interface = "eth0";
  Service& s = cfg.services.emplace_back();
  s.name = "web";
  s.vip = *IpAddr::Parse("10.0.0.1");
  s.origin = {"/services/0", {3, 5}};
  RealServer& rs = s.real_servers.emplace_back();
  rs.address = *IpAddr::Parse("10.0.1.1");
  rs.weight = 70000;
  rs.origin = {"/services/0/real_servers/0", {4, 7}};
  Diagnostics d("code");
  CheckConfig(cfg, d);
  EXPECT_EQ(d.FormatAll(),
            "code:3:5: error: /services/0/ports: ports must not be empty\n"
            "code:4:7: error: /services/0/real_servers/0/weight: weight 70000 "
            "is out of range 0..65535\n");
}

TEST(CheckTest, IsSafeName) {
  const std::pair<const char*, bool> cases[] = {
      {"web", true},   {"Web_2", true},     {"a", true},     {"", false},
      {"2web", false}, {"_web", false},     {"we-b", false}, {"w.b", false},
      {"w b", false},  {"\xC3\xA9", false},
  };
  for (const auto& [name, ok] : cases) EXPECT_EQ(IsSafeName(name), ok) << name;
  EXPECT_TRUE(IsSafeName(std::string(48, 'x')));
  EXPECT_FALSE(IsSafeName(std::string(49, 'x')));
}

}  // namespace
}  // namespace lvsnft
