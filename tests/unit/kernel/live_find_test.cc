// Finding live and plan objects by name (kernel/live.h, compiler/plan.h).
#include <gtest/gtest.h>

#include "compiler/plan.h"
#include "kernel/live.h"

namespace lvsnft::netlink {
namespace {

std::vector<LiveTable> TwoTables() {
  LiveTable inet;
  inet.family = plan::TableFamily::kInet;
  inet.name = "lvsnft";
  inet.sets.push_back(LiveSet{.name = "svc4"});
  inet.chains.push_back(LiveChain{.name = "prerouting"});
  LiveTable netdev;
  netdev.family = plan::TableFamily::kNetdev;
  netdev.name = "lvsnft";
  return {inet, netdev};
}

TEST(LiveFind, TableIsFoundByFamilyAndName) {
  auto tables = TwoTables();
  EXPECT_EQ(FindTable(tables, plan::TableFamily::kInet, "lvsnft"), &tables[0]);
  EXPECT_EQ(FindTable(tables, plan::TableFamily::kNetdev, "lvsnft"),
            &tables[1]);
  EXPECT_EQ(FindTable(tables, plan::TableFamily::kInet, "other"), nullptr);
}

TEST(LiveFind, SetsAndChainsAreFoundInTheirOwnList) {
  auto tables = TwoTables();
  LiveTable& t = tables[0];
  EXPECT_EQ(FindSet(t, "svc4"), &t.sets[0]);
  EXPECT_EQ(FindChain(t, "prerouting"), &t.chains[0]);
  EXPECT_EQ(FindSet(t, "prerouting"), nullptr);
  EXPECT_EQ(FindChain(t, "svc4"), nullptr);
  EXPECT_EQ(FindChain(tables[1], "prerouting"), nullptr);
}

TEST(PlanFind, SetsChainsAndTunnelsAreFoundByName) {
  plan::Table t;
  t.sets.push_back(plan::Set{.name = "be4"});
  t.chains.push_back(plan::Chain{.name = "svc_web"});
  EXPECT_EQ(plan::FindSet(t, "be4"), &t.sets[0]);
  EXPECT_EQ(plan::FindChain(t, "svc_web"), &t.chains[0]);
  EXPECT_EQ(plan::FindSet(t, "svc_web"), nullptr);
  plan::HostPlan h;
  h.tunnels.push_back(plan::Tunnel{.name = "lvs0a000001"});
  EXPECT_EQ(plan::FindTunnel(h, "lvs0a000001"), &h.tunnels[0]);
  EXPECT_EQ(plan::FindTunnel(h, "lvs0a000002"), nullptr);
}

}  // namespace
}  // namespace lvsnft::netlink
