// Host diff, state bookkeeping and change texts (pure).
#include <gtest/gtest.h>

#include "rs/diff.h"
#include "rs_test_util.h"

namespace lvsnft::rs {
namespace {

using testing::A;

// A snapshot with lo (1), eth0 (2) and optionally tunl0 (3).
struct Host {
  Snapshot snap;
  explicit Host(bool tunl0 = false, bool tunl0_up = false) {
    snap.host.links = {{1, "lo", 0x9, "", 65536},
                       {2, "eth0", 0x1, "veth", 1500}};
    if (tunl0) {
      snap.host.links.push_back(
          {3, "tunl0", tunl0_up ? 0x1u : 0u, "ipip", 1480});
    }
    snap.host.addrs = {{2, A("192.168.1.10"), 24}};
  }
  Host& Sys(const std::string& path, const char* v) {
    snap.sysctls[path] =
        v ? netlink::SysctlValue{true, v} : netlink::SysctlValue{false, ""};
    return *this;
  }
  Host& Addr(int ifindex, const char* a, int prefix) {
    snap.host.addrs.push_back({ifindex, A(a), prefix});
    return *this;
  }
};

Desired DrDesired() {
  Desired d;
  d.sysctls = {{"net/ipv4/conf/all/arp_ignore", "1", Compare::kAtLeast, ""},
               {"net/ipv4/conf/eth0/arp_announce", "2", Compare::kAtLeast, ""}};
  d.addresses = {{"lo", A("192.168.1.100"), 32, ""}};
  return d;
}

Desired TunDesired() {
  Desired d;
  d.tunl0 = true;
  d.sysctls = {{"net/ipv4/conf/tunl0/rp_filter", "0", Compare::kExact, ""}};
  d.addresses = {{"tunl0", A("202.10.1.101"), 32, ""}};
  return d;
}

std::vector<std::string> Texts(const std::vector<Change>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(ChangeText(c));
  return out;
}

struct DiffCase {
  const char* desc;
  Desired desired;
  Host host;
  State state;
  std::vector<std::string> changes;
};

const std::string kIgn = "net/ipv4/conf/all/arp_ignore";
const std::string kAnn = "net/ipv4/conf/eth0/arp_announce";
const std::string kRpf = "net/ipv4/conf/tunl0/rp_filter";

std::vector<DiffCase> SetupCases() {
  return {
      {"fresh host: sysctls first, then the VIP",
       DrDesired(),
       Host().Sys(kIgn, "0").Sys(kAnn, "0"),
       {},
       {"set net.ipv4.conf.all.arp_ignore = 1 (was 0)",
        "set net.ipv4.conf.eth0.arp_announce = 2 (was 0)",
        "add 192.168.1.100/32 to lo"}},
      {"in sync: nothing",
       DrDesired(),
       Host().Sys(kIgn, "1").Sys(kAnn, "2").Addr(1, "192.168.1.100", 32),
       {},
       {}},
      {"stricter arp_ignore=2 is kept",
       DrDesired(),
       Host().Sys(kIgn, "2").Sys(kAnn, "2").Addr(1, "192.168.1.100", 32),
       {},
       {}},
      {"VIP with another prefix does not count",
       DrDesired(),
       Host().Sys(kIgn, "1").Sys(kAnn, "2").Addr(1, "192.168.1.100", 24),
       {},
       {"add 192.168.1.100/32 to lo"}},
      {"tun, no ipip at all: load the module first",
       TunDesired(),
       Host().Sys(kRpf, nullptr),
       {},
       {"load the ipip module (create and delete ipip device lvsnft-probe)",
        "set net.ipv4.conf.tunl0.rp_filter = 0", "set tunl0 up",
        "add 202.10.1.101/32 to tunl0"}},
      {"tun, tunl0 present but down",
       TunDesired(),
       Host(true).Sys(kRpf, "2"),
       {},
       {"set net.ipv4.conf.tunl0.rp_filter = 0 (was 2)", "set tunl0 up",
        "add 202.10.1.101/32 to tunl0"}},
  };
}

State DrOwned() {
  State s;
  s.sysctls = {{kIgn, "0", true}, {kAnn, "0", true}};
  s.addresses = {{"lo", A("192.168.1.100"), 32}};
  return s;
}

State TunOwned() {
  State s;
  s.sysctls = {{kRpf, "2", true}};
  s.addresses = {{"tunl0", A("202.10.1.101"), 32}};
  s.links_up = {"tunl0"};
  return s;
}

std::vector<DiffCase> UndoCases() {
  return {
      {"undo: remove the owned VIP, then restore sysctls",
       Desired{},
       Host().Sys(kIgn, "1").Sys(kAnn, "2").Addr(1, "192.168.1.100", 32),
       DrOwned(),
       {"remove 192.168.1.100/32 from lo",
        "restore net.ipv4.conf.all.arp_ignore = 0 (was 1)",
        "restore net.ipv4.conf.eth0.arp_announce = 0 (was 2)"}},
      {"undo: values already back and VIP gone: nothing",
       Desired{},
       Host().Sys(kIgn, "0").Sys(kAnn, "0"),
       DrOwned(),
       {}},
      {"undo: an address the host had before is not owned, kept",
       Desired{},
       Host().Sys(kIgn, "0").Sys(kAnn, "0").Addr(1, "192.168.1.101", 32),
       DrOwned(),
       {}},
      {"tun undo: VIP off, rp_filter back, tunl0 down",
       Desired{},
       Host(true, true).Sys(kRpf, "0").Addr(3, "202.10.1.101", 32),
       TunOwned(),
       {"remove 202.10.1.101/32 from tunl0",
        "restore net.ipv4.conf.tunl0.rp_filter = 2 (was 0)", "set tunl0 down"}},
  };
}

TEST(RsDiffTest, Table) {
  for (const auto& cases : {SetupCases(), UndoCases()}) {
    for (const auto& c : cases) {
      EXPECT_EQ(Texts(Diff(c.desired, c.host.snap, c.state)), c.changes)
          << c.desc;
    }
  }
}

TEST(RsDiffTest, IpipLoadedWithoutTunl0CreatesIt) {
  Host h;
  h.snap.host.links.push_back({7, "t-rs1", 0x1, "ipip", 1480});
  auto changes = Diff(TunDesired(), h.snap, {});
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes[0].kind, ChangeKind::kCreateTunl0);
  State after = AfterApply({}, changes, TunDesired());
  EXPECT_EQ(after.links_created, std::vector<std::string>{"tunl0"});
  EXPECT_EQ(Texts(Diff(Desired{}, h.snap, after)),
            std::vector<std::string>{});  // tunl0 absent: nothing to delete
}

TEST(RsDiffTest, StateKeepsTheFirstOldValue) {
  State s;
  s.sysctls = {{kIgn, "0", true}};
  Change c;
  c.kind = ChangeKind::kSetSysctl;
  c.path = kIgn;
  c.from = "3";  // someone changed it since: the first value is kept
  c.to = "1";
  State t = WithIntent(s, {c});
  ASSERT_EQ(t.sysctls.size(), 1u);
  EXPECT_EQ(t.sysctls[0].old_value, "0");
}

TEST(RsDiffTest, AfterApplyDropsWhatIsNoLongerWanted) {
  State s;
  s.sysctls = {{"net/ipv4/conf/all/arp_ignore", "0", true},
               {"net/ipv4/conf/tunl0/rp_filter", "1", true}};
  s.addresses = {{"lo", A("192.168.1.100"), 32},
                 {"tunl0", A("202.10.1.101"), 32}};
  s.links_up = {"tunl0"};
  Desired d = DrDesired();
  State t = AfterApply(s, {}, d);
  State want;
  want.sysctls = {{"net/ipv4/conf/all/arp_ignore", "0", true}};
  want.addresses = {{"lo", A("192.168.1.100"), 32}};
  EXPECT_EQ(t, want);
  EXPECT_TRUE(AfterApply(s, {}, Desired{}).empty());
}

TEST(RsDiffTest, DriftTexts) {
  Host h;
  h.Sys("net/ipv4/conf/all/arp_ignore", "0")
      .Sys("net/ipv4/conf/eth0/arp_announce", nullptr);
  State owned;
  owned.addresses = {{"lo", A("192.168.1.77"), 32}};
  h.Addr(1, "192.168.1.77", 32);
  std::vector<std::string> drift;
  for (const auto& c : Diff(DrDesired(), h.snap, owned)) {
    drift.push_back(DriftText(c));
  }
  std::vector<std::string> want = {
      "192.168.1.77/32 on lo is no longer needed (added by rs-setup)",
      "net.ipv4.conf.all.arp_ignore is 0, want 1",
      "net.ipv4.conf.eth0.arp_announce is missing, want 2",
      "192.168.1.100/32 is missing on lo"};
  EXPECT_EQ(drift, want);
}

TEST(RsDiffTest, PathsToReadUnionOfDesiredAndOwned) {
  State s;
  s.sysctls = {{"net/ipv4/conf/tunl0/rp_filter", "1", true},
               {"net/ipv4/conf/all/arp_ignore", "0", true}};
  std::vector<std::string> want = {"net/ipv4/conf/all/arp_ignore",
                                   "net/ipv4/conf/eth0/arp_announce",
                                   "net/ipv4/conf/tunl0/rp_filter"};
  EXPECT_EQ(PathsToRead(DrDesired(), s), want);
}

TEST(RsDiffTest, OpNamesAreTheEnumeratorsInSnakeCase) {
  struct Case {
    ChangeKind kind;
    const char* name;
  };
  const Case cases[] = {{ChangeKind::kLoadIpip, "load_ipip"},
                        {ChangeKind::kCreateTunl0, "create_tunl0"},
                        {ChangeKind::kDeleteAddress, "delete_address"},
                        {ChangeKind::kSetSysctl, "set_sysctl"},
                        {ChangeKind::kLinkDown, "link_down"},
                        {ChangeKind::kDeleteLink, "delete_link"},
                        {ChangeKind::kLinkUp, "link_up"},
                        {ChangeKind::kAddAddress, "add_address"}};
  for (const Case& c : cases) EXPECT_EQ(ChangeOpName(c.kind), c.name);
}

}  // namespace
}  // namespace lvsnft::rs
