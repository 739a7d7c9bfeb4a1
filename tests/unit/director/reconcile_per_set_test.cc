// Reconcile's per-set mode (diff: each set's desired elements are encoded
// while it is compared, never all at once) finds the same changes, with
// the same elements, as the mode that encodes every set up front.
#include <gtest/gtest.h>

#include "compiler/lower.h"
#include "director/reconcile.h"
#include "kernel/nft/nft_netlink_kernel.h"
#include "test_util.h"

namespace lvsnft::netlink {
namespace {

std::string Hex(const SmallBytes& b) {
  std::string out;
  for (uint8_t x : b) out += std::to_string(x) + ".";
  return out;
}

// A change as a report or the batch sees it.
std::string Describe(const Change& c) {
  std::string out = std::to_string(static_cast<int>(c.kind)) + " " + c.set +
                    " " + c.chain + " " + c.service + " " + c.what + " " +
                    std::to_string(c.stale) + "\n";
  for (const RawElement& e : c.Elements()) {
    out += "  " + Hex(e.key) + "|" + Hex(e.key_end) + "|" + Hex(e.data) + "|" +
           std::to_string(e.flags) + "|" + std::to_string(e.verdict) + "|" +
           e.chain.str() + "|" + std::string(e.src.service()) + "|" +
           std::string(e.src.real_server()) + "|" + std::to_string(e.replaced) +
           "\n";
  }
  return out;
}

std::string Describe(const Delta& d) {
  std::string out;
  for (const auto* list : {&d.changes, &d.stale, &d.collect}) {
    for (const Change& c : *list) out += Describe(c);
    out += "--\n";
  }
  return out;
}

std::vector<DesiredTable> Desired(const plan::Plan& p, bool with_elements) {
  std::vector<DesiredTable> out;
  for (const auto& t : p.tables) {
    auto d = ToDesired(t, EncodeElements, {}, with_elements);
    EXPECT_TRUE(d.ok()) << d.status().message();
    out.push_back(std::move(*d));
  }
  return out;
}

// Live tables holding `p`, with one set of each table changed: its first
// element removed, its second given other data, and a foreign one added.
std::vector<LiveTable> LiveChanged(const plan::Plan& p) {
  std::vector<LiveTable> live;
  for (const auto& d : Desired(p, true)) live.push_back(LiveFromDesired(d));
  for (auto& t : live) {
    for (auto& s : t.sets) {
      if (s.elements.size() < 2 || s.elements[1].data.empty()) continue;
      s.elements[1].data[0] ^= 0xff;
      LiveElement extra = s.elements[0];
      extra.key[extra.key.size() - 1] ^= 0x5a;
      s.elements.erase(s.elements.begin());
      s.elements.push_back(extra);
      break;
    }
  }
  return live;
}

void ExpectSameDelta(const plan::Plan& p, const std::vector<LiveTable>& live) {
  std::vector<DesiredTable> whole = Desired(p, true);
  std::vector<DesiredTable> tags = Desired(p, false);
  for (const auto& d : tags) EXPECT_TRUE(d.elements.empty());
  auto want = Reconcile(whole, live);
  ElementEncoder enc = EncodeElements;
  auto got = Reconcile(tags, live, &enc);
  ASSERT_TRUE(want.ok()) << want.status().message();
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(Describe(*got), Describe(*want));
  // The changes own their elements: nothing points into desired tables.
  for (const Change& c : got->changes) EXPECT_EQ(c.whole_set, nullptr);
}

TEST(ReconcilePerSetTest, SameChangesAsEncodingEverySetFirst) {
  for (const char* example : {"nat.json", "showcase.json", "fullnat.json"}) {
    SCOPED_TRACE(example);
    plan::Plan p = Lower(testing::LoadExample(example));
    ExpectSameDelta(p, {});  // a first apply: every set whole
    std::vector<LiveTable> in_sync;
    for (const auto& d : Desired(p, true))
      in_sync.push_back(LiveFromDesired(d));
    ExpectSameDelta(p, in_sync);
    std::vector<LiveTable> changed = LiveChanged(p);
    ExpectSameDelta(p, changed);
    auto d = Reconcile(Desired(p, true), changed);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->empty()) << "the change is seen";
  }
}

TEST(ReconcilePerSetTest, AnElementThatCannotBeEncodedFailsTheReconcile) {
  plan::Plan p = Lower(testing::LoadExample("nat.json"));
  std::vector<DesiredTable> tags = Desired(p, false);
  ElementEncoder refuse = [](const plan::Set& s) {
    return Result<std::vector<RawElement>>(
        Status::Error("set " + s.name + ": cannot encode"));
  };
  auto got = Reconcile(tags, {}, &refuse);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message().find("set "), 0u) << got.status().message();
  EXPECT_NE(got.status().message().find(": cannot encode"), std::string::npos);
}

}  // namespace
}  // namespace lvsnft::netlink
