// Invariants of the lowering, checked on every example and on edits.
#include "compiler/lower.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "compiler/lower_util.h"
#include "compiler/render.h"
#include "config/parse.h"
#include "plan_refs.h"
#include "test_util.h"

namespace lvsnft {
namespace {

using testing::LoadExample;

const char* const kExamples[] = {"nat.json", "dr.json", "tun.json",
                                 "fullnat.json", "showcase.json"};

TEST(LowerTest, EveryReferencedSetAndChainExists) {
  for (const char* ex : kExamples) {
    plan::Plan p = Lower(LoadExample(ex));
    for (const auto& t : p.tables) {
      EXPECT_EQ(testing::DanglingRefs(t), std::vector<std::string>{}) << ex;
    }
  }
}

TEST(LowerTest, Deterministic) {
  for (const char* ex : kExamples) {
    Config c = LoadExample(ex);
    EXPECT_EQ(RenderNft(Lower(c)), RenderNft(Lower(c))) << ex;
  }
}

// Elements of `s` as comparable strings (set name, owner, key bytes, data).
std::multiset<std::string> Elements(const plan::Plan& p) {
  std::multiset<std::string> out;
  for (const auto& t : p.tables) {
    for (const auto& s : t.sets) {
      plan::ForEachElement(s, [&](const plan::Element& e) {
        std::string k = s.name + "|" + e.service + "|";
        for (const auto& v : e.key) k.append(v.bytes.begin(), v.bytes.end());
        k += "|";
        for (const auto& v : e.data) k.append(v.bytes.begin(), v.bytes.end());
        if (e.verdict) k += e.verdict->chain;
        out.insert(k);
      });
    }
  }
  return out;
}

TEST(LowerTest, OneServerChangeTouchesOnlyItsService) {
  Config c = LoadExample("showcase.json");
  auto before = Elements(Lower(c));
  for (size_t i = 0; i < c.services.size(); ++i) {
    Config changed = c;
    changed.services[i].real_servers[0].weight += 2;
    auto after = Elements(Lower(changed));
    std::vector<std::string> diff;
    std::set_symmetric_difference(before.begin(), before.end(), after.begin(),
                                  after.end(), std::back_inserter(diff));
    for (const auto& d : diff) {
      std::string owner = d.substr(d.find('|') + 1);
      owner = owner.substr(0, owner.find('|'));
      EXPECT_EQ(owner, c.services[i].name) << "changing " << c.services[i].name;
    }
  }
}

TEST(LowerTest, ServiceOrderDoesNotMatter) {
  Config c = LoadExample("showcase.json");
  Config r = c;
  std::reverse(r.services.begin(), r.services.end());
  EXPECT_EQ(Elements(Lower(c)), Elements(Lower(r)));
}

// A hash-scheduled service's slot maps stay a few bytes a slot: one compact
// table (owner index per slot), no per-slot plan element (those cost
// hundreds of bytes: 300 sh services x 10 servers compiled in over 1 GB).
TEST(LowerTest, HashSlotTablesAreCompact) {
  Config c = LoadExample("nat.json");
  c.services[0].scheduler = Scheduler::kSh;
  plan::Plan p = Lower(c);
  const plan::Set* be4 = nullptr;
  for (const auto& s : p.tables[0].sets) {
    if (s.name == "be4") be4 = &s;
  }
  ASSERT_NE(be4, nullptr);
  EXPECT_TRUE(be4->elements.empty());
  ASSERT_EQ(be4->slot_tables.size(), 1u);
  const plan::SlotTable& t = be4->slot_tables[0];
  const std::vector<uint32_t>& owner = t.servers->owner;
  ASSERT_EQ(owner.size(), c.services[0].mh_table_size);
  EXPECT_EQ(t.servers->size(), c.services[0].real_servers.size());
  EXPECT_EQ(t.DataCount(), c.services[0].real_servers.size());
  size_t bytes = owner.capacity() * sizeof(owner[0]);
  EXPECT_LE(bytes / owner.size(), 4u);
  EXPECT_EQ(plan::ElementCount(*be4), owner.size());
}

// The address, port and canonical-slot maps of one service hold one set of
// owners and labels between them, not a copy each.
TEST(LowerTest, SlotMapsOfAServiceShareTheirServers) {
  Config c = LoadExample("nat.json");
  Service& s = c.services[0];
  s.persistence = Persistence{};
  s.real_servers[0].port = static_cast<uint16_t>(s.ports[0].first + 1);
  plan::Plan p = Lower(c);
  std::vector<const plan::SlotTable*> maps;
  for (const auto& set : p.tables[0].sets) {
    for (const auto& t : set.slot_tables) {
      if (t.service == s.name) maps.push_back(&t);
    }
  }
  ASSERT_EQ(maps.size(), 3u);  // be4, bep, canon
  for (const plan::SlotTable* t : maps) {
    EXPECT_EQ(t->servers.get(), maps[0]->servers.get());
    EXPECT_EQ(t->DataCount(), t->servers->size());
  }
  EXPECT_EQ(maps[0]->servers->Label(0), lower::RsLabel(s.real_servers[0]));
}

// Expanding the slot tables into elements changes no rendered byte.
TEST(LowerTest, ExpandedSlotTablesRenderTheSame) {
  for (const char* ex : kExamples) {
    plan::Plan p = Lower(LoadExample(ex));
    plan::Plan expanded = p;
    plan::ExpandSlotTables(expanded);
    for (const auto& t : expanded.tables) {
      for (const auto& s : t.sets) EXPECT_TRUE(s.slot_tables.empty()) << ex;
    }
    EXPECT_EQ(RenderNft(p), RenderNft(expanded)) << ex;
    EXPECT_EQ(RenderJson(p), RenderJson(expanded)) << ex;
    EXPECT_EQ(Elements(p), Elements(expanded)) << ex;
  }
}

}  // namespace
}  // namespace lvsnft
