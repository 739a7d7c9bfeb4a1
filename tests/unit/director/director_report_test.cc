// The report of a large apply: counted instead of listed past a limit, with
// the same numbers; and what a one-shot apply keeps in memory.
#include <gtest/gtest.h>

#include <cstdint>

#include "compiler/lower.h"
#include "director/director.h"
#include "director/snapshot.h"
#include "kernel/sim/sim_host.h"
#include "kernel/sim/sim_nft.h"
#include "sim_encode.h"
#include "test_util.h"

namespace lvsnft::netlink {
namespace {

using testing::LoadExample;
using testing::SimpleEncode;

// One fresh kernel (nothing applied yet) per apply.
struct FreshApply {
  FakeNft nft;
  FakeHost host;
  MemStateStore store;
  Director dir{{&nft, &host, &host, &store, SimpleEncode}};
  plan::Plan plan;
  FreshApply() {
    host.AddLink("eth0");
    host.SetSysctl("net/ipv4/ip_forward", "0");
  }
  DirectorReport Run(const char* example, ApplyOptions o) {
    plan = Lower(LoadExample(example));
    plan::ExpandSlotTables(plan);
    auto r = dir.Apply(plan, o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : DirectorReport{};
  }
};

// Past the limit the number of lines is only known to exceed it.
void ExpectSameCounts(const ReportCounts& a, const ReportCounts& b,
                      size_t limit) {
  EXPECT_GT(a.lines, limit);
  EXPECT_LE(a.lines, b.lines);
  EXPECT_EQ(a.director_nft, b.director_nft);
  EXPECT_EQ(a.director_host, b.director_host);
  EXPECT_EQ(a.services, b.services);
}

TEST(DirectorReportTest, CountsPastTheLimitAreThoseOfTheLines) {
  for (const char* example : {"nat.json", "showcase.json", "dr.json"}) {
    SCOPED_TRACE(example);
    FreshApply listed, counted;
    DirectorReport all = listed.Run(example, {});
    ApplyOptions o;
    o.max_lines = 1;
    DirectorReport some = counted.Run(example, o);
    ASSERT_FALSE(all.counts.has_value());
    ASSERT_GT(all.lines.size(), 1u);
    ASSERT_TRUE(some.counts.has_value());
    EXPECT_TRUE(some.lines.empty());
    ReportCounts want = CountLines(all.lines);
    EXPECT_EQ(want.lines, all.lines.size());
    EXPECT_GT(want.services, 0u);
    ExpectSameCounts(*some.counts, want, o.max_lines);
    EXPECT_EQ(some.nft_changes, all.nft_changes);
    EXPECT_EQ(some.host_changes, all.host_changes);
    EXPECT_TRUE(some.committed);
  }
}

TEST(DirectorReportTest, CountsWithoutALimitAreExact) {
  for (const char* example : {"nat.json", "showcase.json", "dr.json"}) {
    SCOPED_TRACE(example);
    plan::Plan p = Lower(LoadExample(example));
    plan::ExpandSlotTables(p);
    std::vector<DesiredTable> desired;
    for (const auto& t : p.tables) {
      auto d = ToDesired(t, SimpleEncode, {});
      ASSERT_TRUE(d.ok()) << d.status().message();
      desired.push_back(std::move(*d));
    }
    auto delta = Reconcile(desired, {});
    ASSERT_TRUE(delta.ok()) << delta.status().message();
    std::vector<HostChange> host = {{'+', "address 10.0.0.1/32", ""},
                                    {'+', "device t1", "web"}};
    std::vector<ReportLine> lines = DeltaReport(*delta);
    for (const auto& h : host)
      lines.push_back({h.service, h.sign, h.what, true});
    ReportCounts want = CountLines(lines);
    ReportCounts got = CountReport(*delta, host, SIZE_MAX);
    EXPECT_EQ(got.lines, lines.size());
    EXPECT_EQ(got.lines, want.lines);
    EXPECT_EQ(got.director_nft, want.director_nft);
    EXPECT_EQ(got.director_host, 1u);
    EXPECT_EQ(got.services, want.services);
  }
}

TEST(DirectorReportTest, UpToTheLimitEveryLineIsListed) {
  FreshApply listed, limited;
  DirectorReport all = listed.Run("nat.json", {});
  ApplyOptions o;
  o.max_lines = all.lines.size();
  DirectorReport same = limited.Run("nat.json", o);
  EXPECT_FALSE(same.counts.has_value());
  ASSERT_EQ(same.lines.size(), all.lines.size());
  for (size_t i = 0; i < all.lines.size(); ++i) {
    EXPECT_EQ(same.lines[i].service, all.lines[i].service);
    EXPECT_EQ(same.lines[i].what, all.lines[i].what);
  }
}

TEST(DirectorReportTest, OneShotApplyKeepsNoCopyOfThePlan) {
  FreshApply kept, oneshot;
  kept.Run("nat.json", {});
  ApplyOptions o;
  o.keep_plan = false;
  oneshot.Run("nat.json", o);
  EXPECT_TRUE(kept.dir.applied_plan().has_value());
  EXPECT_FALSE(oneshot.dir.applied_plan().has_value());
  // The next apply still finds the kernel in sync (from the snapshot).
  auto again = oneshot.dir.Apply(oneshot.plan, o);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->in_sync());
}

TEST(DirectorReportTest, LiveFormMovedFromDesiredEqualsTheCopy) {
  plan::Plan p = Lower(LoadExample("showcase.json"));
  plan::ExpandSlotTables(p);
  Snapshot copied, moved;
  for (const auto& t : p.tables) {
    auto d = ToDesired(t, SimpleEncode, {});
    ASSERT_TRUE(d.ok()) << d.status().message();
    copied.tables.push_back(LiveFromDesired(*d));
    moved.tables.push_back(LiveFromDesired(std::move(*d)));
  }
  size_t elements = 0;
  for (const auto& t : moved.tables) {
    for (const auto& s : t.sets) elements += s.elements.size();
  }
  EXPECT_GT(elements, 0u);
  EXPECT_EQ(EncodeSnapshot(moved), EncodeSnapshot(copied));
}

}  // namespace
}  // namespace lvsnft::netlink
