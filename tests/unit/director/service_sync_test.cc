// ServiceSync on the simulated kernel: a change confined to some services
// takes the incremental path and leaves the kernel (and the snapshot in
// memory) exactly as the full path does; anything that changes the shared
// plumbing, and a concurrent writer, takes the full path.
#include "director/service_sync.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "compiler/config_diff.h"
#include "compiler/lower.h"
#include "kernel/sim/sim_host.h"
#include "kernel/sim/sim_nft.h"
#include "sim_encode.h"
#include "test_util.h"

namespace lvsnft::netlink {
namespace {

using testing::LoadExample;

SharedText Text(const char* s) {
  return std::make_shared<const std::string>(s);
}

// One director over simulated kernels.
struct Rig {
  FakeNft nft;
  FakeHost host;
  MemStateStore store;
  Director dir{DirectorEnv{&nft, &host, &host, &store, testing::SimpleEncode}};
  ServiceSync sync{&dir};
  Rig() { host.AddLink("eth0"); }
  // The kernel holds `c` (full dump, then the snapshot in memory).
  void ExpectInSync(const Config& c, const std::string& what) {
    plan::Plan p = Lower(c);
    plan::ExpandSlotTables(p);
    auto dump = dir.Diff(p, true);
    ASSERT_TRUE(dump.ok()) << dump.status().message();
    EXPECT_TRUE(dump->in_sync()) << what;
    auto snap = dir.Diff(p, false);
    ASSERT_TRUE(snap.ok()) << snap.status().message();
    EXPECT_TRUE(snap->in_sync()) << what << " (snapshot)";
  }
};

std::vector<std::string> Lines(const DirectorReport& r) {
  std::vector<std::string> out;
  for (const auto& l : r.lines) out.push_back(l.service + " " + l.what);
  std::sort(out.begin(), out.end());
  return out;
}

RealServer Server(const char* addr, uint16_t port) {
  RealServer rs;
  rs.address = *IpAddr::Parse(addr);
  rs.port = port;
  return rs;
}

struct Case {
  const char* name;
  const char* example;
  std::function<void(Config&)> change;
  bool incremental;
};

const Case kCases[] = {
    {"weight", "nat.json",
     [](Config& c) { c.services[0].real_servers[1].weight = 3; }, true},
    {"drain", "nat.json",
     [](Config& c) { c.services[0].real_servers[1].state = RsState::kDrain; },
     true},
    {"down", "nat.json",
     [](Config& c) { c.services[0].real_servers[0].state = RsState::kDown; },
     true},
    {"add server", "nat.json",
     [](Config& c) {
       c.services[0].real_servers.push_back(Server("192.168.1.13", 80));
     },
     true},
    {"remove server", "nat.json",
     [](Config& c) { c.services[0].real_servers.pop_back(); }, true},
    {"port list", "showcase.json",
     [](Config& c) {
       c.services[0].ports.push_back({8443, 8443, {}});
     },
     true},
    {"port list: now mapping ports (443 to 80)", "nat.json",
     [](Config& c) {
       c.services[0].ports.push_back({443, 443, {}});
     },
     false},
    {"port range: new shared map", "nat.json",
     [](Config& c) {
       c.services[0].ports.push_back({8000, 8010, {}});
     },
     false},
    {"persistence: new shared set", "nat.json",
     [](Config& c) { c.services[0].persistence = Persistence{}; }, false},
    {"vip: host address", "nat.json",
     [](Config& c) { c.services[0].vip = *IpAddr::Parse("192.168.10.101"); },
     false},
    {"service added", "nat.json",
     [](Config& c) {
       c.services.push_back(c.services[0]);
       c.services[1].name = "web2";
       c.services[1].ports = {{81, 81, {}}};
     },
     false},
    {"dr weight", "dr.json",
     [](Config& c) { c.services[0].real_servers[2].weight = 4; }, true},
    {"tun drain", "showcase.json",
     [](Config& c) { c.services[6].real_servers[0].state = RsState::kDrain; },
     true},
    {"tun: the only server drained (no slot block left)", "tun.json",
     [](Config& c) { c.services[0].real_servers[0].state = RsState::kDrain; },
     false},
    {"fullnat down", "fullnat.json",
     [](Config& c) { c.services[0].real_servers[2].state = RsState::kDown; },
     true},
    {"showcase: two services", "showcase.json",
     [](Config& c) {
       c.services[0].real_servers[0].weight = 1;
       c.services[4].real_servers[1].state = RsState::kDrain;
     },
     true},
};

TEST(ServiceSyncTest, IncrementalEqualsFull) {
  for (const auto& k : kCases) {
    SCOPED_TRACE(k.name);
    Config a = LoadExample(k.example), b = a;
    k.change(b);
    Rig fast, full;
    ASSERT_TRUE(fast.sync.Sync(nullptr, a, Text("a")).ok());
    ASSERT_TRUE(full.sync.Sync(nullptr, a, Text("a")).ok());
    auto f = fast.sync.Sync(&a, b, Text("b"));
    ASSERT_TRUE(f.ok()) << f.status().message();
    auto g = full.sync.Sync(nullptr, b, Text("b"));
    ASSERT_TRUE(g.ok()) << g.status().message();
    EXPECT_EQ(f->incremental, k.incremental);
    EXPECT_FALSE(g->incremental);
    EXPECT_GT(f->report.nft_changes + f->report.host_changes, 0u);
    EXPECT_EQ(Lines(f->report), Lines(g->report));
    EXPECT_EQ(f->report.stale_slots, g->report.stale_slots);
    EXPECT_EQ(f->report.genid, fast.nft.GenId().value());
    fast.ExpectInSync(b, k.name);
  }
}

// nat.json's service twelve times, m0 to m11: their slot blocks go out in
// name order (m0, m1, m10, m11, m2, ...), not the config's.
Config TwelveServices() {
  Config a = LoadExample("nat.json");
  Service proto = a.services[0];
  a.services.clear();
  for (int i = 0; i < 12; ++i) {
    Service s = proto;
    s.name = "m" + std::to_string(i);
    s.vip = *IpAddr::Parse("192.168.1." + std::to_string(101 + i));
    a.services.push_back(s);
  }
  return a;
}

// Many services changed in one sync (health checks take out servers of
// many services at once): the touched services' slot blocks are swapped
// in name order, which is not mark order. The snapshot must stay exact
// (it once kept moved-from elements with empty keys, which the next sync
// sent as deletes: libnftnl exits on an element without a key).
TEST(ServiceSyncTest, ManyServicesInOneSyncKeepTheSnapshotExact) {
  Config a = TwelveServices();
  Config b = a, c = a;
  for (auto& s : b.services) s.real_servers[1].state = RsState::kDown;
  for (auto& s : c.services) s.real_servers[0].state = RsState::kDown;
  Rig r;
  ASSERT_TRUE(r.sync.Sync(nullptr, a, Text("a")).ok());
  auto f = r.sync.Sync(&a, b, Text("b"));
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_TRUE(f->incremental);
  r.ExpectInSync(b, "b");
  auto g = r.sync.Sync(&b, c, Text("c"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_TRUE(g->incremental);
  r.ExpectInSync(c, "c");
}

// Marks of a snapshot set's elements, in the set's order.
std::vector<uint32_t> Marks(const LiveSet& s) {
  std::vector<uint32_t> out;
  for (const auto& e : s.elements) {
    uint32_t m = 0;
    if (e.key.size() == 4) std::memcpy(&m, e.key.data(), 4);
    out.push_back(m);
  }
  return out;
}

// After a full sync the snapshot's slot maps are already in mark order,
// the order increments search by: the first increment (a daemon's first
// reload or `ctl set`) once sorted 200k elements on its reply path, 65 ms
// at NAT 10k x 10. TwelveServices' plan elements are not in mark order,
// so the sort is needed.
TEST(ServiceSyncTest, FullSyncLeavesSlotMapsInMarkOrder) {
  Config a = TwelveServices();
  Rig r;
  ASSERT_TRUE(r.sync.Sync(nullptr, a, Text("a")).ok());
  ASSERT_TRUE(r.dir.snapshot().has_value());
  plan::Plan p = Lower(a);
  int maps = 0;
  for (const auto& t : p.tables) {
    const LiveTable* lt = FindTable(r.dir.snapshot()->tables, t.family, t.name);
    ASSERT_NE(lt, nullptr);
    for (const auto& s : t.sets) {
      if (s.slot_tables.empty()) continue;
      const LiveSet* ls = FindSet(*lt, s.name);
      ASSERT_NE(ls, nullptr) << s.name;
      auto marks = Marks(*ls);
      EXPECT_EQ(marks.size(), plan::ElementCount(s)) << s.name;
      EXPECT_TRUE(std::is_sorted(marks.begin(), marks.end())) << s.name;
      ++maps;
    }
  }
  EXPECT_GT(maps, 0);
  // And the increments that follow still leave the kernel exact.
  Config b = a;
  for (auto& s : b.services) s.real_servers[1].state = RsState::kDown;
  auto f = r.sync.Sync(&a, b, Text("b"));
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_TRUE(f->incremental);
  r.ExpectInSync(b, "b");
}

// The caller names the changed services (the daemon's `ctl set` and
// reload): the same kernel, report and path as when ServiceSync compares
// the configs itself, and as the full path.
TEST(ServiceSyncTest, NamedServicesEqualComparedAndFull) {
  for (const auto& k : kCases) {
    SCOPED_TRACE(k.name);
    Config a = LoadExample(k.example), b = a;
    k.change(b);
    auto touched = TouchedServices(a, b);
    if (!touched) continue;  // services added: not a named change
    std::vector<Service> was;
    for (const auto& s : a.services) {
      if (touched->count(s.name)) was.push_back(s);
    }
    Rig named, compared;
    ASSERT_TRUE(named.sync.Sync(nullptr, a, Text("a")).ok());
    ASSERT_TRUE(compared.sync.Sync(nullptr, a, Text("a")).ok());
    auto n = named.sync.SyncServices(was, b, Text("b"));
    ASSERT_TRUE(n.ok()) << n.status().message();
    auto c = compared.sync.Sync(&a, b, Text("b"));
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(n->incremental, k.incremental);
    EXPECT_EQ(Lines(n->report), Lines(c->report));
    EXPECT_EQ(n->report.stale_slots, c->report.stale_slots);
    named.ExpectInSync(b, k.name);
  }
}

// Counts the state saves (each one a write and fsync of the config text
// on a real host).
struct CountingStore : MemStateStore {
  int saves = 0;
  Status Save(const DirectorState& s) override {
    ++saves;
    return MemStateStore::Save(s);
  }
};

// The daemon defers the state save an increment makes when the config text
// changed (a reload) until after its reply: the store holds the old text
// until FlushState, then the new one. An increment with the same text
// pointer (every `ctl set`) writes nothing, and without deferral the save
// happens at once, as before.
TEST(ServiceSyncTest, DeferredStateSaveWaitsForFlush) {
  for (bool defer : {true, false}) {
    SCOPED_TRACE(defer ? "deferred" : "at once");
    Config a = LoadExample("nat.json"), b = a, c = a;
    b.services[0].real_servers[0].weight = 7;
    c.services[0].real_servers[0].weight = 8;
    FakeNft nft;
    FakeHost host;
    host.AddLink("eth0");
    CountingStore store;
    Director dir{
        DirectorEnv{&nft, &host, &host, &store, testing::SimpleEncode}};
    dir.DeferStateSaves(defer);
    ServiceSync sync{&dir};
    SharedText ta = Text("a"), tb = Text("b");
    ASSERT_TRUE(sync.Sync(nullptr, a, ta).ok());  // full: saved at once
    int saves = store.saves;
    EXPECT_EQ(store.Load()->config_text, "a");
    auto r = sync.Sync(&a, b, tb);  // a reload's increment
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_TRUE(r->incremental);
    EXPECT_EQ(store.Load()->config_text, defer ? "a" : "b");
    EXPECT_EQ(dir.state_unsaved(), defer);
    EXPECT_EQ(store.saves, saves + (defer ? 0 : 1));
    ASSERT_TRUE(dir.FlushState().ok());
    EXPECT_EQ(store.Load()->config_text, "b");
    EXPECT_FALSE(dir.state_unsaved());
    saves = store.saves;
    ASSERT_TRUE(dir.FlushState().ok());  // nothing waits: no write
    r = sync.Sync(&b, c, tb);            // a `ctl set`: same text
    ASSERT_TRUE(r.ok() && r->incremental);
    EXPECT_FALSE(dir.state_unsaved());
    EXPECT_EQ(store.saves, saves);
    auto st = dir.State();
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->config_text, "b");
  }
}

// A service whose slot count leaves its size class (Maglev 4093 slots:
// one unit; 4099: two) needs a new block: the full path places every
// block again; inside its class a change is incremental again. Every
// step leaves the kernel as the config from scratch would.
TEST(ServiceSyncTest, SizeClassChangeTakesTheFullPath) {
  Config prev = LoadExample("dr.json");
  Rig rig;
  ASSERT_TRUE(rig.sync.Sync(nullptr, prev, Text("")).ok());
  const struct {
    uint32_t table, weight;
    bool incremental;
  } steps[] = {
      {4093, 4, true}, {4099, 4, false}, {4099, 2, true}, {4093, 2, false}};
  for (const auto& st : steps) {
    std::string what =
        std::to_string(st.table) + "/" + std::to_string(st.weight);
    Config next = prev;
    next.services[0].mh_table_size = st.table;
    next.services[0].real_servers[0].weight = st.weight;
    auto r = rig.sync.SyncServices({prev.services[0]}, next, Text(""));
    ASSERT_TRUE(r.ok()) << what << ": " << r.status().message();
    EXPECT_EQ(r->incremental, st.incremental) << what;
    rig.ExpectInSync(next, what);
    prev = next;
  }
}

// Weight down leaves stale slots; weight up again re-adds slot marks the
// kernel still holds (with other data): both stay incremental and exact.
TEST(ServiceSyncTest, StaleSlotsAreReusedAndCollected) {
  Config a = LoadExample("nat.json");
  a.services[0].real_servers[0].weight = 5;
  Rig rig;
  ASSERT_TRUE(rig.sync.Sync(nullptr, a, Text("")).ok());
  Config prev = a;
  for (uint32_t w : {1u, 3u, 7u, 2u}) {
    Config next = prev;
    next.services[0].real_servers[0].weight = w;
    auto r = rig.sync.Sync(&prev, next, Text(""));
    ASSERT_TRUE(r.ok()) << w << ": " << r.status().message();
    EXPECT_TRUE(r->incremental) << w;
    rig.ExpectInSync(next, "weight " + std::to_string(w));
    prev = next;
  }
}

// Another writer committed since the snapshot: the kernel refuses the
// small transaction (generation id) and the full path repairs everything.
TEST(ServiceSyncTest, ConcurrentWriterTakesTheFullPath) {
  Config a = LoadExample("nat.json"), b = a;
  b.services[0].real_servers[1].weight = 3;
  Rig rig;
  ASSERT_TRUE(rig.sync.Sync(nullptr, a, Text("")).ok());
  for (auto& c : rig.nft.tables()[0].chains) {
    if (c.name == "svc_web") c.rules.clear();  // a hand edit
  }
  rig.nft.ForeignWrite();
  int commits = rig.nft.commits();
  auto r = rig.sync.Sync(&a, b, Text(""));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->incremental);
  EXPECT_EQ(rig.nft.commits(), commits + 1);  // the refused one is not
  rig.ExpectInSync(b, "after the foreign write");
}

// Nothing touched (the periodic check after drift) is a full sync.
TEST(ServiceSyncTest, UnchangedConfigTakesTheFullPath) {
  Config a = LoadExample("nat.json");
  Rig rig;
  ASSERT_TRUE(rig.sync.Sync(nullptr, a, Text("")).ok());
  rig.nft.tables()[0].chains.clear();
  rig.nft.ForeignWrite();
  auto r = rig.sync.Sync(&a, a, Text(""));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_FALSE(r->incremental);
  EXPECT_GT(r->report.nft_changes, 0u);
  rig.ExpectInSync(a, "repaired");
}

}  // namespace
}  // namespace lvsnft::netlink
