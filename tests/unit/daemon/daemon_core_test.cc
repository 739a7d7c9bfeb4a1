// DaemonCore with a fake director: overrides reach the lowered config,
// an invalid reload keeps everything as it was and returns located
// errors, only kernel-event syncs that change something count as repairs.
#include "daemon/daemon_core.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/origins.h"
#include "test_util.h"

namespace lvsnft::daemon {
namespace {

// Records syncs; reports `changes` for the next ones and `genid` always.
class FakePort : public DirectorPort {
 public:
  Result<SyncResult> Apply(const Config* before, const Config& after,
                           const netlink::SharedText&) override {
    named.clear();
    had_before = before != nullptr;
    before_weight = before ? before->services[0].real_servers[0].weight : 0;
    return Record(after);
  }
  Result<SyncResult> ApplyServices(const std::vector<Service>& before,
                                   const Config& after,
                                   const netlink::SharedText&) override {
    named.clear();
    for (const auto& s : before) named.push_back(s.name);
    had_before = true;
    before_weight = before[0].real_servers[0].weight;
    return Record(after);
  }
  Result<SyncResult> Record(const Config& after) {
    ++applies;
    lowered = after;
    if (fail) return Status::Error("kernel said no");
    SyncResult r;
    r.nft_changes = changes;
    r.transactions = changes ? 1 : 0;
    r.genid = genid;
    return r;
  }
  Result<bool> CheckHost(const Config& cfg, Diagnostics& d) override {
    if (host_error) d.Error({2, 3}, "/director", "host check failed");
    if (host_error_at_director)
      d.Error(cfg.director.origin.loc, "/director", "host check failed");
    return !host_error && !host_error_at_director;
  }
  Result<uint32_t> GenId() override { return genid; }
  Result<bool> HostInSync(const Config&) override {
    ++host_checks;
    return host_in_sync;
  }
  bool host_in_sync = true;  // HostInSync's answer.
  int host_checks = 0;
  bool host_error = false;
  bool host_error_at_director = false;  // Located at cfg's director.
  bool fail = false;                    // The next syncs fail.
  bool had_before = false;         // The last sync named the config before it.
  uint32_t before_weight = 0;      // Its first server's weight.
  std::vector<std::string> named;  // The services it named as changed.
  Config lowered;                  // What the last sync was asked for.
  int applies = 0;
  size_t changes = 0;
  uint32_t genid = 10;
};

nlohmann::json Reply(DaemonCore& c, const std::string& req) {
  return nlohmann::json::parse(c.Handle(req));
}

struct CoreFixture : ::testing::Test {
  testing::TempDir dir;
  FakePort port;
  Config& lowered = port.lowered;
  std::string cfg_path = dir.path + "/lvsnft.json";
  std::string overrides_path = dir.path + "/overrides.json";

  std::unique_ptr<DaemonCore> Start() {
    std::filesystem::copy_file(
        std::string(LVSNFT_SOURCE_DIR) + "/examples/nat.json", cfg_path,
        std::filesystem::copy_options::overwrite_existing);
    CoreOptions o;
    o.config_path = cfg_path;
    o.overrides_path = overrides_path;
    o.port = &port;
    auto core = std::make_unique<DaemonCore>(o);
    EXPECT_TRUE(core->Load(nullptr).ok());
    EXPECT_TRUE(core->Sync(SyncReason::kStart).ok());
    return core;
  }

  // Overrides web's first server to weight 5, then sets web's server `rs`
  // to `weight` in the file and reloads; returns the file's JSON.
  nlohmann::json OverrideThenReload(DaemonCore& core, int rs, int weight) {
    EXPECT_EQ(Reply(core, R"({"command":"set","service":"web",)"
                          R"("server":"192.168.1.10:80","weight":5})")["ok"],
              true);
    auto file = nlohmann::json::parse(std::ifstream(cfg_path));
    file["services"][0]["real_servers"][rs]["weight"] = weight;
    std::ofstream(cfg_path) << file.dump(2);
    EXPECT_EQ(Reply(core, R"({"command":"reload"})")["ok"], true);
    return file;
  }

  // Adds service web2 (web on port 81) to the file and reloads; returns
  // the file's JSON.
  nlohmann::json AddWeb2(DaemonCore& core) {
    auto file = nlohmann::json::parse(std::ifstream(cfg_path));
    file["services"].push_back(file["services"][0]);
    file["services"][1]["name"] = "web2";
    file["services"][1]["ports"] = {81};
    std::ofstream(cfg_path) << file.dump(2);
    EXPECT_EQ(Reply(core, R"({"command":"reload"})")["ok"], true);
    return file;
  }
};

TEST_F(CoreFixture, SetChangesTheLoweredInputAndPersists) {
  auto core = Start();
  auto r = Reply(*core, R"({"command":"set","service":"web",)"
                        R"("server":"192.168.1.11:80","state":"drain"})");
  EXPECT_EQ(r["ok"], true) << r.dump();
  EXPECT_EQ(lowered.services[0].real_servers[1].state, RsState::kDrain);
  EXPECT_EQ(port.applies, 2);
  // A restart (a new core on the same files) keeps the override.
  auto again = Start();
  EXPECT_EQ(lowered.services[0].real_servers[1].state, RsState::kDrain);
  auto st = Reply(*again, R"({"command":"status"})");
  EXPECT_EQ(st["overrides"].size(), 1u);
  EXPECT_EQ(Reply(*again, R"({"command":"clear","all":true})")["ok"], true);
  EXPECT_EQ(lowered.services[0].real_servers[1].state, RsState::kUp);
}

// The overrides file is written while the kernel commits; when it cannot
// be written the change is undone (a second sync), so the running state
// stays what the file says.
TEST_F(CoreFixture, SetWhoseFileCannotBeWrittenIsUndone) {
  overrides_path = cfg_path + "/overrides.json";  // Under a file.
  auto core = Start();
  auto r = Reply(*core, R"({"command":"set","service":"web",)"
                        R"("server":"192.168.1.11:80","state":"drain"})");
  EXPECT_EQ(r["ok"], false) << r.dump();
  EXPECT_EQ(port.applies, 3);  // start, the change, its undoing
  EXPECT_EQ(lowered.services[0].real_servers[1].state, RsState::kUp);
  EXPECT_EQ(core->effective().services[0].real_servers[1].state, RsState::kUp);
  EXPECT_EQ(Reply(*core, R"({"command":"status"})")["overrides"].size(), 0u);
}

// The config is held once: an overridden service keeps its file form
// aside, and a reload that changes that service replaces the file form,
// which a later clear brings back.
TEST_F(CoreFixture, ClearAfterReloadGivesTheNewFileForm) {
  auto core = Start();
  OverrideThenReload(*core, 0, 7);
  EXPECT_EQ(lowered.services[0].real_servers[0].weight, 5u);  // override
  EXPECT_EQ(Reply(*core, R"({"command":"clear","all":true})")["ok"], true);
  EXPECT_EQ(port.named, std::vector<std::string>{"web"});
  EXPECT_EQ(lowered.services[0].real_servers[0].weight, 7u);  // new file
  EXPECT_EQ(core->effective().services[0].real_servers[0].weight, 7u);
  EXPECT_EQ(Reply(*core, R"({"command":"reload"})")["ok"], true);  // same
  EXPECT_EQ(lowered.services[0].real_servers[0].weight, 7u);
}

// A reload names the services the file changed (with the overrides still
// applied to them); a reload that adds a service syncs everything.
TEST_F(CoreFixture, ReloadNamesTheChangedServices) {
  auto core = Start();
  auto file = OverrideThenReload(*core, 1, 3);
  EXPECT_EQ(port.named, std::vector<std::string>{"web"});
  EXPECT_EQ(lowered.services[0].real_servers[0].weight, 5u);  // override
  EXPECT_EQ(lowered.services[0].real_servers[1].weight, 3u);  // file
  EXPECT_EQ(core->effective().services[0].real_servers[1].weight, 3u);
  file["services"].push_back(file["services"][0]);
  file["services"][1]["name"] = "web2";
  file["services"][1]["ports"] = {81};
  std::ofstream(cfg_path) << file.dump(2);
  EXPECT_EQ(Reply(*core, R"({"command":"reload"})")["ok"], true);
  EXPECT_TRUE(port.named.empty());
  EXPECT_EQ(lowered.services.size(), 2u);
}

TEST_F(CoreFixture, InvalidReloadKeepsTheRunningState) {
  auto core = Start();
  std::ofstream(cfg_path) << "{\n  \"version\": 1,\n  \"services\": 3\n}\n";
  int before = port.applies;
  auto r = Reply(*core, R"({"command":"reload"})");
  EXPECT_EQ(r["ok"], false);
  ASSERT_EQ(r["errors"].size(), 1u) << r.dump();
  EXPECT_EQ(
      r["errors"][0].get<std::string>().rfind(cfg_path + ":3:15: error:", 0),
      0u)
      << r.dump();
  EXPECT_EQ(port.applies, before);  // Nothing was sent.
  EXPECT_EQ(core->stats().reloads_failed, 1u);
  EXPECT_EQ(core->effective().services.size(), 1u);
}

TEST_F(CoreFixture, HostCheckErrorsRejectAReload) {
  auto core = Start();
  port.host_error = true;
  int before = port.applies;
  auto r = Reply(*core, R"({"command":"reload"})");
  EXPECT_EQ(r["errors"],
            nlohmann::json::array(
                {cfg_path + ":2:3: error: /director: host check failed"}))
      << r.dump();
  EXPECT_EQ(port.applies, before);
}

TEST_F(CoreFixture, OnlyKernelDrivenChangesAreRepairs) {
  auto core = Start();
  port.changes = 3;  // The kernel no longer matches.
  core->Check(SyncReason::kEvent);
  EXPECT_EQ(core->stats().drift_repairs, 0u);  // Generation unchanged: skip.
  port.genid = 11;
  core->Check(SyncReason::kEvent);
  EXPECT_EQ(core->stats().drift_repairs, 1u);
  Reply(*core, R"({"command":"set","service":"web",)"
               R"("server":"192.168.1.10:80","weight":3})");
  EXPECT_EQ(core->stats().drift_repairs, 1u);  // Requested, not drift.
}

// An address or link change syncs only when lvsnft's host objects moved,
// the ruleset's generation moved, or the last sync failed (the daemon's
// own VIPs echo back after every start: a full sync each time, once).
TEST_F(CoreFixture, HostEventSyncsOnlyWhenSomethingMoved) {
  struct Case {
    const char* what;
    bool in_sync;
    uint32_t genid;
    bool failed_before;
    bool syncs;
    int host_checks;
  };
  const Case cases[] = {
      {"host objects in place, generation unchanged", true, 10, false, false,
       1},
      {"host objects in place, generation moved", true, 11, false, true, 1},
      {"a host object moved", false, 10, false, true, 1},
      {"the last sync failed: not asked", true, 10, true, true, 0},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.what);
    auto core = Start();
    if (k.failed_before) {
      port.fail = true;
      core->Sync(SyncReason::kPeriodic);
      port.fail = false;
    }
    port.host_in_sync = k.in_sync;
    port.genid = k.genid;
    port.host_checks = 0;
    int applies = port.applies;
    core->HostEvent();
    EXPECT_EQ(port.applies, applies + (k.syncs ? 1 : 0));
    EXPECT_EQ(port.host_checks, k.host_checks);
    port.genid = 10;
  }
}

// The port may change only what differs from the last synced config when
// it is told that config; after a failed sync the kernel state is unknown.
TEST_F(CoreFixture, SyncsNameTheLastSyncedConfigUnlessASyncFailed) {
  auto core = Start();
  EXPECT_FALSE(port.had_before);  // The first sync knows nothing before it.
  const char* set5 = R"({"command":"set","service":"web",)"
                     R"("server":"192.168.1.10:80","weight":5})";
  const char* set7 = R"({"command":"set","service":"web",)"
                     R"("server":"192.168.1.10:80","weight":7})";
  EXPECT_EQ(Reply(*core, set5)["ok"], true);
  EXPECT_TRUE(port.had_before);
  EXPECT_EQ(port.before_weight, 1u);
  EXPECT_EQ(port.named, std::vector<std::string>{"web"});  // not compared
  EXPECT_EQ(lowered.services[0].real_servers[0].weight, 5u);
  port.fail = true;
  EXPECT_EQ(Reply(*core, set7)["ok"], false);
  EXPECT_TRUE(port.had_before);
  EXPECT_EQ(port.before_weight, 5u);
  port.fail = false;
  EXPECT_EQ(Reply(*core, set5)["ok"], true);
  EXPECT_FALSE(port.had_before);  // Unknown after the failure: full sync.
}

// Every origin of `cfg` (director and services), as text.
std::vector<std::string> Origins(Config cfg) {
  std::vector<std::string> out;
  const Director& d = cfg.director;
  for (const Origin* o :
       {&d.origin, &d.interface_origin, &d.flow_table_size_origin})
    out.push_back(o->pointer.str() + "@" + std::to_string(o->loc.line) + ":" +
                  std::to_string(o->loc.col));
  for (auto& s : cfg.services) {
    VisitOrigins(s, [&](Origin& o) {
      out.push_back(o.pointer.str() + "@" + std::to_string(o.loc.line) + ":" +
                    std::to_string(o.loc.col));
    });
  }
  return out;
}

// The re-read names the services it re-parsed; only those that differ
// from the running file form are synced: an entry re-parsed for a
// whitespace edit is not named. Each reload reuses the spans kept from
// the one before, and the result is still the full read's.
TEST_F(CoreFixture, ReloadNamesOnlyTheReparsedServicesThatDiffer) {
  auto core = Start();
  auto file = AddWeb2(*core);
  for (int w : {4, 6}) {
    file["services"][1]["real_servers"][0]["weight"] = w;
    std::string text = file.dump(2);
    // web's entry changes by a space only (the first "protocol" is web's).
    size_t at = text.find("\"protocol\": ");
    ASSERT_NE(at, std::string::npos);
    text.insert(at + 12, w == 4 ? " " : "");
    std::ofstream(cfg_path) << text;
    ASSERT_EQ(Reply(*core, R"({"command":"reload"})")["ok"], true);
    EXPECT_EQ(port.named, std::vector<std::string>{"web2"});
    EXPECT_EQ(lowered.services[1].real_servers[0].weight,
              static_cast<uint32_t>(w));
    Diagnostics full(cfg_path);
    auto want = LoadConfig(text, full);
    ASSERT_TRUE(want);
    EXPECT_EQ(Origins(core->effective()), Origins(*want));
  }
}

// A reload that changed one service reuses the running parse of the
// others (under an override, too): the result is the full read's, and an
// invalid edit gets the full read's located errors and changes nothing.
TEST_F(CoreFixture, ReloadOfOneChangedServiceIsTheFullRead) {
  auto core = Start();
  EXPECT_EQ(Reply(*core, R"({"command":"set","service":"web",)"
                         R"("server":"192.168.1.10:80","weight":5})")["ok"],
            true);
  auto file = AddWeb2(*core);
  file["services"][1]["real_servers"][2]["weight"] = 9;
  std::string text = file.dump(2);
  std::ofstream(cfg_path) << text;
  EXPECT_EQ(Reply(*core, R"({"command":"reload"})")["ok"], true);
  Diagnostics full(cfg_path);
  auto want = LoadConfig(text, full);
  ASSERT_TRUE(want);
  EXPECT_EQ(Origins(core->effective()), Origins(*want));
  EXPECT_EQ(core->effective().services[1].real_servers[2].weight, 9u);
  EXPECT_EQ(lowered.services[0].real_servers[0].weight, 5u);  // override
  EXPECT_EQ(Reply(*core, R"({"command":"clear","all":true})")["ok"], true);
  EXPECT_EQ(lowered.services[0].real_servers[0].weight, 1u);  // file form

  file["services"][1]["ports"] = {80};  // web's VIP and port
  text = file.dump(2);
  std::ofstream(cfg_path) << text;
  int before = port.applies;
  auto r = Reply(*core, R"({"command":"reload"})");
  EXPECT_EQ(r["ok"], false);
  Diagnostics bad(cfg_path);
  EXPECT_FALSE(LoadConfig(text, bad));
  std::string errors;
  for (const auto& e : r["errors"]) errors += e.get<std::string>() + "\n";
  EXPECT_EQ(errors, bad.FormatAll());
  EXPECT_EQ(errors.rfind(cfg_path + ":34:9: error: /services/1/ports/0: ", 0),
            0u)
      << errors;
  EXPECT_EQ(port.applies, before);
  EXPECT_EQ(core->effective().services[1].ports[0].first, 81);
}

// Where `cfg`'s director starts, as the daemon's errors name it.
std::string DirectorAt(const std::string& path, const Config& cfg) {
  const SourceLoc& d = cfg.director.origin.loc;
  return path + ":" + std::to_string(d.line) + ":" + std::to_string(d.col);
}

// A reload whose changed entry gained or lost lines moves every origin
// after it: the services after it (one of them under an override) and the
// director, written after the services. The running config's origins stay
// the full read's over later reloads, and a host check error names the
// director's line in the file.
TEST_F(CoreFixture, ReloadThatMovesLinesMovesTheLaterOrigins) {
  auto core = Start();
  auto file = AddWeb2(*core);
  // The director after the services (nlohmann orders keys: moved by hand).
  auto director = file["director"];
  file.erase("director");
  std::string base = file.dump(2);
  base.insert(base.rfind('}'), ",\n  \"director\": " + director.dump() + "\n");
  std::ofstream(cfg_path) << base;
  ASSERT_EQ(Reply(*core, R"({"command":"reload"})")["ok"], true);
  const char* set = R"({"command":"set","service":"web2",)"
                    R"("server":"192.168.1.10:80","weight":5})";
  ASSERT_EQ(Reply(*core, set)["ok"], true);
  // web's scheduler changes and its entry gains lines (or loses them): the
  // entries after it move; in the last step a line above the services
  // moves them all (the full read, then a compare of the configs).
  struct Step {
    const char* scheduler;
    int lines;
    const char* above;
  };
  const Step steps[] = {
      {"rr", 2, ""}, {"sh", 0, ""}, {"wrr", 1, ""}, {"rr", 0, "\n"}};
  std::string text;
  for (const Step& st : steps) {
    SCOPED_TRACE(st.scheduler);
    text = st.above + base;
    size_t at = text.find("\"wrr\"");
    ASSERT_NE(at, std::string::npos);
    text.replace(
        at, 5,
        "\"" + std::string(st.scheduler) + "\"" + std::string(st.lines, '\n'));
    std::ofstream(cfg_path) << text;
    ASSERT_EQ(Reply(*core, R"({"command":"reload"})")["ok"], true);
    EXPECT_EQ(port.named, std::vector<std::string>{"web"});
    Diagnostics full(cfg_path);
    auto want = LoadConfig(text, full);
    ASSERT_TRUE(want) << full.FormatAll();
    EXPECT_EQ(Origins(core->effective()), Origins(*want));
    // web2's file form (kept aside under the override) moved too.
    ASSERT_EQ(Reply(*core, R"({"command":"clear","all":true})")["ok"], true);
    EXPECT_EQ(Origins(core->effective()), Origins(*want));
    ASSERT_EQ(Reply(*core, set)["ok"], true);
  }
  port.host_error_at_director = true;
  auto r = Reply(*core, R"({"command":"reload"})");
  EXPECT_EQ(r["ok"], false);
  Diagnostics full(cfg_path);
  auto now = LoadConfig(text, full);
  ASSERT_TRUE(now);
  EXPECT_EQ(r["errors"],
            nlohmann::json::array({DirectorAt(cfg_path, *now) +
                                   ": error: /director: host check failed"}))
      << r.dump();
}

}  // namespace
}  // namespace lvsnft::daemon
