// The full-dump decode of an interval set gives the same elements, in the
// same order, as the snapshot (the encoder's output), so both paths send
// the same deletes (issue 10, item 3: FULLNAT removal after a foreign
// change failed with ENOENT when an interval's end was deleted first).
#include <gtest/gtest.h>
#include <linux/netfilter/nf_tables.h>

#include <algorithm>

#include "kernel/delta.h"
#include "kernel/live.h"
#include "kernel/nft/nft_dump.h"
#include "kernel/nft/nft_netlink_kernel.h"
#include "kernel/nft_kernel.h"

namespace lvsnft::netlink {
namespace {

// fullnat4 as lowering builds it: one slot range per service.
plan::Set FullNatSet(const std::vector<uint32_t>& bases) {
  plan::Set s;
  s.name = "fullnat4";
  s.key = {plan::DataType::kMark};
  s.interval = true;
  for (uint32_t b : bases) {
    plan::Element e;
    e.key = {plan::MarkValue(b)};
    e.key_end = {plan::MarkValue(b)};
    e.service = "s" + std::to_string(b >> 12);
    s.elements.push_back(e);
  }
  return s;
}

std::vector<std::string> Ids(const std::vector<LiveElement>& v) {
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(ElementId(e.key, e.key_end, e.flags));
  return out;
}

// What the snapshot holds (encoder order) and what the kernel dumps
// (rbtree: descending, each interval's end before its start).
struct Sides {
  LiveSet snapshot, dump;
};

Sides Both(const plan::Set& s) {
  auto enc = EncodeElements(s);
  EXPECT_TRUE(enc.ok());
  Sides out;
  for (auto* side : {&out.snapshot, &out.dump}) {
    side->name = s.name;
    side->flags = NFT_SET_INTERVAL;
  }
  for (const auto& r : *enc) out.snapshot.elements.push_back(r.ToLive());
  out.dump.elements = out.snapshot.elements;
  std::reverse(out.dump.elements.begin(), out.dump.elements.end());
  return out;
}

TEST(CanonicalOrder, DumpOfIntervalSetMatchesTheEncoder) {
  Sides s = Both(FullNatSet({0x49127000, 0x4d9e5000, 0x55dbb000}));
  ASSERT_EQ(s.snapshot.elements.size(), 7u);  // leading end + 3 ranges
  ASSERT_NE(Ids(s.dump.elements), Ids(s.snapshot.elements));
  CanonicalOrder(s.dump);
  EXPECT_EQ(Ids(s.dump.elements), Ids(s.snapshot.elements));
  // Ascending, each start before its end.
  EXPECT_EQ(s.dump.elements[1].flags, 0u);
  EXPECT_EQ(s.dump.elements[2].flags, uint32_t{NFT_SET_ELEM_INTERVAL_END});
}

TEST(CanonicalOrder, AdjacentRangesKeepTheEndBeforeTheNextStart) {
  plan::Set set = FullNatSet({0x1000});
  plan::Element next = set.elements[0];
  next.key = {plan::MarkValue(0x1001)};
  next.key_end = {plan::MarkValue(0x1001)};
  set.elements.push_back(next);
  Sides s = Both(set);
  CanonicalOrder(s.dump);
  EXPECT_EQ(Ids(s.dump.elements), Ids(s.snapshot.elements));
}

// An interval set with counters: each element's counter moves with it.
TEST(CanonicalOrder, CountersFollowTheirElements) {
  Sides s = Both(FullNatSet({0x49127000, 0x4d9e5000}));
  std::vector<std::string> ids = Ids(s.dump.elements);
  for (size_t i = 0; i < ids.size(); ++i)
    s.dump.stats.push_back({.packets = i + 1});
  CanonicalOrder(s.dump);
  ASSERT_EQ(s.dump.stats.size(), s.dump.elements.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    auto was = std::find(ids.begin(), ids.end(), Ids(s.dump.elements)[i]);
    EXPECT_EQ(s.dump.stats[i].packets, uint64_t(was - ids.begin()) + 1);
  }
}

TEST(CanonicalOrder, OtherSetsKeepTheKernelOrder) {
  LiveSet hash;
  hash.flags = 0;
  hash.elements = {{{2}, {}, {}}, {{1}, {}, {}}};
  CanonicalOrder(hash);
  EXPECT_EQ(hash.elements[0].key, SmallBytes{2});
}

}  // namespace
}  // namespace lvsnft::netlink
