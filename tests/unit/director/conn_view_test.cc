// ActiveConn / InActConn and the connection list: conntrack entries found
// by slot mark and attributed to their service and real server, through
// Director::Inspect over the in-memory kernels.
#include "director/conn_view.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compiler/lower.h"
#include "director/director.h"
#include "kernel/sim/sim_conntrack.h"
#include "kernel/sim/sim_host.h"
#include "kernel/sim/sim_nft.h"
#include "test_util.h"

namespace lvsnft::netlink {
namespace {

IpAddr Ip(const char* s) { return *IpAddr::Parse(s); }

// Plan-form encoding: concatenated value bytes (enough for the fake).
Result<std::vector<RawElement>> Encode(const plan::Set& s) {
  std::vector<RawElement> out;
  for (size_t i = 0; i < s.elements.size(); ++i) {
    RawElement r;
    for (const auto& v : s.elements[i].key)
      r.key.Append(v.bytes.data(), v.bytes.size());
    for (const auto& v : s.elements[i].data)
      r.data.Append(v.bytes.data(), v.bytes.size());
    r.src = &s.elements[i];
    r.src_index = i;
    out.push_back(std::move(r));
  }
  return out;
}

struct ConnViewTest : ::testing::Test {
  FakeNft nft;
  FakeHost host;
  MemStateStore store;
  FakeConnTrack ct;
  Director dir{DirectorEnv{&nft, &host, &host, &store, Encode}};
  plan::Plan applied;

  void SetUp() override {
    host.AddLink("eth0");
    host.SetSysctl("net/ipv4/ip_forward", "0");
    std::ifstream in(std::string(LVSNFT_SOURCE_DIR) + "/examples/nat.json");
    std::stringstream text;
    text << in.rdbuf();
    applied = Lower(testing::LoadExample("nat.json"));
    plan::ExpandSlotTables(applied);
    ApplyOptions o;
    o.config_text = text.str();  // status labels services with it
    ASSERT_TRUE(dir.Apply(applied, o).ok());
  }
  // The first slot mark of real server `rs` in be4.
  uint32_t MarkOf(const std::string& rs) {
    for (const auto& t : applied.tables)
      for (const auto& s : t.sets)
        for (const auto& e : s.elements)
          if (s.name == "be4" && e.real_server == rs) {
            uint32_t m;
            std::memcpy(&m, e.key[0].bytes.data(), 4);
            return m;
          }
    ADD_FAILURE() << "no slot for " << rs;
    return 0;
  }
  void Add(uint8_t proto, const char* state, uint32_t mark, const char* rs,
           uint16_t cport) {
    ct.entries.push_back({proto, state, 30, mark, Ip("10.0.0.7"), cport,
                          Ip("192.168.10.100"), 80, Ip(rs), 80});
  }
};

TEST_F(ConnViewTest, CountsEstablishedAsActiveAndTheRestAsInactive) {
  Add(IPPROTO_TCP, "ESTABLISHED", MarkOf("192.168.1.10:80"), "192.168.1.10",
      40001);
  Add(IPPROTO_TCP, "ESTABLISHED", MarkOf("192.168.1.10:80"), "192.168.1.10",
      40002);
  Add(IPPROTO_TCP, "TIME_WAIT", MarkOf("192.168.1.11:80"), "192.168.1.11",
      40003);
  Add(IPPROTO_TCP, "ESTABLISHED", 0x00000005, "192.168.1.12", 40004);
  auto r = dir.Inspect(nullptr, &ct);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& servers = r->status.services.at(0).servers;
  ASSERT_EQ(servers.size(), 3u);
  EXPECT_EQ(servers[0].active, 2u);
  EXPECT_EQ(servers[0].inactive, 0u);
  EXPECT_EQ(servers[1].active, 0u);
  EXPECT_EQ(servers[1].inactive, 1u);
  EXPECT_EQ(servers[2].active, 0u);  // its mark is not lvsnft's
  EXPECT_EQ(ct.dumps, 1);
  ASSERT_EQ(r->connections.size(), 3u);
  EXPECT_EQ(r->connections[2].state, "TIME_WAIT");
  EXPECT_EQ(r->connections[2].client, "10.0.0.7:40003");
  EXPECT_EQ(r->connections[2].vip, "192.168.10.100:80");
  EXPECT_EQ(r->connections[2].server, "192.168.1.11:80");
  EXPECT_EQ(r->connections[2].service, "web");
}

TEST_F(ConnViewTest, UdpIsInactiveAndNoConntrackLeavesCountsUnknown) {
  Add(IPPROTO_UDP, "UDP", MarkOf("192.168.1.12:80"), "192.168.1.12", 5353);
  auto r = dir.Inspect(nullptr, &ct);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status.services.size(), 1u);
  EXPECT_EQ(r->status.services[0].servers[2].inactive, 1u);
  EXPECT_EQ(r->status.services[0].servers[2].active, 0u);
  auto none = dir.Inspect();
  ASSERT_TRUE(none.ok());
  ASSERT_EQ(none->status.services.size(), 1u);
  EXPECT_FALSE(none->status.services[0].servers[2].active.has_value());
  EXPECT_TRUE(none->connections.empty());
}

TEST(ConnRender, TextAndJson) {
  std::vector<ConnRow> rows = {
      {"web", "nat", "tcp", "ESTABLISHED", 431999000, "10.0.0.7:40001",
       "192.168.10.100:80", "192.168.1.10:80"},
      {"dns", "dr", "udp", "FLOW", 61500, "10.0.0.8:5353", "192.168.1.100:53",
       "192.168.1.11:53"}};
  EXPECT_EQ(RenderConnsText(rows),
            "Pro  Expires  State        Source                 Virtual        "
            "        Destination            Service\n"
            "tcp  7199:59    ESTABLISHED  10.0.0.7:40001         "
            "192.168.10.100:80      192.168.1.10:80        web\n"
            "udp  01:02    FLOW         10.0.0.8:5353          "
            "192.168.1.100:53       192.168.1.11:53        dns\n");
  auto j = nlohmann::json::parse(RenderConnsJson(rows));
  EXPECT_EQ(j[1]["expires"], 61.5);
  EXPECT_EQ(j[1]["mode"], "dr");
  EXPECT_EQ(j[0]["server"], "192.168.1.10:80");
}

TEST(ConnRender, EndpointBracketsIpv6) {
  EXPECT_EQ(Endpoint(Ip("2001:db8::1"), 443), "[2001:db8::1]:443");
  EXPECT_EQ(Endpoint(Ip("10.1.2.3"), 0), "10.1.2.3:0");
}

TEST(CtEntry, ActiveIsEstablishedTcpOrSctp) {
  CtEntry e;
  e.l4proto = IPPROTO_TCP;
  e.state = "ESTABLISHED";
  EXPECT_TRUE(e.active());
  e.l4proto = IPPROTO_SCTP;
  EXPECT_TRUE(e.active());
  e.state = "SHUTDOWN_SENT";
  EXPECT_FALSE(e.active());
  e.l4proto = IPPROTO_UDP;
  e.state = "UDP";
  EXPECT_FALSE(e.active());
  e.l4proto = IPPROTO_TCP;
  e.state = "TIME_WAIT";
  EXPECT_FALSE(e.active());
}

TEST(FakeConnTrack, FiltersByMarkAndMask) {
  FakeConnTrack ct;
  ct.entries.resize(3);
  ct.entries[0].mark = 0x40001000;
  ct.entries[1].mark = 0x00000001;
  ct.entries[2].mark = 0x7fffffff;
  auto r = ct.List(kSlotMark, kSlotMask);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].mark, 0x7fffffffu);
}

}  // namespace
}  // namespace lvsnft::netlink
