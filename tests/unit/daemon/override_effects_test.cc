// What the persisted overrides change, as `diff -c`, `apply` and `status`
// show it: one line per real server with the file's value next to the
// effective one; targets the config lacks are named as unused.
#include "daemon/override_effects.h"

#include <gtest/gtest.h>

#include "daemon/override_util.h"
#include "test_util.h"

namespace lvsnft::daemon {
namespace {

Overrides DrainAndWeigh(const Config& cfg) {
  Overrides ov;
  EXPECT_TRUE(
      ov.Set(cfg, MakeOverride("web", "192.168.1.11:80", {}, RsState::kDrain))
          .ok());
  EXPECT_TRUE(
      ov.Set(cfg, MakeOverride("web", "192.168.1.12", 5, RsState::kDown)).ok());
  return ov;
}

TEST(OverrideEffects, LinesNameTheFileValue) {
  Config cfg = testing::LoadExample("nat.json");
  OverrideReport r = DescribeOverrides(DrainAndWeigh(cfg), cfg);
  EXPECT_EQ(OverrideLines(r),
            "override: web 192.168.1.11:80 state drain (file: up)\n"
            "override: web 192.168.1.12:80 weight 5 (file: 1), state down "
            "(file: up)\n");
}

TEST(OverrideEffects, UnusedTargetsAreNamed) {
  Config cfg = testing::LoadExample("nat.json");
  Overrides ov = DrainAndWeigh(cfg);
  cfg.services[0].real_servers.pop_back();  // 192.168.1.12 left the file
  OverrideReport r = DescribeOverrides(ov, cfg);
  EXPECT_EQ(OverrideLines(r),
            "override: web 192.168.1.11:80 state drain (file: up)\n"
            "override: web 192.168.1.12 unused (no such real server in the "
            "config)\n");
  EXPECT_EQ(OverridesJson(r).dump(),
            R"([{"service":"web","server":"192.168.1.11:80","state":"drain",)"
            R"("file_state":"up"},{"service":"web","server":"192.168.1.12",)"
            R"("unused":true}])");
}

TEST(OverrideEffects, NoOverridesNoLines) {
  Config cfg = testing::LoadExample("nat.json");
  OverrideReport r = DescribeOverrides(Overrides(), cfg);
  EXPECT_EQ(OverrideLines(r), "");
  EXPECT_EQ(OverridesJson(r).dump(), "[]");
}

TEST(OverrideEffects, StatusMarksOnlyTheOverriddenFields) {
  Config cfg = testing::LoadExample("nat.json");
  OverrideReport r = DescribeOverrides(DrainAndWeigh(cfg), cfg);
  netlink::DirectorStatus s;
  netlink::ServiceStatus web{
      "web", "nat", "tcp", "192.168.10.100", "80", "wrr", true, 0, 0, 0, {}};
  web.servers.push_back({"192.168.1.10:80", 1, "up", 3, 0, 0, 0});
  web.servers.push_back({"192.168.1.11:80", 1, "drain", 0, 0, 0, 0});
  web.servers.push_back({"192.168.1.12:80", 5, "down", 0, 0, 0, 0});
  s.services = {web};
  MarkOverrides(r, s);
  const auto& rs = s.services[0].servers;
  EXPECT_FALSE(rs[0].file_weight || rs[0].file_state);
  EXPECT_EQ(rs[1].file_state, "up");
  EXPECT_FALSE(rs[1].file_weight);
  EXPECT_EQ(rs[2].file_weight, 1u);
  EXPECT_EQ(rs[2].file_state, "up");
  std::string t = netlink::RenderStatusText(s);
  EXPECT_NE(t.find("  -> 192.168.1.10:80                  1 up         3 "),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  -> 192.168.1.11:80                  1 drain*     0 "),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  -> 192.168.1.12:80                 5* down*      0 "),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("\n* runtime override (lvsnft ctl)\n"), std::string::npos)
      << t;
  auto j = nlohmann::json::parse(netlink::RenderStatusJson(s));
  const auto& jr = j["services"][0]["real_servers"];
  EXPECT_FALSE(jr[0].contains("override"));
  EXPECT_EQ(jr[1]["override"].dump(), R"({"file_state":"up","state":"drain"})");
  EXPECT_EQ(jr[2]["override"].dump(),
            R"({"file_state":"up","file_weight":1,"state":"down","weight":5})");
}

TEST(OverrideEffects, StatusWithoutOverridesHasNoFootnote) {
  netlink::DirectorStatus s;
  netlink::ServiceStatus web{
      "web", "nat", "tcp", "192.168.10.100", "80", "wrr", true, 0, 0, 0, {}};
  web.servers.push_back({"192.168.1.10:80", 1, "up", 3, 0, 0, 0});
  s.services = {web};
  EXPECT_EQ(netlink::RenderStatusText(s).find("runtime override"),
            std::string::npos);
}

}  // namespace
}  // namespace lvsnft::daemon
