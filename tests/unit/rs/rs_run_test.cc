// rs-setup end to end against the fake host: setup, check, idempotence,
// undo, rollback, dry run, error texts.
#include <gtest/gtest.h>

#include <sstream>

#include "rs/run.h"
#include "rs_test_util.h"

namespace lvsnft::rs {
namespace {

using testing::A;
using testing::Cfg;
using testing::Svc;

const char* kIgnAll = "net/ipv4/conf/all/arp_ignore";
const char* kAnnAll = "net/ipv4/conf/all/arp_announce";
const char* kIgnEth = "net/ipv4/conf/eth0/arp_ignore";
const char* kAnnEth = "net/ipv4/conf/eth0/arp_announce";

// A fake real server plus a memory state store and captured output.
struct Rig {
  netlink::FakeHost host;
  MemoryStateStore store;
  std::ostringstream out, err;
  Rig() { testing::RealServerHost(host, "192.168.1.10"); }

  int Run(const Config* cfg, Action a, bool dry = false) {
    out.str("");
    err.str("");
    RunOptions opt;
    opt.action = a;
    opt.dry_run = dry;
    return rs::Run(cfg, host, host, store, opt, out, err);
  }
  std::vector<std::string> Sysctls() {
    std::vector<std::string> v;
    for (const char* p :
         {kIgnAll, kAnnAll, kIgnEth, kAnnEth, "net/ipv4/conf/all/rp_filter",
          "net/ipv4/conf/tunl0/rp_filter"}) {
      v.push_back(p + std::string("=") + host.sysctl(p).value_or("(none)"));
    }
    return v;
  }
};

Config DrConfig() {
  return Cfg(
      {Svc("web", "192.168.1.100", Mode::kDr, {"192.168.1.10", "192.168.1.11"}),
       Svc("web6", "2001:db8::100", Mode::kDr, {"2001:db8::10"})});
}

// The DR real server of the tests: IPv6 too, and a non-default value that
// undo must restore.
void PrepareDr(Rig& r) {
  r.host.AddAddress(2, A("2001:db8::10"), 64);
  r.host.SetSysctl(kAnnEth, "1");
}

TEST(RsRunTest, DrSetupOutputCheckAndIdempotence) {
  Rig r;
  PrepareDr(r);
  Config cfg = DrConfig();
  ASSERT_EQ(r.Run(&cfg, Action::kSetup), kExitOk) << r.err.str();
  EXPECT_EQ(r.out.str(),
            "real server 192.168.1.10 in service web (dr, VIP 192.168.1.100)\n"
            "real server 2001:db8::10 in service web6 (dr, VIP "
            "2001:db8::100)\n"
            "note: dr (IPv6): nothing to set besides the /128 on lo: Linux "
            "answers neighbour solicitations only for addresses of the "
            "receiving interface, so this host does not advertise the VIP\n"
            "set net.ipv4.conf.all.arp_ignore = 1 (was 0)\n"
            "set net.ipv4.conf.all.arp_announce = 2 (was 0)\n"
            "set net.ipv4.conf.eth0.arp_ignore = 1 (was 0)\n"
            "set net.ipv4.conf.eth0.arp_announce = 2 (was 1)\n"
            "add 192.168.1.100/32 to lo\n"
            "add 2001:db8::100/128 to lo\n"
            "6 changes applied\n");
  EXPECT_EQ(r.err.str(), "");

  EXPECT_EQ(r.Run(&cfg, Action::kCheck), kExitOk);
  EXPECT_NE(r.out.str().find("in sync: 2 addresses and 4 sysctls as required"),
            std::string::npos);

  size_t log_size = r.host.log().size();
  EXPECT_EQ(r.Run(&cfg, Action::kSetup), kExitOk);
  EXPECT_NE(r.out.str().find("no changes: the host is already set up\n"),
            std::string::npos);
  EXPECT_EQ(r.host.log().size(), log_size) << "second run changed the host";
}

TEST(RsRunTest, DrDriftIsReportedFixedAndUndoneExactly) {
  Rig r;
  PrepareDr(r);
  const auto addrs_before = r.host.addresses();
  const auto sysctls_before = r.Sysctls();
  Config cfg = DrConfig();
  ASSERT_EQ(r.Run(&cfg, Action::kSetup), kExitOk) << r.err.str();

  r.host.SetSysctl(kIgnAll, "0");  // by hand
  EXPECT_EQ(r.Run(&cfg, Action::kCheck), kExitDrift);
  EXPECT_NE(r.out.str().find("drift: net.ipv4.conf.all.arp_ignore is 0, want "
                             "1\n1 difference from the desired state\n"),
            std::string::npos)
      << r.out.str();
  EXPECT_EQ(r.Run(&cfg, Action::kSetup), kExitOk);
  EXPECT_NE(r.out.str().find("set net.ipv4.conf.all.arp_ignore = 1 (was 0)\n"
                             "1 change applied\n"),
            std::string::npos)
      << r.out.str();
  EXPECT_EQ(r.Run(&cfg, Action::kCheck), kExitOk);

  ASSERT_EQ(r.Run(nullptr, Action::kUndo), kExitOk) << r.err.str();
  EXPECT_EQ(r.host.addresses(), addrs_before);
  EXPECT_EQ(r.Sysctls(), sysctls_before);
  EXPECT_FALSE(r.store.Load()->has_value()) << "state not removed";
  EXPECT_EQ(r.Run(nullptr, Action::kUndo), kExitOk);
  EXPECT_EQ(r.out.str(), "nothing to undo: no saved state in (memory)\n");
}

TEST(RsRunTest, TunLoadsIpipBringsTunl0UpAndUndoes) {
  Rig r;
  Config cfg = Cfg({Svc("web", "202.10.1.101", Mode::kTun, {"192.168.1.10"})});
  ASSERT_EQ(r.Run(&cfg, Action::kSetup), kExitOk) << r.err.str();
  const netlink::Link* t = netlink::FindLink(r.host.links(), "tunl0");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->up());
  EXPECT_EQ(r.host.sysctl("net/ipv4/conf/tunl0/rp_filter"), "0");
  EXPECT_EQ(r.host.sysctl("net/ipv4/conf/all/rp_filter"), "0");
  netlink::Addr vip{t->index, A("202.10.1.101"), 32};
  EXPECT_NE(
      std::find(r.host.addresses().begin(), r.host.addresses().end(), vip),
      r.host.addresses().end());
  EXPECT_EQ(netlink::FindLink(r.host.links(), "lvsnft-probe"), nullptr);

  EXPECT_EQ(r.Run(&cfg, Action::kCheck), kExitOk) << r.out.str();
  ASSERT_EQ(r.Run(nullptr, Action::kUndo), kExitOk) << r.err.str();
  t = netlink::FindLink(r.host.links(), "tunl0");
  ASSERT_NE(t, nullptr);  // the module stays loaded; tunl0 goes down
  EXPECT_FALSE(t->up());
  // tunl0 inherited conf/default (2) when the module loaded: back to 2.
  EXPECT_EQ(r.host.sysctl("net/ipv4/conf/tunl0/rp_filter"), "2");
  EXPECT_EQ(r.host.sysctl("net/ipv4/conf/all/rp_filter"), "2");
  for (const auto& a : r.host.addresses()) EXPECT_NE(a.ifindex, t->index);
}

TEST(RsRunTest, TunWithoutFallbackTunnelCreatesAndDeletesTunl0) {
  Rig r;
  r.host.set_fallback_tunnel(false);
  Config cfg = Cfg({Svc("web", "202.10.1.101", Mode::kTun, {"192.168.1.10"})});
  ASSERT_EQ(r.Run(&cfg, Action::kSetup), kExitOk) << r.err.str();
  EXPECT_NE(
      r.out.str().find("create ipip device tunl0 (local any, remote any)\n"),
      std::string::npos);
  ASSERT_NE(netlink::FindLink(r.host.links(), "tunl0"), nullptr);
  ASSERT_EQ(r.Run(nullptr, Action::kUndo), kExitOk) << r.err.str();
  EXPECT_EQ(netlink::FindLink(r.host.links(), "tunl0"), nullptr);
}

struct FailCase {
  const char* desc;
  Config cfg;
  std::vector<std::pair<std::string, std::string>> fail_on;
  bool ipip = true;
  bool tunl0_appears = false;  ///< The module loads: tunl0 is new.
  const char* error;
};

std::vector<FailCase> FailCases() {
  Config tun = Cfg({Svc("web", "202.10.1.101", Mode::kTun, {"192.168.1.10"})});
  return {
      {"address refused after 5 changes",
       DrConfig(),
       {{"add-address lo 2001:db8::100", "Permission denied"}},
       true,
       false,
       "lvsnft: rs-setup: cannot add 2001:db8::100/128 to lo: Permission "
       "denied; rolled back 5 changes made in this run\n"},
      {"first sysctl refused",
       DrConfig(),
       {{"write net/ipv4/conf/all/arp_ignore", "Permission denied"}},
       true,
       false,
       "lvsnft: rs-setup: cannot set net.ipv4.conf.all.arp_ignore = 1: "
       "Permission denied; rolled back 0 changes made in this run\n"},
      {"missing ipip module",
       tun,
       {},
       false,
       false,
       "lvsnft: rs-setup: the ipip kernel module is missing (needed for tun "
       "services): cannot create ipip device lvsnft-probe: Operation not "
       "supported (Unknown device type)\n"},
      {"tunl0 refuses to come up",
       tun,
       {{"set-link tunl0 up", "Operation not permitted"}},
       true,
       true,
       "lvsnft: rs-setup: cannot set link tunl0 up: Operation not permitted; "
       "rolled back 6 changes made in this run\n"},
  };
}

TEST(RsRunTest, FailuresRollBackEverything) {
  for (const auto& c : FailCases()) {
    Rig r;
    PrepareDr(r);
    State earlier;  // a previous run's state must survive a failed run
    earlier.addresses = {{"lo", A("10.9.9.9"), 32}};
    r.store.Save(earlier);
    r.host.set_ipip_available(c.ipip);
    for (const auto& [needle, reason] : c.fail_on)
      r.host.FailOn(needle, reason);
    const auto addrs = r.host.addresses();
    const auto sysctls = r.Sysctls();
    EXPECT_EQ(r.Run(&c.cfg, Action::kSetup), kExitError) << c.desc;
    EXPECT_EQ(r.err.str(), c.error) << c.desc;
    EXPECT_EQ(r.host.addresses(), addrs) << c.desc;
    std::vector<std::string> now = r.Sysctls();
    std::vector<std::string> then = sysctls;
    if (c.tunl0_appears) {  // tunl0 came with the module: conf/default
      then.back() = "net/ipv4/conf/tunl0/rp_filter=2";
    }
    EXPECT_EQ(now, then) << c.desc;
    EXPECT_EQ(r.store.Load()->value_or(State{}), earlier) << c.desc;
  }
}

TEST(RsRunTest, DryRunChangesNothing) {
  Rig r;
  Config cfg = DrConfig();
  auto copy = netlink::FakeHost::CopyOf(r.host, &r.host);
  ASSERT_TRUE(copy.ok());
  const auto addrs = r.host.addresses();
  const size_t log = r.host.log().size();
  MemoryStateStore mem;
  RunOptions opt;
  opt.dry_run = true;
  std::ostringstream out, err;
  ASSERT_EQ(rs::Run(&cfg, **copy, **copy, mem, opt, out, err), kExitOk);
  EXPECT_NE(out.str().find("would set net.ipv4.conf.all.arp_ignore = 1 (was "
                           "0)\n"),
            std::string::npos);
  EXPECT_NE(out.str().find("would add 192.168.1.100/32 to lo\n"
                           "dry run: 5 changes would be made; nothing was "
                           "changed\n"),
            std::string::npos)
      << out.str();
  EXPECT_EQ(r.host.addresses(), addrs);
  EXPECT_EQ(r.host.log().size(), log);
  EXPECT_EQ(r.host.sysctl(kIgnAll), "0");
}

TEST(RsRunTest, ConfigChangeMovesOwnedVipAndKeepsForeignOnes) {
  Rig r;
  int lo = 1;
  r.host.AddAddress(lo, A("192.168.1.200"), 32);  // someone else's VIP
  Config a = Cfg({Svc("a", "192.168.1.100", Mode::kDr, {"192.168.1.10"}),
                  Svc("b", "192.168.1.200", Mode::kDr, {"192.168.1.10"})});
  Config b = Cfg({Svc("a", "192.168.1.101", Mode::kDr, {"192.168.1.10"})});
  ASSERT_EQ(r.Run(&a, Action::kSetup), kExitOk);
  EXPECT_EQ(r.out.str().find("add 192.168.1.200"), std::string::npos);
  ASSERT_EQ(r.Run(&b, Action::kSetup), kExitOk);
  EXPECT_NE(r.out.str().find("remove 192.168.1.100/32 from lo\n"),
            std::string::npos);
  EXPECT_NE(r.out.str().find("add 192.168.1.101/32 to lo\n"),
            std::string::npos);
  ASSERT_EQ(r.Run(nullptr, Action::kUndo), kExitOk);
  std::vector<netlink::Addr> lo_addrs;
  for (const auto& x : r.host.addresses()) {
    if (x.ifindex == lo) lo_addrs.push_back(x);
  }
  std::vector<netlink::Addr> want = {{lo, A("192.168.1.200"), 32}};
  EXPECT_EQ(lo_addrs, want);
  EXPECT_EQ(r.host.sysctl(kIgnAll), "0");
}

TEST(RsRunTest, ErrorsAreReportedWithExitOne) {
  Rig r;
  Config cfg = Cfg({Svc("web", "192.168.1.100", Mode::kDr, {"192.168.1.99"})});
  EXPECT_EQ(r.Run(&cfg, Action::kSetup), kExitError);
  EXPECT_EQ(r.err.str(),
            "lvsnft: rs-setup: this host is not a real server of any "
            "service: none of its addresses (192.168.1.10) is a real-server "
            "address; name it with --self ADDR\n");
  EXPECT_EQ(r.Run(&cfg, Action::kCheck), kExitError);
  EXPECT_TRUE(r.host.log().size() == 1) << "only the test's own address";
}

}  // namespace
}  // namespace lvsnft::rs
