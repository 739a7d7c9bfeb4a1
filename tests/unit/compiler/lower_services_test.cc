// Lowering a subset of services with the whole config's slot blocks gives
// exactly the objects those services own in the whole lowering, on every
// example (= golden) config: the ground the incremental sync stands on.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "compiler/lower.h"
#include "compiler/plan_part.h"
#include "compiler/render.h"
#include "test_util.h"

namespace lvsnft {
namespace {

using testing::LoadExample;

// The examples are the golden configs (tests/golden renders them).
const char* const kExamples[] = {"nat.json", "dr.json", "tun.json",
                                 "fullnat.json", "showcase.json"};

// Owned objects as nft text: the sets holding owned elements, with them,
// and the owned chains (what else either lowering declares is left out).
std::string OwnedText(const plan::Plan& p, const std::set<std::string>& s) {
  plan::Plan owned = plan::OwnedPart(p, s), out;
  for (auto& t : owned.tables) {
    std::erase_if(t.sets,
                  [](const plan::Set& x) { return plan::NoElements(x); });
    if (!t.sets.empty() || !t.chains.empty()) out.tables.push_back(t);
  }
  return RenderNft(out);
}

TEST(LowerServicesTest, EachServiceAloneLowersAsInTheWholeConfig) {
  for (const char* path : kExamples) {
    Config cfg = LoadExample(path);
    auto blocks = lower::AllocateSlots(SlotNeeds(cfg));
    plan::Plan whole = LowerWith(cfg, blocks);
    EXPECT_EQ(RenderNft(whole), RenderNft(Lower(cfg))) << path;
    std::set<std::string> all;
    for (const auto& s : cfg.services) {
      std::set<std::string> one{s.name};
      all.insert(s.name);
      plan::Plan part = LowerServices(cfg, one, blocks);
      std::string want = OwnedText(whole, one);
      EXPECT_EQ(OwnedText(part, one), want) << path << " " << s.name;
      // The service owns something: a chain or elements.
      EXPECT_NE(want.find(s.name), std::string::npos) << path << s.name;
    }
    plan::Plan together = LowerServices(cfg, all, blocks);
    EXPECT_EQ(OwnedText(together, all), OwnedText(whole, all)) << path;
    EXPECT_TRUE(plan::SameSharedPart(together, whole, all)) << path;
  }
}

TEST(LowerServicesTest, SharedPartSeesNewPlumbing) {
  Config a = LoadExample("nat.json"), b = a;
  b.services[0].persistence = Persistence{};
  std::set<std::string> web{"web"};
  auto blocks = lower::AllocateSlots(SlotNeeds(a));
  plan::Plan pa = LowerServices(a, web, blocks);
  EXPECT_TRUE(plan::SameSharedPart(pa, LowerServices(a, web, blocks), web));
  EXPECT_FALSE(plan::SameSharedPart(pa, LowerServices(b, web, blocks), web));
  Config c = a;
  c.services[0].real_servers[0].weight = 9;  // owned objects only
  EXPECT_TRUE(plan::SameSharedPart(pa, LowerServices(c, web, blocks), web));
}

}  // namespace
}  // namespace lvsnft
