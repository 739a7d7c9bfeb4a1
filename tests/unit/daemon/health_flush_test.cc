// Which conntrack entries a dead server loses (DeadServerFilter), and
// that FlushDeadServers deletes exactly those from a fake table; which
// DR/TUN servers lose their flow-table entries (DeadServerFlows).
#include "daemon/health_flush.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include "kernel/sim/sim_conntrack.h"

namespace lvsnft::daemon {
namespace {

IpAddr A(const char* s) { return *IpAddr::Parse(s); }

Config OneService(Mode m, Proto p, OnFailure f, bool flush, RsState st) {
  Service s;
  s.name = "svc";
  s.mode = m;
  s.protocol = p;
  s.ports = {PortRange{53, 53, {}}};
  s.health.on_failure = f;
  s.health.flush_conntrack = flush;
  RealServer rs;
  rs.address = A("10.0.0.2");
  rs.state = st;
  s.real_servers.push_back(rs);
  Config c;
  c.services.push_back(s);
  return c;
}

TEST(HealthFlush, WhenEntriesAreDeleted) {
  struct Case {
    const char* name;
    Mode mode;
    Proto proto;
    OnFailure on_failure;
    bool flush;
    RsState state;
    bool deleted;
  };
  const auto kR = OnFailure::kRemove;
  const Case cases[] = {
      {"nat udp", Mode::kNat, Proto::kUdp, kR, false, RsState::kDown, true},
      {"fullnat udp", Mode::kFullNat, Proto::kUdp, kR, false, RsState::kDown,
       true},
      {"nat tcp", Mode::kNat, Proto::kTcp, kR, false, RsState::kDown, false},
      {"nat tcp flush", Mode::kNat, Proto::kTcp, kR, true, RsState::kDown,
       true},
      {"drain", Mode::kNat, Proto::kUdp, OnFailure::kDrain, false,
       RsState::kDrain, false},
      {"override kept it up", Mode::kNat, Proto::kUdp, kR, false, RsState::kUp,
       false},
      {"dr", Mode::kDr, Proto::kUdp, kR, false, RsState::kDown, false},
  };
  for (const auto& c : cases) {
    Config cfg = OneService(c.mode, c.proto, c.on_failure, c.flush, c.state);
    auto f = DeadServerFilter(cfg, {"svc", A("10.0.0.2"), std::nullopt});
    EXPECT_EQ(f.has_value(), c.deleted) << c.name;
    if (!f) continue;
    EXPECT_EQ(f->server_port, 53) << c.name;
    EXPECT_EQ(f->mark, netlink::kSlotMark);
    EXPECT_EQ(f->mask, netlink::kSlotMask);
  }
}

netlink::CtEntry Entry(uint8_t proto, const char* server, uint16_t port,
                       uint32_t mark) {
  netlink::CtEntry e;
  e.l4proto = proto;
  e.server = A(server);
  e.server_port = port;
  e.mark = mark;
  return e;
}

TEST(HealthFlush, DeletesOnlyTheDeadServersMarkedEntries) {
  netlink::FakeConnTrack ct;
  ct.entries = {
      Entry(IPPROTO_UDP, "10.0.0.2", 53, 0x40000001),  // deleted
      Entry(IPPROTO_UDP, "10.0.0.2", 53, 0x40000002),  // deleted
      Entry(IPPROTO_UDP, "10.0.0.2", 53, 0x00000001),  // not our mark
      Entry(IPPROTO_UDP, "10.0.0.2", 54, 0x40000001),  // other port
      Entry(IPPROTO_UDP, "10.0.0.3", 53, 0x40000001),  // other server
      Entry(IPPROTO_TCP, "10.0.0.2", 53, 0x40000001),  // other protocol
  };
  Config cfg = OneService(Mode::kNat, Proto::kUdp, OnFailure::kRemove, false,
                          RsState::kDown);
  auto own = FlushDeadServers(cfg, {{"svc", A("10.0.0.2"), std::nullopt}},
                              {&ct, nullptr});
  EXPECT_FALSE(own);
  ASSERT_EQ(ct.entries.size(), 4u);
  EXPECT_EQ(ct.entries[0].mark, 0x00000001u);
  EXPECT_EQ(ct.entries[1].server_port, 54);
  EXPECT_EQ(ct.entries[2].server, A("10.0.0.3"));
  EXPECT_EQ(ct.entries[3].l4proto, IPPROTO_TCP);
}

TEST(HealthFlush, WhenFlowEntriesAreDeleted) {
  struct Case {
    const char* name;
    Mode mode;
    OnFailure on_failure;
    RsState state;
    uint32_t table_size;
    bool deleted;
  };
  const auto kR = OnFailure::kRemove;
  const auto kDown = RsState::kDown;
  const Case cases[] = {
      {"dr", Mode::kDr, kR, kDown, 1024, true},
      {"tun", Mode::kTun, kR, kDown, 1024, true},
      {"nat", Mode::kNat, kR, kDown, 1024, false},
      {"drain", Mode::kDr, OnFailure::kDrain, RsState::kDrain, 1024, false},
      {"override kept it up", Mode::kDr, kR, RsState::kUp, 1024, false},
      {"no flow table", Mode::kDr, kR, kDown, 0, false},
  };
  for (const auto& c : cases) {
    Config cfg = OneService(c.mode, Proto::kUdp, c.on_failure, false, c.state);
    cfg.director.interface = "eth0";
    cfg.director.flow_table_size = c.table_size;
    auto o = DeadServerFlows(cfg, {"svc", A("10.0.0.2"), std::nullopt});
    EXPECT_EQ(o.has_value(), c.deleted) << c.name;
    if (!o) continue;
    EXPECT_EQ(o->target_id, netlink::OwnerOf(cfg, cfg.services[0],
                                             cfg.services[0].real_servers[0])
                                .target_id)
        << c.name;
    EXPECT_EQ(o->ports.size(), 1u);
  }
  Config cfg = OneService(Mode::kDr, Proto::kUdp, kR, false, kDown);
  EXPECT_FALSE(DeadServerFlows(cfg, {"svc", A("10.0.0.3"), std::nullopt}))
      << "another server";
  EXPECT_FALSE(DeadServerFlows(cfg, {"other", A("10.0.0.2"), std::nullopt}))
      << "another service";
}

}  // namespace
}  // namespace lvsnft::daemon
