// DR/TUN services where no real server can take new flows (issue 10,
// item 2): the netdev table must still be self-contained, and new flows
// are dropped the way NAT drops them.
#include <gtest/gtest.h>

#include <string>

#include "compiler/lower.h"
#include "config/parse.h"
#include "plan_refs.h"

namespace lvsnft {
namespace {

// One DR/TUN service `web` (mode `mode`) with the given real_servers JSON.
Config Service(const std::string& mode, const std::string& servers) {
  std::string text =
      R"({"version": 1, "director": {"interface": "eth0"}, "services": [
          {"name": "web", "vip": "192.168.1.100", "protocol": "tcp",
           "ports": [80], "mode": ")" +
      mode + R"(", "scheduler": "mh", "real_servers": )" + servers + "}]}";
  Diagnostics d("test.json");
  auto cfg = LoadConfig(text, d);
  EXPECT_TRUE(cfg.has_value()) << d.FormatAll();
  return cfg.value_or(Config{});
}

const char* const kNoNewFlows[] = {
    R"([{"address": "192.168.1.10", "state": "drain"},
        {"address": "192.168.1.11", "state": "drain"}])",
    R"([{"address": "192.168.1.10", "state": "down"},
        {"address": "192.168.1.11", "state": "down"}])",
    R"([{"address": "192.168.1.10", "weight": 0},
        {"address": "192.168.1.11", "weight": 0}])",
    "[]"};

const plan::Table& Netdev(const plan::Plan& p) {
  EXPECT_EQ(p.tables.size(), 1u);
  return p.tables.front();
}

const plan::Chain* Chain(const plan::Table& t, const std::string& name) {
  for (const auto& c : t.chains) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(LowerNoServerTest, NetdevTableIsSelfContained) {
  for (const char* mode : {"dr", "tun"}) {
    for (const char* servers : kNoNewFlows) {
      plan::Plan p = Lower(Service(mode, servers));
      EXPECT_EQ(testing::DanglingRefs(Netdev(p)), std::vector<std::string>{})
          << mode << " " << servers;
    }
  }
}

TEST(LowerNoServerTest, NewFlowsAreDroppedWithoutScheduling) {
  for (const char* servers : kNoNewFlows) {
    plan::Plan p = Lower(Service("dr", servers));
    const plan::Table& t = Netdev(p);
    EXPECT_EQ(Chain(t, "pick"), nullptr) << servers;
    const plan::Chain* svc = Chain(t, "svc_web");
    ASSERT_NE(svc, nullptr);
    ASSERT_FALSE(svc->rules.empty());
    EXPECT_EQ(svc->rules.back().comment, "web: no real server available");
    for (const auto& r : svc->rules) {
      for (const auto& st : r.stmts) {
        for (const auto& set : testing::SetsOf(st)) EXPECT_NE(set, "slots");
      }
    }
  }
}

TEST(LowerNoServerTest, DrainedServersKeepTheirEstablishedFlows) {
  plan::Plan p = Lower(Service("dr", kNoNewFlows[0]));
  const plan::Chain* svc = Chain(Netdev(p), "svc_web");
  ASSERT_NE(svc, nullptr);
  ASSERT_EQ(svc->rules.size(), 3u);
  EXPECT_EQ(svc->rules[0].comment, "web: established flow to 192.168.1.10");
  EXPECT_EQ(svc->rules[1].comment, "web: established flow to 192.168.1.11");
}

TEST(LowerNoServerTest, ServersUpStillUseThePickChain) {
  plan::Plan p = Lower(Service("dr", R"([{"address": "192.168.1.10"}])"));
  EXPECT_NE(Chain(Netdev(p), "pick"), nullptr);
}

}  // namespace
}  // namespace lvsnft
