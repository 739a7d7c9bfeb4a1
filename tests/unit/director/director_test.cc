// Director orchestration against in-memory kernels: FakeNft, FakeHost.
#include "director/director.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "compiler/lower.h"
#include "config/parse.h"
#include "faults.h"
#include "kernel/sim/sim_host.h"
#include "kernel/sim/sim_nft.h"
#include "sim_encode.h"
#include "test_util.h"

namespace lvsnft::netlink {
namespace {

using testing::LoadExample;
using testing::SimpleEncode;

// A MemStateStore that counts the loads (a resident Director avoids them).
struct CountingStore : MemStateStore {
  Result<DirectorState> Load() override {
    ++loads;
    return MemStateStore::Load();
  }
  std::optional<Snapshot> LoadSnapshot() override {
    ++snapshot_loads;
    return MemStateStore::LoadSnapshot();
  }
  int loads = 0, snapshot_loads = 0;
};

struct DirectorTest : ::testing::Test {
  FakeNft nft;
  FakeHost host;
  CountingStore store;
  DirectorEnv env{&nft, &host, &host, &store, SimpleEncode};
  std::unique_ptr<Director> dir = std::make_unique<Director>(env);
  void SetUp() override {
    host.AddLink("eth0");
    host.SetSysctl("net/ipv4/ip_forward", "0");
  }
  /// A new Director over the same kernels and store, as the next process
  /// would build: nothing in memory.
  void Restart() { dir = std::make_unique<Director>(env); }
  Result<DirectorReport> Apply(const Config& c, ApplyOptions o = {}) {
    plan_ = Lower(c);
    plan::ExpandSlotTables(plan_);
    return dir->Apply(plan_, o);
  }
  plan::Plan plan_;
};

TEST_F(DirectorTest, FirstApplyCreatesEverythingSecondChangesNothing) {
  Config cfg = LoadExample("nat.json");
  auto r1 = Apply(cfg);
  ASSERT_TRUE(r1.ok()) << r1.status().message();
  EXPECT_TRUE(r1->committed);
  EXPECT_GT(r1->nft_changes, 5u);
  EXPECT_EQ(host.sysctl("net/ipv4/ip_forward"), "1");
  EXPECT_EQ(host.addresses().size(), 1u + 0u);  // the VIP (lo has none here)
  auto r2 = Apply(cfg);
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->in_sync());
  EXPECT_EQ(r2->attempts, 0);
  EXPECT_EQ(nft.commits(), 1);
}

TEST_F(DirectorTest, WeightChangeTouchesOnlyThatService) {
  Config cfg = LoadExample("nat.json");
  ASSERT_TRUE(Apply(cfg).ok());
  cfg.services[0].real_servers[1].weight = 3;
  auto r = Apply(cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (const auto& l : r->lines) EXPECT_EQ(l.service, "web") << l.what;
  EXPECT_GT(r->nft_changes, 0u);
}

TEST_F(DirectorTest, ConcurrentWriterIsRetriedThenGivesUp) {
  Config cfg = LoadExample("nat.json");
  nft.RaceNextCommits(2);
  auto r = Apply(cfg);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->attempts, 3);
  nft.RaceNextCommits(100);
  cfg.services[0].real_servers[0].weight = 2;
  auto r2 = Apply(cfg);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("kept changing"), std::string::npos);
}

TEST_F(DirectorTest, FailedTransactionRemovesTunnelsAndChangesNothing) {
  Config cfg = LoadExample("tun.json");
  test_support::FaultyNft faulty(&nft);
  env.nft = &faulty;
  Restart();
  auto r = Apply(cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("delete chain lvsnft-fault-injection: "
                                      "chain not found"),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(nft.tables().size(), 0u);
  for (const auto& l : host.links()) EXPECT_NE(l.name.rfind("lvt-", 0), 0u);
  EXPECT_TRUE(store.Load()->tunnels.empty());
  EXPECT_TRUE(host.addresses().empty());
}

// A one-shot apply sets its config text aside in the store through the
// transaction: the store then holds it as the applied config; a failed
// apply leaves the config applied before.
TEST_F(DirectorTest, StagedConfigIsTheAppliedOneOnlyAfterSuccess) {
  Config cfg = LoadExample("tun.json");
  ApplyOptions o;
  o.config_text = "first";
  o.stage_config = true;
  ASSERT_TRUE(Apply(cfg, o).ok());
  EXPECT_EQ(store.Load()->config_text, "first");
  const int loads = store.loads;
  o.config_text = "second";
  auto again = Apply(cfg, o);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->in_sync());
  EXPECT_GT(store.loads, loads) << "the state was not kept in memory";
  EXPECT_EQ(store.Load()->config_text, "second");
  test_support::FaultyNft faulty(&nft);
  env.nft = &faulty;
  Restart();
  o.config_text = "third";
  ASSERT_FALSE(Apply(LoadExample("nat.json"), o).ok());
  EXPECT_EQ(store.Load()->config_text, "second");
}

TEST_F(DirectorTest, DryRunChangesNothing) {
  Config cfg = LoadExample("tun.json");
  ApplyOptions o;
  o.dry_run = true;
  auto r = Apply(cfg, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->committed);
  EXPECT_GT(r->nft_changes, 0u);
  EXPECT_EQ(nft.tables().size(), 0u);
  EXPECT_TRUE(host.log().empty());
}

TEST_F(DirectorTest, MissingInterfaceIsAnError) {
  Config cfg = LoadExample("dr.json");
  cfg.director.interface = "eth9";
  auto r = Apply(cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "interface eth9 does not exist (director.interface; VIP "
            "192.168.1.100 of service web)");
}

TEST_F(DirectorTest, OwnedVipRemovedByHandDoesNotBlockLaterApplies) {
  Config cfg = LoadExample("nat.json");
  ASSERT_TRUE(Apply(cfg).ok());
  ASSERT_EQ(host.addresses().size(), 1u);
  Addr vip = host.addresses()[0];
  ASSERT_TRUE(host.DeleteAddress(vip.ifindex, vip.addr, 32).ok());
  cfg.services[0].vip = *IpAddr::Parse("192.168.10.101");
  auto r = Apply(cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(host.addresses().size(), 1u);
  EXPECT_EQ(host.addresses()[0].addr.ToString(), "192.168.10.101");
  auto again = Apply(cfg);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->in_sync());
}

TEST_F(DirectorTest, DestroyUndoesExactlyWhatApplyDid) {
  Config cfg = LoadExample("tun.json");
  ASSERT_TRUE(Apply(cfg).ok());
  EXPECT_FALSE(store.Load()->tunnels.empty());
  auto d = dir->Destroy();
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_TRUE(nft.tables().empty());
  EXPECT_TRUE(host.addresses().empty());
  for (const auto& l : host.links()) EXPECT_NE(l.name.rfind("lvt-", 0), 0u);
  EXPECT_TRUE(store.Load()->empty());
  auto again = dir->Destroy();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->in_sync());
}

TEST_F(DirectorTest, DestroyRestoresSysctls) {
  ASSERT_TRUE(Apply(LoadExample("nat.json")).ok());
  EXPECT_EQ(host.sysctl("net/ipv4/ip_forward"), "1");
  ASSERT_TRUE(dir->Destroy().ok());
  EXPECT_EQ(host.sysctl("net/ipv4/ip_forward"), "0");
}

TEST_F(DirectorTest, DiffReportsDriftAfterHandEdit) {
  Config cfg = LoadExample("nat.json");
  ASSERT_TRUE(Apply(cfg).ok());
  auto& chains = nft.tables()[0].chains;
  for (auto& c : chains) {
    if (c.name == "svc_web") c.rules.clear();  // rule deleted by hand
  }
  nft.ForeignWrite();  // nft's transaction moves the generation id
  auto d = dir->Diff(plan_);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->in_sync());
  ASSERT_EQ(d->lines.size(), 1u);
  EXPECT_EQ(d->lines[0].service, "web");
  EXPECT_EQ(d->lines[0].sign, '+');
}

}  // namespace
}  // namespace lvsnft::netlink

namespace lvsnft::netlink {
namespace {

// Issue 10 item 5: one apply is one transaction. Slots that vanish stay
// (stale) while the rules that reached them may still run, and an apply
// that leaves their service's rules alone removes them.
TEST_F(DirectorTest, VanishedSlotsStayStaleUntilAnApplyCollectsThem) {
  Config cfg = LoadExample("nat.json");
  auto& rs = cfg.services[0].real_servers;
  rs[1].weight = 5;  // 1:5:1, 7 slots
  ASSERT_TRUE(Apply(cfg).ok());
  const int commits = nft.commits();
  rs[1].weight = 1;  // 1:1:1, 3 slots
  auto r = Apply(cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(nft.commits(), commits + 1);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(r->stale_slots, 4u);
  for (bool full_dump : {false, true}) {
    auto d = dir->Diff(plan_, full_dump);
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d->in_sync()) << "stale slots are not a pending change";
    EXPECT_EQ(d->stale_slots, 4u);
  }
  rs[1].weight = 2;  // the rules change again: one slot comes back, the
  r = Apply(cfg);    // other three may still be reached by the old rule
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(nft.commits(), commits + 2);
  EXPECT_EQ(r->stale_slots, 3u);
  r = Apply(cfg);  // same rules: nothing reaches them now
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(nft.commits(), commits + 3);
  EXPECT_EQ(r->stale_slots, 0u);
  ASSERT_EQ(r->lines.size(), 1u);
  EXPECT_EQ(r->lines[0].what, "be4: 3 stale slots collected");
  auto d = dir->Diff(plan_, /*full_dump=*/true);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->in_sync());
  EXPECT_EQ(d->stale_slots, 0u);
}

TEST_F(DirectorTest, SnapshotReplacesTheDumpWhenNobodyElseWrote) {
  Config cfg = LoadExample("nat.json");
  ASSERT_TRUE(Apply(cfg).ok());
  Restart();  // the next process: the snapshot comes from the store
  int dumps = nft.dumps();
  cfg.services[0].real_servers[1].weight = 3;  // rules and elements change
  auto r = Apply(cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(nft.dumps(), dumps) << "the snapshot should stand in for a dump";
  auto d = dir->Diff(plan_);  // nothing committed since: snapshot
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->in_sync());
  EXPECT_EQ(nft.dumps(), dumps);
  d = dir->Diff(plan_, /*full_dump=*/true);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->in_sync());
  EXPECT_EQ(nft.dumps(), dumps + 1);
}

TEST_F(DirectorTest, SnapshotOfAnotherRulesetInstanceIsNotTrusted) {
  Config cfg = LoadExample("nat.json");
  ASSERT_TRUE(Apply(cfg).ok());
  // After a reboot (or in another namespace) the kernel's generation id can
  // equal the remembered one while the tables are not lvsnft's at all.
  nft.tables().clear();
  nft.SetInstance("rebooted");
  int dumps = nft.dumps();
  auto d = dir->Diff(plan_);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->in_sync()) << "the tables are gone; a dump must show it";
  EXPECT_EQ(nft.dumps(), dumps + 1);
  auto r = Apply(cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(nft.dumps(), dumps + 2);
  EXPECT_FALSE(nft.tables().empty());
  d = dir->Diff(plan_);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->in_sync());
}

TEST_F(DirectorTest, ForeignWriteMakesTheSnapshotStale) {
  Config cfg = LoadExample("nat.json");
  ASSERT_TRUE(Apply(cfg).ok());
  // Someone deletes a rule of lvsnft's by hand (and so moves the genid).
  for (auto& c : nft.tables()[0].chains) {
    if (c.name == "svc_web") c.rules.clear();
  }
  nft.ForeignWrite();
  int dumps = nft.dumps();
  cfg.services[0].real_servers[1].weight = 3;
  auto r = Apply(cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(nft.dumps(), dumps + 1);
  auto d = dir->Diff(plan_);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->in_sync());
}

// A resident process (one Director, many calls): the second apply reads
// neither the state nor the snapshot store, and does not dump; a foreign
// write moves the generation id and the next apply dumps again.
TEST_F(DirectorTest, SecondApplyUsesTheSnapshotInMemory) {
  Config cfg = LoadExample("nat.json");
  ASSERT_TRUE(Apply(cfg).ok());
  int dumps = nft.dumps(), loads = store.loads;
  int snapshot_loads = store.snapshot_loads;
  cfg.services[0].real_servers[1].weight = 3;
  auto r = Apply(cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->committed);
  EXPECT_EQ(nft.dumps(), dumps);
  EXPECT_EQ(store.loads, loads);
  EXPECT_EQ(store.snapshot_loads, snapshot_loads);
  auto d = dir->Diff(plan_);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->in_sync());
  EXPECT_EQ(nft.dumps(), dumps);
  EXPECT_EQ(store.snapshot_loads, snapshot_loads);
  ASSERT_TRUE(dir->applied_plan().has_value());
  EXPECT_EQ(dir->applied_plan()->tables.size(), plan_.tables.size());

  for (auto& c : nft.tables()[0].chains) {  // a rule deleted with nft
    if (c.name == "svc_web") c.rules.clear();
  }
  nft.ForeignWrite();
  cfg.services[0].real_servers[1].weight = 4;
  r = Apply(cfg);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(nft.dumps(), dumps + 1) << "a foreign write must force a dump";
  EXPECT_EQ(store.loads, loads + 1);
  Restart();  // the files written for the next process agree
  d = dir->Diff(plan_, /*full_dump=*/true);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->in_sync());
}

TEST(SnapshotTest, RoundTrip) {
  Snapshot s;
  s.genid = 42;
  s.instance = "boot/7";
  LiveTable t;
  t.family = plan::TableFamily::kInet;
  t.name = "lvsnft";
  t.tag = 7;
  LiveSet set;
  set.name = "be4";
  set.elements.push_back({{1, 2, 3, 4}, {}, {10, 0, 0, 1}, INT_MIN, "", 0});
  t.sets.push_back(set);
  LiveChain c;
  c.name = "svc_web";
  c.rules.push_back(LiveRule{99, "", "web", 0, 0, 5});
  t.chains.push_back(c);
  s.tables.push_back(t);
  auto back = DecodeSnapshot(EncodeSnapshot(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->genid, 42u);
  EXPECT_EQ(back->instance, "boot/7");
  EXPECT_EQ(back->tables[0].sets[0].elements[0].data,
            (SmallBytes{10, 0, 0, 1}));
  EXPECT_EQ(back->tables[0].chains[0].rules[0].tag, 5u);
  EXPECT_EQ(back->tables[0].chains[0].rules[0].handle, 0u);  // not stored
  EXPECT_FALSE(DecodeSnapshot(EncodeSnapshot(s).substr(0, 30)).ok());
  EXPECT_FALSE(DecodeSnapshot("garbage").ok());
}

// The file keeps a table's family as its NFPROTO_* number (inet 1, netdev
// 5), so snapshots written before the family became an enum still load.
TEST(SnapshotTest, FamilyIsStoredAsItsNfprotoNumber) {
  Snapshot s;
  LiveTable t;
  t.family = plan::TableFamily::kNetdev;
  t.name = "lvsnft";
  s.tables.push_back(t);
  std::string bytes = EncodeSnapshot(s);
  // magic (8), genid (4), instance "" (4), table count (4), then family.
  const size_t at = 8 + 4 + 4 + 4;
  ASSERT_GT(bytes.size(), at + 4);
  EXPECT_EQ(bytes.substr(at, 4), std::string("\x05\0\0\0", 4));
  auto back = DecodeSnapshot(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->tables[0].family, plan::TableFamily::kNetdev);
  bytes[at] = 7;
  auto bad = DecodeSnapshot(bytes);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "lvsnft snapshot: unknown table family 7");
}

}  // namespace
}  // namespace lvsnft::netlink
