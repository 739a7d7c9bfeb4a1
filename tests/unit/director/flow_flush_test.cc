// Which flow-table elements belong to a removed DR/TUN server (its VIP, a
// port of its service, its target id), and that FlushFlows deletes exactly
// those in one transaction, retrying when the ruleset changed under it.
#include "director/flow_flush.h"

#include <gtest/gtest.h>

#include <cstring>

#include "compiler/lower_util.h"
#include "kernel/sim/sim_nft.h"

namespace lvsnft::netlink {
namespace {

IpAddr A(const char* s) { return *IpAddr::Parse(s); }

// flows4 key: saddr . daddr . sport (padded) . dport (padded) . mark.
LiveElement Flow(const char* client, const char* vip, uint16_t dport,
                 uint32_t tid) {
  LiveElement e;
  e.key.Resize(20);
  std::memcpy(e.key.data(), A(client).bytes.data(), 4);
  std::memcpy(e.key.data() + 4, A(vip).bytes.data(), 4);
  e.key[8] = 0x9c, e.key[9] = 0x40;  // 40000
  e.key[12] = static_cast<uint8_t>(dport >> 8);
  e.key[13] = static_cast<uint8_t>(dport);
  std::memcpy(e.key.data() + 16, &tid, 4);
  return e;
}

Service Dr(const char* name, uint16_t port, std::vector<const char*> rs) {
  Service s;
  s.name = name;
  s.mode = Mode::kDr;
  s.vip = A("10.0.0.100");
  s.ports = {PortRange{port, port, {}}};
  for (const char* a : rs) {
    RealServer r;
    r.address = A(a);
    s.real_servers.push_back(r);
  }
  return s;
}

struct Fixture {
  Config cfg;
  uint32_t t2 = 0, t3 = 0;
  std::vector<LiveTable> live;
  Fixture() {
    cfg.director.interface = "eth0";
    cfg.services = {Dr("dns", 53, {"10.0.0.2", "10.0.0.3"}),
                    Dr("web", 80, {"10.0.0.2"})};
    t2 = lower::TargetId(A("10.0.0.2"), "eth0");
    t3 = lower::TargetId(A("10.0.0.3"), "eth0");
    LiveTable t;
    t.family = plan::TableFamily::kNetdev;
    t.name = plan::kNatTable;
    LiveSet flows;
    flows.name = "flows4";
    flows.elements = {
        Flow("10.0.1.1", "10.0.0.100", 53, t2),  // dns via .2: goes
        Flow("10.0.1.2", "10.0.0.100", 53, t2),  // dns via .2: goes
        Flow("10.0.1.1", "10.0.0.100", 80, t2),  // web via .2: stays
        Flow("10.0.1.1", "10.0.0.100", 53, t3),  // dns via .3: stays
        Flow("10.0.1.1", "10.0.0.101", 53, t2),  // another VIP: stays
    };
    t.sets.push_back(flows);
    live.push_back(t);
  }
  FlowOwner DnsOf2() const {
    return OwnerOf(cfg, cfg.services[0], cfg.services[0].real_servers[0]);
  }
};

TEST(FlowFlush, OwnerHashesTheServerWithItsDevice) {
  Fixture f;
  EXPECT_EQ(f.DnsOf2().target_id, f.t2);
  Service tun = f.cfg.services[0];
  tun.mode = Mode::kTun;
  uint32_t want =
      lower::TargetId(A("10.0.0.2"), lower::TunnelName(A("10.0.0.2")));
  EXPECT_EQ(OwnerOf(f.cfg, tun, tun.real_servers[0]).target_id, want);
  EXPECT_NE(want, f.t2);
}

TEST(FlowFlush, SelectsOnlyTheServersFlowsOfItsService) {
  Fixture f;
  auto changes = FlowDeletions(f.live, {f.DnsOf2()});
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kDelElems);
  EXPECT_EQ(changes[0].set, "flows4");
  ASSERT_EQ(changes[0].elements.size(), 2u);
  EXPECT_EQ(changes[0].elements[0].key, f.live[0].sets[0].elements[0].key);
  EXPECT_EQ(changes[0].elements[1].key, f.live[0].sets[0].elements[1].key);
  EXPECT_TRUE(FlowDeletions(f.live, {}).empty());
}

TEST(FlowFlush, DeletesInOneTransactionAndRetriesARace) {
  for (int races : {0, 1}) {
    Fixture f;
    FakeNft nft;
    nft.tables() = f.live;
    nft.RaceNextCommits(races);
    uint32_t before = *nft.GenId();
    auto r = FlushFlows(nft, {f.DnsOf2()});
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->deleted, 2u);
    EXPECT_EQ(r->based_on, before + races);
    EXPECT_EQ(*nft.GenId(), NextGenId(*r->based_on));
    EXPECT_EQ(nft.commits(), 1);
    const auto& left = nft.tables()[0].sets[0].elements;
    ASSERT_EQ(left.size(), 3u);
    EXPECT_EQ(left[0].key, f.live[0].sets[0].elements[2].key);
  }
}

TEST(FlowFlush, NothingToDeleteCommitsNothing) {
  Fixture f;
  FakeNft nft;
  nft.tables() = f.live;
  FlowOwner none = f.DnsOf2();
  none.target_id = 1;
  auto r = FlushFlows(nft, {none});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->deleted, 0u);
  EXPECT_FALSE(r->based_on);
  EXPECT_EQ(nft.commits(), 0);
}

TEST(FlowFlush, GivesUpAfterThreeRaces) {
  Fixture f;
  FakeNft nft;
  nft.tables() = f.live;
  nft.RaceNextCommits(3);
  auto r = FlushFlows(nft, {f.DnsOf2()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "flow entries not deleted after 3 attempts");
}

TEST(FlowFlush, NextGenIdSkipsZero) {
  EXPECT_EQ(NextGenId(7), 8u);
  EXPECT_EQ(NextGenId(0xffffffffu), 1u);
}

}  // namespace
}  // namespace lvsnft::netlink
