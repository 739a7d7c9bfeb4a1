// Large configs are lowered on two threads (the second half of the NAT
// services, or the netdev table, beside the rest); the plan must be
// exactly the one a single thread builds.
#include <gtest/gtest.h>

#include <string>

#include "compiler/lower.h"
#include "compiler/render.h"
#include "test_util.h"

namespace lvsnft {
namespace {

using testing::LoadExample;

// `n` services cycling through those of `example`, each with its own name
// and VIP.
Config Scaled(const char* example, size_t n, bool no_netdev) {
  Config base = LoadExample(example);
  Config cfg;
  cfg.director = base.director;
  for (size_t i = 0; cfg.services.size() < n; ++i) {
    Service s = base.services[i % base.services.size()];
    if (no_netdev && (s.mode == Mode::kDr || s.mode == Mode::kTun)) continue;
    s.name += "-" + std::to_string(i);
    std::string v4 = "10." + std::to_string(i / 65536 % 256) + "." +
                     std::to_string(i / 256 % 256) + "." +
                     std::to_string(i % 256);
    std::string v6 = "2001:db8:ff::" + std::to_string(i % 10000);
    s.vip = *IpAddr::Parse(s.vip.family == IpFamily::kV4 ? v4 : v6);
    cfg.services.push_back(std::move(s));
  }
  return cfg;
}

void ExpectSameAsOneThread(const Config& cfg) {
  auto blocks = lower::AllocateSlots(SlotNeeds(cfg));
  plan::Plan two = LowerWith(cfg, blocks);
  plan::Plan one = LowerWith(cfg, blocks, LowerThreads::kOne);
  ASSERT_FALSE(one.tables.empty());
  EXPECT_TRUE(RenderNft(two) == RenderNft(one));
}

TEST(LowerParallelTest, NatHalvesMergeIntoTheSequentialPlan) {
  ExpectSameAsOneThread(Scaled("showcase.json", 2001, true));
}

TEST(LowerParallelTest, NetdevBesideNatIsTheSequentialPlan) {
  ExpectSameAsOneThread(Scaled("showcase.json", 2003, false));
}

}  // namespace
}  // namespace lvsnft
