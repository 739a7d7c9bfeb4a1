#include "director/reconcile.h"

#include <gtest/gtest.h>

namespace lvsnft::netlink {
namespace {

// A small table: one map with two elements, one chain with three rules.
plan::Table SmallTable() {
  plan::Table t;
  t.family = plan::TableFamily::kInet;
  t.name = "lvsnft";
  t.comment = plan::kOwnerComment;
  plan::Set m;
  m.name = "be4";
  m.key = {plan::DataType::kMark};
  m.data = {plan::DataType::kIpv4Addr};
  for (uint32_t i = 0; i < 2; ++i) {
    plan::Element e;
    e.key = {plan::MarkValue(i)};
    e.data = {
        plan::AddrValue(*IpAddr::Parse("10.0.0." + std::to_string(i + 1)))};
    e.service = "web";
    m.elements.push_back(e);
  }
  t.sets.push_back(m);
  plan::Chain c;
  c.name = "svc_web";
  c.service = "web";
  for (const char* name : {"a", "b", "c"}) {
    c.rules.push_back({{plan::Counter{}}, name, "web"});
  }
  t.chains.push_back(c);
  return t;
}

Result<std::vector<RawElement>> Encode(const plan::Set& s) {
  std::vector<RawElement> out;
  for (size_t i = 0; i < s.elements.size(); ++i) {
    RawElement r;
    r.key = s.elements[i].key[0].bytes;
    r.data = s.elements[i].data[0].bytes;
    r.src = &s.elements[i];
    r.src_index = i;
    out.push_back(r);
  }
  return out;
}

// What the kernel would hold after applying `d` (handles 100, 101, ...).
LiveTable AsLive(const DesiredTable& d) {
  LiveTable l;
  l.family = plan::TableFamily::kInet;
  l.name = d.table->name;
  l.comment = d.table->comment;
  l.tag = d.tag;
  uint64_t handle = 100;
  for (const auto& s : d.table->sets) {
    LiveSet ls;
    ls.name = s.name;
    ls.tag = d.set_tags.at(s.name);
    for (const auto& e : d.elements.at(s.name)) {
      ls.elements.push_back({e.key, e.key_end, e.data, INT_MIN, "", e.flags});
    }
    l.sets.push_back(ls);
  }
  for (const auto& c : d.table->chains) {
    LiveChain lc;
    lc.name = c.name;
    lc.tag = d.chain_tags.at(c.name);
    for (uint64_t tag : d.rule_tags.at(c.name)) {
      LiveRule r;
      r.handle = handle++;
      r.tag = tag;
      lc.rules.push_back(r);
    }
    l.chains.push_back(lc);
  }
  return l;
}

DesiredTable Desired(const plan::Table& t) {
  auto d = netlink::ToDesired(t, Encode, {});
  EXPECT_TRUE(d.ok());
  return *d;
}

std::vector<std::string> Kinds(const Delta& d) {
  static const char* kNames[] = {"deltable", "addtable", "addset",   "addchain",
                                 "delrule",  "delelems", "addelems", "addrule",
                                 "delchain", "delset"};
  std::vector<std::string> out;
  for (const auto& op : d.changes)
    out.push_back(kNames[static_cast<int>(op.kind)]);
  return out;
}

using V = std::vector<std::string>;

TEST(ReconcileTest, NothingLiveCreatesEverythingInBatchOrder) {
  auto t = SmallTable();
  auto delta = Reconcile({Desired(t)}, {});
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(Kinds(*delta), (V{"addtable", "addset", "addchain", "addelems",
                              "addrule", "addrule", "addrule"}));
}

TEST(ReconcileTest, InSyncIsEmpty) {
  auto t = SmallTable();
  auto d = Desired(t);
  auto delta = Reconcile({d}, {AsLive(d)});
  ASSERT_TRUE(delta.ok());
  EXPECT_TRUE(delta->empty());
}

TEST(ReconcileTest, ChangedMiddleRuleIsReplacedInPlace) {
  auto t = SmallTable();
  auto live = AsLive(Desired(t));
  t.chains[0].rules[1].comment = "b2";
  auto delta = Reconcile({Desired(t)}, {live});
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(Kinds(*delta), (V{"delrule", "addrule"}));
  EXPECT_EQ(delta->changes[0].handle, 101u);  // old "b"
  EXPECT_EQ(delta->changes[1].handle, 102u);  // inserted before "c"
  EXPECT_EQ(delta->changes[1].rule->comment, "b2");
}

TEST(ReconcileTest, HandDeletedAndHandAddedRulesAreRepaired) {
  auto t = SmallTable();
  auto live = AsLive(Desired(t));
  live.chains[0].rules.erase(live.chains[0].rules.begin() + 2);  // "c" gone
  live.chains[0].rules.insert(live.chains[0].rules.begin(),
                              LiveRule{7, "", "", 0, 0, 0});
  auto delta = Reconcile({Desired(t)}, {live});
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(Kinds(*delta), (V{"delrule", "addrule"}));
  EXPECT_EQ(delta->changes[0].handle, 7u);
  EXPECT_EQ(delta->changes[1].handle, 0u);  // appended
}

TEST(ReconcileTest, ElementDataChangeIsDeleteThenAdd) {
  auto t = SmallTable();
  auto live = AsLive(Desired(t));
  t.sets[0].elements[1].data = {plan::AddrValue(*IpAddr::Parse("10.0.0.9"))};
  plan::Element extra = t.sets[0].elements[0];
  extra.key = {plan::MarkValue(5)};
  t.sets[0].elements.push_back(extra);
  auto delta = Reconcile({Desired(t)}, {live});
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(Kinds(*delta), (V{"delelems", "addelems"}));
  EXPECT_EQ(delta->changes[0].elements.size(), 1u);
  EXPECT_EQ(delta->changes[1].elements.size(), 2u);
}

TEST(ReconcileTest, ForeignTableWithSameNameIsRefused) {
  auto t = SmallTable();
  LiveTable foreign;
  foreign.family = plan::TableFamily::kInet;
  foreign.name = "lvsnft";
  foreign.comment = "firewalld";
  auto delta = Reconcile({Desired(t)}, {foreign});
  ASSERT_FALSE(delta.ok());
  EXPECT_EQ(delta.status().message(),
            "table inet lvsnft exists but is not managed by lvsnft; refusing "
            "to touch it");
}

TEST(ReconcileTest, ChangedSetDeclarationRebuildsTheTable) {
  auto t = SmallTable();
  auto live = AsLive(Desired(t));
  t.sets[0].counter = true;
  auto delta = Reconcile({Desired(t)}, {live});
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(Kinds(*delta)[0], "deltable");
  EXPECT_EQ(Kinds(*delta)[1], "addtable");
}

TEST(ReconcileTest, LeftoverChainAndSetAreDeletedLast) {
  auto t = SmallTable();
  auto live = AsLive(Desired(t));
  live.chains.push_back(LiveChain{"svc_old", 55});
  live.sets.push_back(LiveSet{"old", 56});
  live.sets.push_back(LiveSet{"__map0", 57});  // anonymous: bound to a rule
  auto delta = Reconcile({Desired(t)}, {live});
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(Kinds(*delta), (V{"delchain", "delset"}));
  EXPECT_EQ(delta->changes[0].handle, 55u);
  EXPECT_EQ(delta->changes[1].handle, 56u);
}

TEST(ReconcileTest, UnwantedTableIsDeleted) {
  LiveTable l;
  l.family = plan::TableFamily::kNetdev;
  l.name = "lvsnft";
  auto delta = Reconcile({}, {l});
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(Kinds(*delta), (V{"deltable"}));
}

TEST(MatchTagsTest, UntaggedNeverMatches) {
  auto m = MatchTags({0, 1, 2}, {0, 1, 2});
  EXPECT_EQ(m.size(), 2u);
}

}  // namespace
}  // namespace lvsnft::netlink
