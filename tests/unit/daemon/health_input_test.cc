// HealthInput on a real loop against loopback ports: a refusing server
// goes down (transition reported with its service, the config rewritten),
// a reload with the same check keeps the probe's state, and status and
// metrics show it.
#include "daemon/health_input.h"

#include <gtest/gtest.h>

#include "health/loopback.h"

namespace lvsnft::daemon {
namespace {

using health::testing::Listener;
using health::testing::Loop;
using health::testing::Refuser;
using std::chrono::milliseconds;

Config TwoServers(uint16_t good, uint16_t bad) {
  Service s;
  s.name = "web";
  s.ports = {PortRange{80, 80, {}}};
  HealthCheckSpec hc;
  hc.type = CheckType::kTcp;
  hc.interval = milliseconds(50);
  hc.timeout = milliseconds(50);
  hc.fall = 1;
  hc.rise = 1;
  s.health_check = hc;
  for (uint16_t port : {good, bad}) {
    RealServer rs;
    rs.address = *IpAddr::Parse("127.0.0.1");
    rs.port = port;
    s.real_servers.push_back(rs);
  }
  Config c;
  c.services.push_back(s);
  return c;
}

TEST(HealthInput, RefusingServerGoesDownAndReloadKeepsItsState) {
  Loop loop;
  auto good = Listener();
  auto bad = Refuser();
  std::vector<std::string> changed;
  HealthInput h(loop.base,
                [&](const std::string& svc) { changed.push_back(svc); });
  Config cfg = TwoServers(good->port(), bad->port());
  h.Update(cfg);
  ASSERT_EQ(h.servers().size(), 2u);
  ASSERT_TRUE(
      loop.RunUntil([&] { return !changed.empty(); }, milliseconds(2000)));
  EXPECT_EQ(changed, std::vector<std::string>{"web"});
  Config eff = cfg;
  h.ApplyTo(eff);
  EXPECT_EQ(eff.services[0].real_servers[0].state, RsState::kUp);
  EXPECT_EQ(eff.services[0].real_servers[1].state, RsState::kDown);
  auto dead = h.TakeDead();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].port, bad->port());
  EXPECT_TRUE(h.TakeDead().empty());

  h.Update(cfg);  // A reload with the same checks: the state stays.
  eff = cfg;
  h.ApplyTo(eff);
  EXPECT_EQ(eff.services[0].real_servers[1].state, RsState::kDown);

  std::string backend = "127.0.0.1:" + std::to_string(bad->port());
  EXPECT_NE(HealthStatusJson(h).find("\"server\":\"" + backend +
                                     "\",\"check\":\"tcp " + backend +
                                     "\",\"state\":\"down\""),
            std::string::npos)
      << HealthStatusJson(h);
  EXPECT_NE(
      RenderHealthMetrics(h, eff).find(
          "lvsnft_backend_up{service=\"web\",backend=\"" + backend + "\"} 0\n"),
      std::string::npos);
}

}  // namespace
}  // namespace lvsnft::daemon
