// What lvsnft remembers is never trusted when damaged (FileStateStore with
// sealed files), and destroy finds lvsnft's own host objects without it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/atomic_file.h"
#include "compiler/lower.h"
#include "director/director.h"
#include "kernel/nft/nft_netlink_kernel.h"
#include "kernel/sim/sim_host.h"
#include "kernel/sim/sim_nft.h"
#include "test_util.h"

namespace lvsnft::netlink {
namespace {

using lvsnft::testing::TempDir;

DirectorState Sample() {
  DirectorState s;
  s.config_text = "{\"version\": 1}";
  s.genid = 9;
  s.addresses = {{"eth0", *IpAddr::Parse("192.168.10.100"), 32}};
  s.tunnels = {"lvt-c0a8010a"};
  s.sysctl_before = {{"net/ipv4/ip_forward", "0"}};
  return s;
}

Snapshot SampleSnapshot() {
  Snapshot s;
  s.genid = 5;
  s.instance = "boot/1";
  LiveTable t;
  t.family = plan::TableFamily::kInet;
  t.name = "lvsnft";
  LiveChain c;
  c.name = "svc_web";
  t.chains.push_back(c);
  s.tables.push_back(t);
  return s;
}

void Overwrite(const std::string& path, size_t off) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(off));
  f.write("ZZZZ", 4);
}

struct StateFiles : ::testing::Test {
  TempDir tmp;
  std::string path = tmp.path + "/d/director-x.json";
  std::vector<std::string> warnings;
  FileStateStore store{path,
                       [this](const std::string& w) { warnings.push_back(w); }};
};

TEST_F(StateFiles, RoundTripIsSealed) {
  ASSERT_TRUE(store.Save(Sample()).ok());
  auto back = store.Load();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->config_text, Sample().config_text);
  EXPECT_EQ(back->addresses, Sample().addresses);
  EXPECT_EQ(back->tunnels, Sample().tunnels);
  auto raw = ReadWholeFile(path);
  ASSERT_TRUE(raw.ok() && *raw);
  EXPECT_EQ((*raw)->rfind("#lvsnft director-state v2 len=", 0), 0u);
  EXPECT_TRUE(warnings.empty());
}

// An apply sets its config aside while it runs: the config stays the old
// one until the apply's Save takes the staged one; a failed apply drops it.
TEST_F(StateFiles, StagedConfigBecomesTheConfigOnlyWhenSaved) {
  ASSERT_TRUE(store.Save(Sample()).ok());
  const std::string staged = tmp.path + "/d/director-x.config.staged";
  const std::string next = "{\"version\": 1, \"services\": []}";
  ASSERT_TRUE(store.StageConfig(&next).ok());
  EXPECT_TRUE(std::filesystem::exists(staged));
  EXPECT_EQ(store.Load()->config_text, Sample().config_text);
  ASSERT_TRUE(store.StageConfig(nullptr).ok());  // the apply failed
  EXPECT_FALSE(std::filesystem::exists(staged));
  EXPECT_EQ(store.Load()->config_text, Sample().config_text);
  ASSERT_TRUE(store.StageConfig(&next).ok());
  DirectorState s = Sample();
  s.config_text.clear();
  s.config_staged = true;
  EXPECT_FALSE(s.empty());
  ASSERT_TRUE(store.Save(s).ok());
  EXPECT_FALSE(std::filesystem::exists(staged));
  auto back = store.Load();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->config_text, next);
  EXPECT_EQ(back->tunnels, Sample().tunnels);
  EXPECT_TRUE(warnings.empty());
  // Nothing staged: the Save says so rather than drop the config.
  Status again = store.Save(s);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.message().rfind("cannot rename " + staged + " to ", 0), 0u)
      << again.message();
  EXPECT_EQ(store.Load()->config_text, next);
}

TEST_F(StateFiles, DamagedStateIsIgnoredWithOneWarning) {
  ASSERT_TRUE(store.Save(Sample()).ok());
  auto size = std::filesystem::file_size(path);
  for (size_t off : {size_t{0}, size_t{10}, size_t{40}, size / 2, size - 4}) {
    ASSERT_TRUE(store.Save(Sample()).ok());
    Overwrite(path, off);
    FileStateStore fresh(
        path, [this](const std::string& w) { warnings.push_back(w); });
    warnings.clear();
    auto s = fresh.Load();
    ASSERT_TRUE(s.ok()) << "offset " << off;
    EXPECT_TRUE(s->addresses.empty()) << "offset " << off;
    EXPECT_TRUE(s->sysctl_before.empty()) << "offset " << off;
    EXPECT_EQ(s->config_text, Sample().config_text) << "config is its own file";
    ASSERT_EQ(warnings.size(), 1u) << "offset " << off;
    EXPECT_EQ(warnings[0].rfind(path + ": ", 0), 0u) << warnings[0];
    fresh.Load();  // a second read does not warn again
    EXPECT_EQ(warnings.size(), 1u);
  }
}

TEST_F(StateFiles, OldUnsealedStateIsForeign) {
  std::filesystem::create_directories(tmp.path + "/d");
  std::ofstream(path) << StateToJson(Sample());
  auto s = store.Load();
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            path +
                ": no lvsnft header (foreign or pre-checksum file); ignored "
                "(what is in the kernel counts; the file is rewritten by the "
                "next apply)");
}

TEST_F(StateFiles, DamagedSnapshotIsNotTrusted) {
  Snapshot s = SampleSnapshot();
  ASSERT_TRUE(store.SaveSnapshot(&s).ok());
  ASSERT_TRUE(store.LoadSnapshot().has_value());
  std::string snap = tmp.path + "/d/director-x.snapshot";
  auto size = std::filesystem::file_size(snap);
  for (size_t off = 0; off + 4 <= size; ++off) {
    ASSERT_TRUE(store.SaveSnapshot(&s).ok());
    Overwrite(snap, off);
    FileStateStore fresh(path, [](const std::string&) {});
    EXPECT_FALSE(fresh.LoadSnapshot().has_value()) << "offset " << off;
  }
  std::filesystem::resize_file(snap, size / 2);
  EXPECT_FALSE(store.LoadSnapshot().has_value());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind(snap + ": length ", 0), 0u) << warnings[0];
  ASSERT_TRUE(store.SaveSnapshot(nullptr).ok());
  EXPECT_FALSE(std::filesystem::exists(snap));
}

// Destroy with nothing remembered: what carries lvsnft's marks goes,
// foreign objects stay, and the forwarding sysctl is named, not restored.
TEST(DestroyWithoutState, RemovesMarkedObjectsOnly) {
  FakeNft nft;
  FakeHost host;
  MemStateStore store;
  Director director({&nft, &host, &host, &store, EncodeElements});
  int eth0 = host.AddLink("eth0");
  host.SetSysctl("net/ipv4/ip_forward", "1");
  auto vip = *IpAddr::Parse("192.168.10.100");
  auto other = *IpAddr::Parse("192.168.10.200");
  ASSERT_TRUE(host.AddAddress(eth0, vip, 32, kLvsnftAddrProto).ok());
  ASSERT_TRUE(host.AddAddress(eth0, other, 32).ok());
  IpipParams tun;
  tun.name = "lvt-c0a8010a";
  tun.remote = IpAddr::Parse("192.168.1.10");
  ASSERT_TRUE(host.CreateIpip(tun).ok());
  tun.name = "mytun";
  tun.remote = IpAddr::Parse("192.168.1.11");
  ASSERT_TRUE(host.CreateIpip(tun).ok());
  auto r = director.Destroy();
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(host.addresses().size(), 1u);
  EXPECT_EQ(host.addresses()[0].addr, other);
  EXPECT_EQ(FindLink(host.links(), "lvt-c0a8010a"), nullptr);
  EXPECT_NE(FindLink(host.links(), "mytun"), nullptr);
  EXPECT_EQ(host.sysctl("net/ipv4/ip_forward"), "1");
  std::vector<std::string> lines;
  for (const auto& l : r->lines)
    lines.push_back(std::string(1, l.sign) + " " + l.what);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "- address 192.168.10.100/32 on eth0",
                       "- ipip device lvt-c0a8010a",
                       "? sysctl net.ipv4.ip_forward left as it is (1): its "
                       "value before lvsnft is unknown (no trustworthy state "
                       "file)"}));
  auto again = director.Destroy();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->lines.empty());
}

}  // namespace
}  // namespace lvsnft::netlink
