// `status --rate`: per-second rates from two samples; NAT counts new
// connections, DR/TUN packets and bytes; a counter that went back counts
// from zero.
#include "director/status_rate.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace lvsnft::netlink {
namespace {

DirectorStatus Sample(uint64_t nat_conns, uint64_t dr_packets,
                      uint64_t dr_bytes) {
  DirectorStatus s;
  ServiceStatus nat{"web", "nat", "tcp", "192.168.10.100",
                    "80",  "wrr", true,  nat_conns,
                    0,     0,     {}};
  nat.servers.push_back({"192.168.1.10:80", 1, "up", 3, nat_conns, 0, 0});
  ServiceStatus dr{"dns", "dr", "udp",      "192.168.1.100", "53", "mh",
                   true,  7,    dr_packets, dr_bytes,        {}};
  dr.servers.push_back({"192.168.1.11", 2, "up", 4, 7, dr_packets, dr_bytes});
  s.services = {nat, dr};
  return s;
}

TEST(StatusRate, NatConnectionsAndDrTrafficPerSecond) {
  auto r = ComputeRates(Sample(100, 1000, 64000), Sample(300, 1500, 96000), 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].rate.cps, 100.0);
  EXPECT_FALSE(r[0].rate.pps.has_value());
  EXPECT_EQ(r[0].servers[0].rate.cps, 100.0);
  EXPECT_FALSE(r[1].rate.cps.has_value());
  EXPECT_EQ(r[1].rate.pps, 250.0);
  EXPECT_EQ(r[1].servers[0].rate.bps, 16000.0);
}

TEST(StatusRate, IdleIsZeroAndAResetCountsFromZero) {
  auto idle = ComputeRates(Sample(5, 9, 9), Sample(5, 9, 9), 1);
  EXPECT_EQ(idle[0].rate.cps, 0.0);
  EXPECT_EQ(idle[1].rate.pps, 0.0);
  auto reset = ComputeRates(Sample(500, 9, 9), Sample(20, 9, 9), 1);
  EXPECT_EQ(reset[0].servers[0].rate.cps, 20.0);
}

TEST(StatusRate, NewServiceCountsFromZero) {
  DirectorStatus before;
  auto r = ComputeRates(before, Sample(10, 0, 0), 1);
  EXPECT_EQ(r[0].rate.cps, 10.0);
}

TEST(StatusRate, TextAndJson) {
  auto r = ComputeRates(Sample(100, 1000, 64000), Sample(300, 1500, 96000), 2);
  std::string t = RenderRatesText(r, 2);
  EXPECT_NE(t.find("lvsnft status --rate: per second over 2s\n"),
            std::string::npos);
  EXPECT_NE(t.find("tcp  192.168.10.100:80             nat            100 "
                   "         -          -\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  -> 192.168.1.11                                   - "
                   "       250      16000\n"),
            std::string::npos)
      << t;
  auto j = nlohmann::json::parse(RenderRatesJson(r, 2));
  EXPECT_EQ(j["interval"], 2.0);
  EXPECT_EQ(j["services"][0]["rate"]["cps"], 100.0);
  EXPECT_TRUE(j["services"][0]["rate"]["pps"].is_null());
  EXPECT_EQ(j["services"][1]["real_servers"][0]["rate"]["pps"], 250.0);
}

}  // namespace
}  // namespace lvsnft::netlink
