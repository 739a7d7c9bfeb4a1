// SlotCount (what the slot allocator reserves) is the length of the table
// SlotOwners builds, for every scheduler and server state, so sizing the
// blocks without building the Maglev tables changes no block; RsLabel keeps
// its exact text (it seeds the Maglev table and names the owners).
#include <gtest/gtest.h>

#include "compiler/lower_util.h"
#include "test_util.h"

namespace lvsnft {
namespace {

using lower::SlotCount;
using lower::SlotOwners;

RealServer Rs(const char* addr, uint32_t weight, RsState state) {
  RealServer rs;
  rs.address = *IpAddr::Parse(addr);
  rs.port = 8080;
  rs.weight = weight;
  rs.state = state;
  return rs;
}

TEST(LowerSlotsTest, SlotCountIsTheOwnerTableLength) {
  const Scheduler kAll[] = {Scheduler::kRr, Scheduler::kWrr, Scheduler::kRandom,
                            Scheduler::kSh, Scheduler::kDh,  Scheduler::kMh};
  const std::vector<std::vector<RealServer>> kServers = {
      {},
      {Rs("10.0.0.1", 1, RsState::kUp), Rs("10.0.0.2", 3, RsState::kUp)},
      {Rs("10.0.0.1", 0, RsState::kUp), Rs("10.0.0.2", 2, RsState::kDrain)},
      {Rs("10.0.0.1", 5, RsState::kDown), Rs("10.0.0.2", 7, RsState::kUp),
       Rs("10.0.0.3", 2, RsState::kUp)},
      // Weights summing past the sequence cap (scaled down).
      {Rs("10.0.0.1", 60000, RsState::kUp), Rs("10.0.0.2", 30001, RsState::kUp),
       Rs("10.0.0.3", 1, RsState::kUp)}};
  for (Scheduler sched : kAll) {
    for (const auto& servers : kServers) {
      Service s;
      s.name = "s";
      s.scheduler = sched;
      s.mh_table_size = 251;
      s.real_servers = servers;
      EXPECT_EQ(SlotCount(s), SlotOwners(s).size())
          << SchedulerName(sched) << " with " << servers.size() << " servers";
    }
  }
}

TEST(LowerSlotsTest, SlotCountMatchesOnEveryExample) {
  for (const char* path :
       {"nat.json", "dr.json", "tun.json", "fullnat.json", "showcase.json"}) {
    Config cfg = testing::LoadExample(path);
    for (const auto& s : cfg.services)
      EXPECT_EQ(SlotCount(s), SlotOwners(s).size()) << path << " " << s.name;
  }
}

TEST(LowerSlotsTest, RsLabelText) {
  RealServer v4 = Rs("192.168.1.10", 1, RsState::kUp);
  EXPECT_EQ(lower::RsLabel(v4), "192.168.1.10:8080");
  v4.port.reset();
  EXPECT_EQ(lower::RsLabel(v4), "192.168.1.10");
  RealServer v6 = Rs("2001:db8::10", 1, RsState::kUp);
  EXPECT_EQ(lower::RsLabel(v6), "[2001:db8::10]:8080");
  v6.port.reset();
  EXPECT_EQ(lower::RsLabel(v6), "2001:db8::10");
  RealServer wide = Rs("255.255.255.255", 1, RsState::kUp);
  wide.port = 65535;
  EXPECT_EQ(lower::RsLabel(wide), "255.255.255.255:65535");
}

}  // namespace
}  // namespace lvsnft
