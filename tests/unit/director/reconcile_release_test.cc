// A set that goes away in the same transaction as the chains its elements
// jump to must give up those references before the chains are deleted
// (issue 10, item 1: removing the last port-range service).
#include <gtest/gtest.h>

#include "director/reconcile.h"
#include "kernel/delta.h"

namespace lvsnft::netlink {
namespace {

constexpr int kGoto = -4;  // NFT_GOTO

// A live table holding the verdict map `svc4r` (one element per chain in
// `targets`, plus one plain verdict) and the chains themselves.
LiveTable LiveWithRangeMap(const std::vector<std::string>& targets) {
  LiveTable l;
  l.family = plan::TableFamily::kInet;
  l.name = "lvsnft";
  l.comment = plan::kOwnerComment;
  LiveSet m;
  m.name = "svc4r";
  m.handle = 40;
  uint8_t port = 1;
  for (const auto& c : targets) {
    m.elements.push_back({{6, port}, {6, port}, {}, kGoto, c, 0});
    ++port;
  }
  m.elements.push_back({{6, 99}, {6, 99}, {}, 0 /* NF_DROP */, "", 0});
  l.sets.push_back(m);
  uint64_t handle = 50;
  for (const auto& c : targets) l.chains.push_back(LiveChain{c, handle++});
  return l;
}

// The desired table: an owned empty table (everything live is unwanted).
struct Empty {
  plan::Table t;
  DesiredTable d;
  Empty() {
    t.family = plan::TableFamily::kInet;
    t.name = "lvsnft";
    t.comment = plan::kOwnerComment;
    auto r = ToDesired(
        t,
        [](const plan::Set&) {
          return Result<std::vector<RawElement>>(std::vector<RawElement>{});
        },
        {});
    EXPECT_TRUE(r.ok());
    d = *r;
  }
};

TEST(ReconcileReleaseTest, DeletedMapDropsChainElementsBeforeTheChains) {
  Empty e;
  LiveTable live = LiveWithRangeMap({"svc_rng", "svc_other"});
  live.tag = e.d.tag;
  auto delta = Reconcile({e.d}, {live});
  ASSERT_TRUE(delta.ok());
  const auto& ch = delta->changes;
  ASSERT_EQ(ch.size(), 4u);
  EXPECT_EQ(ch[0].kind, ChangeKind::kDelElems);
  EXPECT_EQ(ch[0].set, "svc4r");
  // Only the elements that hold a chain reference: the rest goes with the
  // set.
  ASSERT_EQ(ch[0].elements.size(), 2u);
  EXPECT_EQ(ch[0].elements[0].chain, "svc_rng");
  EXPECT_EQ(ch[0].elements[0].key, (SmallBytes{6, 1}));
  EXPECT_EQ(ch[0].elements[0].key_end, (SmallBytes{6, 1}));
  EXPECT_EQ(ch[0].elements[1].chain, "svc_other");
  EXPECT_EQ(ch[1].kind, ChangeKind::kDelChain);
  EXPECT_EQ(ch[2].kind, ChangeKind::kDelChain);
  EXPECT_EQ(ch[3].kind, ChangeKind::kDelSet);
  EXPECT_EQ(ch[3].handle, 40u);
}

TEST(ReconcileReleaseTest, DeletedSetWithoutChainReferencesIsJustDeleted) {
  Empty e;
  LiveTable live = LiveWithRangeMap({});
  live.tag = e.d.tag;
  auto delta = Reconcile({e.d}, {live});
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(delta->changes.size(), 1u);
  EXPECT_EQ(delta->changes[0].kind, ChangeKind::kDelSet);
}

}  // namespace
}  // namespace lvsnft::netlink
