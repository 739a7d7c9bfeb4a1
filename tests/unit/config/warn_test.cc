// WarnConfig: the located warnings of valid but suspicious configs, and
// that they leave the config valid.
#include "config/warn.h"

#include <gtest/gtest.h>

#include <string>

#include "config/parse.h"

namespace lvsnft {
namespace {

/// The warnings LoadConfig reports for `text` as "c.json"; fails the test
/// when the config is not valid.
std::string Warnings(const std::string& text) {
  Diagnostics d("c.json");
  auto cfg = LoadConfig(text, d);
  EXPECT_TRUE(cfg.has_value()) << d.FormatAll();
  return d.FormatWarnings();
}

/// One service on line 2 of a NAT config.
std::string One(const std::string& svc) {
  return "{\"version\": 1, \"director\": {\"interface\": \"eth0\"},\n"
         "\"services\": [" +
         svc + "]}";
}

TEST(WarnTest, NoServerTakesNewConnections) {
  EXPECT_EQ(Warnings(One(
                R"({"name": "web", "vip": "10.0.0.1", "ports": [80],
  "real_servers": [{"address": "10.1.0.1", "state": "down"},
                   {"address": "10.1.0.2", "state": "drain"},
                   {"address": "10.1.0.3", "weight": 0}]})")),
            "c.json:2:14: warning: /services/0: no real server of service "
            "\"web\" takes new connections (each one is down, drain or "
            "weight 0): they are dropped\n");
  EXPECT_EQ(Warnings(One(R"({"name": "web", "vip": "10.0.0.1", "ports": [80],
  "real_servers": []})")),
            "c.json:2:14: warning: /services/0: service \"web\" has no real "
            "servers: new connections to it are dropped\n");
  // One server up with a weight is enough.
  EXPECT_EQ(Warnings(One(R"({"name": "web", "vip": "10.0.0.1", "ports": [80],
  "real_servers": [{"address": "10.1.0.1", "state": "down"},
                   {"address": "10.1.0.2"}]})")),
            "");
}

TEST(WarnTest, VipIsTheNetworkOfARealServer) {
  struct C {
    const char* vip;
    const char* rs;
    std::string want;  // after "VIP <vip> is "; "" = no warning
  };
  const C cases[] = {
      {"10.1.0.255", "10.1.0.1", "the broadcast address of 10.1.0.0/24"},
      {"10.1.0.0", "10.1.0.1", "the network address of 10.1.0.0/24"},
      {"2001:db8::", "2001:db8::10",
       "the subnet-router anycast address of 2001:db8::/64"},
      // .255 of another /24 than the real servers' is an ordinary address.
      {"10.2.0.255", "10.1.0.1", ""},
  };
  for (const auto& c : cases) {
    std::string text = One(std::string(R"({"name": "a", "vip": ")") + c.vip +
                           R"(", "ports": [80], "real_servers": [)" +
                           R"({"address": ")" + c.rs + "\"}]}");
    std::string want =
        c.want.empty() ? ""
                       : "c.json:2:35: warning: /services/0/vip: VIP " +
                             std::string(c.vip) + " is " + c.want +
                             ", the network of real server " + c.rs +
                             " (clients on that network may not reach it)\n";
    EXPECT_EQ(Warnings(text), want) << c.vip;
  }
}

TEST(WarnTest, PersistenceWithAHashScheduler) {
  EXPECT_EQ(Warnings(One(R"({"name": "a", "vip": "10.0.0.1", "ports": [80],
  "scheduler": "sh", "persistence": {"timeout": 60},
  "real_servers": [{"address": "10.1.0.1"}]})")),
            "c.json:3:37: warning: /services/0/persistence: persistence is "
            "redundant with the sh scheduler, which already sends each client "
            "address to the same real server\n");
  EXPECT_EQ(
      Warnings(One(R"({"name": "a", "vip": "10.0.0.1", "ports": [80],
  "scheduler": "dh", "persistence": {"netmask": 24},
  "real_servers": [{"address": "10.1.0.1"}]})")),
      "c.json:3:37: warning: /services/0/persistence: persistence is "
      "redundant with the dh scheduler, which sends every client of the VIP "
      "to the same real server\n");
  // Not redundant: clients grouped by /24, a port in the mh hash, wrr.
  for (const char* extra :
       {R"("scheduler": "sh", "persistence": {"netmask": 24})",
        R"("scheduler": "mh", "persistence": {"timeout": 60})",
        R"("scheduler": "wrr", "persistence": {"timeout": 60})"}) {
    EXPECT_EQ(Warnings(One(std::string(R"({"name": "a", "vip": "10.0.0.1",
  "ports": [80], "real_servers": [{"address": "10.1.0.1"}], )") +
                           extra + "}")),
              "")
        << extra;
  }
  EXPECT_EQ(Warnings(One(R"({"name": "a", "vip": "10.0.0.1", "ports": [80],
  "scheduler": "mh", "mh_port": false, "persistence": {"netmask": 32},
  "real_servers": [{"address": "10.1.0.1"}]})")),
            "c.json:3:55: warning: /services/0/persistence: persistence is "
            "redundant with the mh scheduler, which already sends each client "
            "address to the same real server\n");
}

TEST(WarnTest, StrictTurnsWarningsIntoErrors) {
  Diagnostics d("c.json");
  ASSERT_TRUE(LoadConfig(One(R"({"name": "a", "vip": "10.0.0.1",
  "ports": [80], "real_servers": []})"),
                         d));
  ASSERT_EQ(d.warnings().size(), 1u);
  d.PromoteWarnings();
  EXPECT_TRUE(d.HasErrors());
  EXPECT_EQ(d.FormatAll(),
            "c.json:2:14: error: /services/0: service \"a\" has no real "
            "servers: new connections to it are dropped\n");
}

}  // namespace
}  // namespace lvsnft
