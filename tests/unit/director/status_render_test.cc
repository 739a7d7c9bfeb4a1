// Rendering of `lvsnft status`: what is counted is shown, what lvsnft
// cannot count (NAT/FULLNAT packets after the first) is marked unknown.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "director/status.h"

namespace lvsnft::netlink {
namespace {

DirectorStatus TwoServices() {
  DirectorStatus s;
  s.genid = 7;
  s.tables = {"inet lvsnft", "netdev lvsnft"};
  ServiceStatus nat{
      "web", "nat", "tcp", "192.168.10.100", "80", "wrr", true, 12, 0, 0, {}};
  nat.servers.push_back({"192.168.1.10:80", 1, "up", 3, 12, 0, 0});
  ServiceStatus dr{"dns", "dr", "udp", "192.168.1.100", "53", "mh", true, 5,
                   40,    4000, {}};
  dr.servers.push_back({"192.168.1.11", 2, "drain", 0, 5, 40, 4000});
  s.services = {nat, dr};
  return s;
}

TEST(StatusRender, TextShowsDashesWhereNothingIsCounted) {
  std::string t = RenderStatusText(TwoServices());
  EXPECT_NE(t.find("tcp  192.168.10.100:80             nat     wrr     "
                   "         12          -          -\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  -> 192.168.1.11                     2 drain      0 "
                   "           5         40       4000          -         -\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("NAT/FULLNAT: Conns/Flows = connections scheduled"),
            std::string::npos);
  EXPECT_NE(t.find("DR/TUN: Conns/Flows = new flows"), std::string::npos);
}

TEST(StatusRender, ActiveAndInactiveColumns) {
  DirectorStatus s = TwoServices();
  s.services[0].servers[0].active = 7;
  s.services[0].servers[0].inactive = 3;
  s.services[1].servers[0].active = 5;
  std::string t = RenderStatusText(s);
  EXPECT_NE(t.find("Packets      Bytes ActiveConn InActConn\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  -> 192.168.1.10:80                  1 up         3 "
                   "          12          -          -          7         3\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("       4000          5         -\n"), std::string::npos)
      << t;
  auto j = nlohmann::json::parse(RenderStatusJson(s));
  EXPECT_EQ(j["services"][0]["real_servers"][0]["active_conns"], 7);
  EXPECT_EQ(j["services"][0]["real_servers"][0]["inactive_conns"], 3);
  EXPECT_TRUE(j["services"][1]["real_servers"][0]["inactive_conns"].is_null());
}

TEST(StatusRender, JsonHasNullForUncountedTraffic) {
  auto j = nlohmann::json::parse(RenderStatusJson(TwoServices()));
  const auto& nat = j["services"][0];
  EXPECT_EQ(nat["conns"], 12);
  EXPECT_TRUE(nat["packets"].is_null());
  EXPECT_TRUE(nat["real_servers"][0]["bytes"].is_null());
  const auto& dr = j["services"][1];
  EXPECT_EQ(dr["packets"], 40);
  EXPECT_EQ(dr["real_servers"][0]["bytes"], 4000);
  EXPECT_EQ(j["generation"], 7);
}

TEST(StatusRender, StaleSlotsAreNamedOnlyWhenThereAreSome) {
  DirectorStatus s = TwoServices();
  EXPECT_EQ(RenderStatusText(s).find("stale"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(RenderStatusJson(s))["stale_slots"], 0);
  s.stale_slots = 4;
  EXPECT_NE(RenderStatusText(s).find(
                "stale slots awaiting collection: 4 (unreachable; the next "
                "apply removes them)\n"),
            std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(RenderStatusJson(s))["stale_slots"], 4);
}

}  // namespace
}  // namespace lvsnft::netlink
