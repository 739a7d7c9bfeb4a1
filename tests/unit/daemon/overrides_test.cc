// Runtime overrides: they change the Config (the daemon's input), name
// only existing servers, merge per target and survive a save and load.
#include "daemon/overrides.h"

#include <gtest/gtest.h>

#include <fstream>

#include "daemon/override_util.h"
#include "test_util.h"

namespace lvsnft::daemon {
namespace {

TEST(DaemonOverrides, ChangeOnlyTheNamedServer) {
  Config cfg = testing::LoadExample("nat.json");
  Overrides ov;
  ASSERT_TRUE(
      ov.Set(cfg, MakeOverride("web", "192.168.1.11:80", {}, RsState::kDrain))
          .ok());
  ASSERT_TRUE(ov.Set(cfg, MakeOverride("web", "192.168.1.11:80", 5, {})).ok());
  ASSERT_EQ(ov.items().size(), 1u);  // Merged into one target.
  std::vector<std::string> unmatched;
  ov.ApplyTo(cfg, &unmatched);
  EXPECT_TRUE(unmatched.empty());
  const auto& rs = cfg.services[0].real_servers;
  EXPECT_EQ(rs[0].state, RsState::kUp);
  EXPECT_EQ(rs[1].state, RsState::kDrain);
  EXPECT_EQ(rs[1].weight, 5u);
  EXPECT_EQ(rs[2].weight, 1u);
}

TEST(DaemonOverrides, UnknownTargetsAreRefused) {
  Config cfg = testing::LoadExample("nat.json");
  Overrides ov;
  EXPECT_EQ(ov.Set(cfg, MakeOverride("nope", "192.168.1.11", 1, {})).message(),
            "no service \"nope\"");
  EXPECT_EQ(
      ov.Set(cfg, MakeOverride("web", "192.168.1.11:81", 1, {})).message(),
      "service \"web\" has no real server 192.168.1.11:81");
  EXPECT_TRUE(ov.items().empty());
}

TEST(DaemonOverrides, TargetsGoneFromTheConfigAreKeptButNamed) {
  Config cfg = testing::LoadExample("nat.json");
  Overrides ov;
  ASSERT_TRUE(ov.Set(cfg, MakeOverride("web", "192.168.1.12", 0, {})).ok());
  cfg.services[0].real_servers.pop_back();
  std::vector<std::string> unmatched;
  ov.ApplyTo(cfg, &unmatched);
  EXPECT_EQ(unmatched, std::vector<std::string>{"web 192.168.1.12"});
  EXPECT_EQ(ov.items().size(), 1u);
}

TEST(DaemonOverrides, ClearOneAndAll) {
  Config cfg = testing::LoadExample("nat.json");
  Overrides ov;
  ASSERT_TRUE(ov.Set(cfg, MakeOverride("web", "192.168.1.10:80", 2, {})).ok());
  ASSERT_TRUE(ov.Set(cfg, MakeOverride("web", "192.168.1.11:80", 3, {})).ok());
  auto a = MakeOverride("web", "192.168.1.10:80", {}, {});
  EXPECT_TRUE(ov.Clear("web", a.address, a.port));
  EXPECT_FALSE(ov.Clear("web", a.address, a.port));
  EXPECT_EQ(ov.ClearAll(), 1u);
  EXPECT_TRUE(ov.items().empty());
}

TEST(DaemonOverrides, SaveLoadRoundTrip) {
  testing::TempDir dir;
  std::string path = dir.path + "/sub/overrides.json";
  Config cfg = testing::LoadExample("nat.json");
  Overrides ov;
  ASSERT_TRUE(
      ov.Set(cfg, MakeOverride("web", "192.168.1.11:80", 0, RsState::kDown))
          .ok());
  ASSERT_TRUE(
      ov.Set(cfg, MakeOverride("web", "192.168.1.12", {}, RsState::kDrain))
          .ok());
  ASSERT_TRUE(ov.Save(path).ok());
  auto back = Overrides::Load(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->ToJson(),
            R"([{"service":"web","server":"192.168.1.11:80","weight":0,)"
            R"("state":"down"},{"service":"web","server":"192.168.1.12",)"
            R"("state":"drain"}])");
  auto missing = Overrides::Load(dir.path + "/none.json");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->items().empty());
}

TEST(DaemonOverrides, DamagedFileIsRejected) {
  testing::TempDir dir;
  std::string path = dir.path + "/overrides.json";
  std::ofstream(path) << "[]";
  auto r = Overrides::Load(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind(path + ": ", 0), 0u)
      << r.status().message();
}

}  // namespace
}  // namespace lvsnft::daemon
