// The compact live element (kernel/live.h): interned chain names, counters
// and timeouts beside the elements, and the snapshot file carrying both
// element targets and no counters.
#include <gtest/gtest.h>

#include <climits>
#include <string>

#include "director/snapshot.h"
#include "kernel/live.h"

namespace lvsnft::netlink {
namespace {

TEST(ChainName, EqualNamesAreOneEntry) {
  ChainName a = "svc_web";
  ChainName b = std::string("svc_") + "web";
  ChainName c = "svc_mail";
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == c);
  EXPECT_EQ(a.str(), "svc_web");
  EXPECT_TRUE(a == std::string("svc_web"));
  EXPECT_TRUE(std::string("svc_mail") == c);
  EXPECT_EQ(&a.str(), &b.str());  // one copy of the text
  ChainName none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.str(), "");
  a = "";
  EXPECT_TRUE(a.empty());
  EXPECT_TRUE(a == none);
}

TEST(ChainName, ReadsLikeTheStringItReplaced) {
  LiveElement e;
  e.chain = "svc_lvt_x";
  const std::string& s = e.chain;
  EXPECT_EQ(s.find("_lvt_"), 3u);
  std::string copy = e.chain;
  EXPECT_EQ(copy, "svc_lvt_x");
}

// The per-element counters and timeouts moved beside the elements: an
// element is its bytes, verdict, target and flags (51 + 12 bytes, padded
// to the 4-byte alignment of its numbers).
TEST(LiveElement, HoldsNoCountersOrTimeouts) {
  EXPECT_LE(sizeof(LiveElement), (3 * sizeof(SmallBytes) + 12 + 3) / 4 * 4);
  EXPECT_LE(sizeof(LiveElement), 64u);
}

LiveSet TwoElements() {
  LiveSet s;
  s.elements.push_back({{1}, {}, {}, INT_MIN, "", 0});
  s.elements.push_back({{2}, {}, {}, INT_MIN, "", 0});
  return s;
}

TEST(LiveSet, StatsAreFoundByElementIndex) {
  LiveSet s = TwoElements();
  EXPECT_EQ(s.Stats(0), nullptr);  // no side table: none dumped
  s.stats.resize(2);
  s.stats[1].packets = 7;
  ASSERT_NE(s.Stats(1), nullptr);
  EXPECT_EQ(s.Stats(1)->packets, 7u);
  EXPECT_EQ(s.Stats(2), nullptr);
  // Elements changed since the dump: the counters no longer line up.
  s.elements.push_back({{3}, {}, {}, INT_MIN, "", 0});
  EXPECT_EQ(s.Stats(1), nullptr);
}

TEST(LiveSet, DropStatsEmptiesEverySideTable) {
  std::vector<LiveTable> tables(2);
  for (auto& t : tables) {
    t.sets.push_back(TwoElements());
    t.sets.back().stats.resize(2);
  }
  DropStats(tables);
  for (const auto& t : tables) {
    EXPECT_TRUE(t.sets[0].stats.empty());
    EXPECT_EQ(t.sets[0].elements.size(), 2u);
  }
}

// The snapshot keeps verdict targets (read back into the pool), and no
// counters: they are state of the moment.
TEST(SnapshotTest, TargetsRoundTripAndCountersAreNotKept) {
  Snapshot s;
  LiveTable t;
  t.name = "lvsnft";
  LiveSet set = TwoElements();
  set.name = "svc4";
  set.elements[0].verdict = -3;  // NFT_JUMP
  set.elements[0].chain = "svc_web";
  set.stats.resize(2);
  set.stats[0].packets = 5;
  t.sets.push_back(set);
  s.tables.push_back(t);
  auto back = DecodeSnapshot(EncodeSnapshot(s));
  ASSERT_TRUE(back.ok());
  const LiveSet& got = back->tables[0].sets[0];
  ASSERT_EQ(got.elements.size(), 2u);
  EXPECT_TRUE(got.elements[0].chain == ChainName("svc_web"));
  EXPECT_EQ(got.elements[0].verdict, -3);
  EXPECT_TRUE(got.elements[1].chain.empty());
  EXPECT_TRUE(got.stats.empty());
}

}  // namespace
}  // namespace lvsnft::netlink
