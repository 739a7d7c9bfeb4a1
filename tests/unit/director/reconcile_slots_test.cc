// The desired side reads compact slot tables directly: the same raw
// elements, in the same order and with the same owners, as the encoder
// makes of the expanded plan.
#include <gtest/gtest.h>

#include "compiler/lower.h"
#include "director/reconcile.h"
#include "kernel/nft/nft_netlink_kernel.h"
#include "test_util.h"

namespace lvsnft::netlink {
namespace {

// The fields of a raw element that reach the kernel or a report.
std::string Describe(const RawElement& r) {
  auto hex = [](const uint8_t* p, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += std::to_string(p[i]) + ".";
    return out;
  };
  return hex(r.key.data(), r.key.size()) + "|" +
         hex(r.key_end.data(), r.key_end.size()) + "|" +
         hex(r.data.data(), r.data.size()) + "|" + std::to_string(r.flags) +
         "|" + std::to_string(r.verdict) + "|" + r.chain.str() + "|" +
         hex(r.udata.data(), r.udata.size()) + "|" +
         std::string(r.src.service()) + "|" + std::string(r.src.real_server()) +
         "|" + std::to_string(r.src_index);
}

TEST(ReconcileSlotsTest, SameElementsAsTheExpandedPlan) {
  for (const char* example :
       {"nat.json", "showcase.json", "dr.json", "fullnat.json", "tun.json"}) {
    SCOPED_TRACE(example);
    plan::Plan compact = Lower(testing::LoadExample(example));
    plan::Plan expanded = compact;
    plan::ExpandSlotTables(expanded);
    size_t slot_sets = 0;
    for (size_t t = 0; t < compact.tables.size(); ++t) {
      for (size_t i = 0; i < compact.tables[t].sets.size(); ++i) {
        const plan::Set& s = compact.tables[t].sets[i];
        if (s.dynamic) continue;
        slot_sets += !s.slot_tables.empty();
        auto got = DesiredElements(s, EncodeElements);
        auto want = EncodeElements(expanded.tables[t].sets[i]);
        ASSERT_TRUE(got.ok()) << got.status().message();
        ASSERT_TRUE(want.ok()) << want.status().message();
        ASSERT_EQ(got->size(), want->size()) << s.name;
        for (size_t k = 0; k < got->size(); ++k) {
          EXPECT_EQ(Describe((*got)[k]), Describe((*want)[k])) << s.name;
          // Plain elements' origins are the plan's own, not a copy's.
          if (const plan::Element* e = (*got)[k].src.element()) {
            EXPECT_GE(e, s.elements.data());
            EXPECT_LT(e, s.elements.data() + s.elements.size());
          }
        }
      }
    }
    if (std::string(example) != "dr.json" &&
        std::string(example) != "tun.json") {
      EXPECT_GT(slot_sets, 0u);
    }
  }
}

plan::Set SlotSet() {
  plan::Set s;
  s.name = "be4";
  s.key = {plan::DataType::kMark};
  s.data = {plan::DataType::kIpv4Addr};
  auto servers = std::make_shared<plan::SlotServers>();
  servers->owner = {0, 1, 0};
  servers->Add("a");
  servers->Add("b");
  plan::SlotTable t{"web", 4096, servers, plan::DataType::kIpv4Addr, {}};
  t.AddData(plan::AddrValue(*IpAddr::Parse("10.0.0.1")));
  t.AddData(plan::AddrValue(*IpAddr::Parse("10.0.0.2")));
  s.slot_tables.push_back(t);
  return s;
}

TEST(ReconcileSlotsTest, SlotsCarryTheirOwnersData) {
  plan::Set s = SlotSet();
  auto got = DesiredElements(s, EncodeElements);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), 3u);
  const RawElement& second = (*got)[1];
  uint32_t mark = 4097;
  EXPECT_EQ(second.key, SmallBytes(reinterpret_cast<uint8_t*>(&mark), 4));
  EXPECT_EQ(second.data, SmallBytes({10, 0, 0, 2}));
  EXPECT_EQ(second.src.service(), "web");
  EXPECT_EQ(second.src.real_server(), "b");
  EXPECT_EQ(second.src.element(), nullptr);
  EXPECT_EQ((*got)[2].src.real_server(), "a");
}

TEST(ReconcileSlotsTest, SlotDataOfTheWrongTypeIsAnError) {
  plan::Set s = SlotSet();
  s.slot_tables[0].type = plan::DataType::kMark;
  auto got = DesiredElements(s, EncodeElements);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "set be4: slot data of web has the wrong type");
}

TEST(ReconcileSlotsTest, SlotDataForTooFewServersIsAnError) {
  plan::Set s = SlotSet();
  s.slot_tables[0].data.resize(4);
  auto got = DesiredElements(s, EncodeElements);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "set be4: slot data of web does not match its servers");
}

TEST(ReconcileSlotsTest, SlotTablesInAnIntervalSetAreAnError) {
  plan::Set s = SlotSet();
  s.interval = true;
  auto got = DesiredElements(s, EncodeElements);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), "set be4: slot tables need a mark map");
}

}  // namespace
}  // namespace lvsnft::netlink
