// Desired real-server state per mode, on the reference topologies.
#include <gtest/gtest.h>

#include "rs/apply.h"
#include "rs/desired.h"
#include "rs_test_util.h"

namespace lvsnft::rs {
namespace {

using testing::A;
using testing::Cfg;
using testing::Svc;

std::vector<std::string> AddrStrings(const Desired& d) {
  std::vector<std::string> out;
  for (const auto& a : d.addresses) {
    out.push_back(a.device + " " + netlink::AddrText(a.addr, a.prefix));
  }
  return out;
}

std::vector<std::string> SysctlStrings(const Desired& d) {
  std::vector<std::string> out;
  for (const auto& s : d.sysctls) {
    out.push_back(s.path + (s.compare == Compare::kAtLeast ? ">=" : "=") +
                  s.value);
  }
  return out;
}

std::vector<std::string> RoleStrings(const Desired& d) {
  std::vector<std::string> out;
  for (const auto& r : d.roles) {
    out.push_back(r.service + " " + ModeName(r.mode) + " " + r.vip.ToString() +
                  " " + r.rip.ToString());
  }
  return out;
}

// Computes the desired state on a fake host whose eth0 carries `host_ip`.
Result<Desired> Compute(const Config& cfg, const char* host_ip,
                        const std::vector<const char*>& self,
                        netlink::FakeHost& h) {
  if (host_ip != nullptr) testing::RealServerHost(h, host_ip);
  auto view = ReadHostView(h);
  if (!view.ok()) return view.status();
  std::vector<IpAddr> selfs;
  for (const char* s : self) selfs.push_back(A(s));
  auto roles = FindRoles(cfg, *view, selfs);
  if (!roles.ok()) return roles.status();
  return ComputeDesired(cfg, *roles, *view, std::nullopt);
}

const std::vector<std::string> kArpEth0 = {
    "net/ipv4/conf/all/arp_ignore>=1", "net/ipv4/conf/all/arp_announce>=2",
    "net/ipv4/conf/eth0/arp_ignore>=1", "net/ipv4/conf/eth0/arp_announce>=2"};

struct DesiredCase {
  const char* desc;
  Config cfg;
  const char* host_ip;
  std::vector<const char*> self;
  std::vector<std::string> roles;
  std::vector<std::string> addresses;
  std::vector<std::string> sysctls;
  bool tunl0;
};

std::vector<std::string> Concat(std::vector<std::string> a,
                                const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const Mode kDr = Mode::kDr, kTun = Mode::kTun, kNat = Mode::kNat;

std::vector<std::string> TunSysctls() {
  return Concat(kArpEth0, {"net/ipv4/conf/all/rp_filter=0",
                           "net/ipv4/conf/tunl0/rp_filter=0"});
}

// The topologies of tests/lib/topo.sh, one mode each.
std::vector<DesiredCase> ReferenceCases() {
  return {
      {"dr reference: RS .10 of VIP .100 gets the VIP on lo and arp settings",
       Cfg({Svc("web", "192.168.1.100", kDr,
                {"192.168.1.10", "192.168.1.11", "192.168.1.12"})}),
       "192.168.1.10",
       {},
       {"web dr 192.168.1.100 192.168.1.10"},
       {"lo 192.168.1.100/32"},
       kArpEth0,
       false},
      {"dr reference seen from RS .12: only its own role",
       Cfg({Svc("web", "192.168.1.100", kDr,
                {"192.168.1.10", "192.168.1.11", "192.168.1.12"})}),
       "192.168.1.12",
       {},
       {"web dr 192.168.1.100 192.168.1.12"},
       {"lo 192.168.1.100/32"},
       kArpEth0,
       false},
      {"tun reference: VIP on tunl0, rp_filter 0 on all and tunl0, arp",
       Cfg({Svc("web", "202.10.1.101", kTun, {"192.168.1.10"})}),
       "192.168.1.10",
       {},
       {"web tun 202.10.1.101 192.168.1.10"},
       {"tunl0 202.10.1.101/32"},
       TunSysctls(),
       true},
      {"nat reference: no VIP, no sysctl",
       Cfg({Svc("web", "192.168.10.100", kNat, {"192.168.1.10"})}),
       "192.168.1.10",
       {},
       {"web nat 192.168.10.100 192.168.1.10"},
       {},
       {},
       false},
  };
}

// Other modes and VIPs shared between services.
std::vector<DesiredCase> MoreModeCases() {
  return {
      {"fullnat: nothing at all",
       Cfg({Svc("web", "192.168.10.100", Mode::kFullNat, {"192.168.1.10"})}),
       "192.168.1.10",
       {},
       {"web fullnat 192.168.10.100 192.168.1.10"},
       {},
       {},
       false},
      {"dr IPv6: VIP /128 on lo and no sysctl",
       Cfg({Svc("web6", "2001:db8::100", kDr, {"2001:db8::10"})}),
       "2001:db8::10",
       {},
       {"web6 dr 2001:db8::100 2001:db8::10"},
       {"lo 2001:db8::100/128"},
       {},
       false},
      {"two dr services on one VIP: one address",
       Cfg({Svc("http", "192.168.1.100", kDr, {"192.168.1.10"}),
            Svc("https", "192.168.1.100", kDr, {"192.168.1.10"})}),
       "192.168.1.10",
       {},
       {"http dr 192.168.1.100 192.168.1.10",
        "https dr 192.168.1.100 192.168.1.10"},
       {"lo 192.168.1.100/32"},
       kArpEth0,
       false},
      {"dr and tun on one VIP: on lo and on tunl0",
       Cfg({Svc("a", "192.168.1.100", kDr, {"192.168.1.10"}),
            Svc("b", "192.168.1.100", kTun, {"192.168.1.10"})}),
       "192.168.1.10",
       {},
       {"a dr 192.168.1.100 192.168.1.10", "b tun 192.168.1.100 192.168.1.10"},
       {"lo 192.168.1.100/32", "tunl0 192.168.1.100/32"},
       TunSysctls(),
       true},
  };
}

// --self and mixed modes.
std::vector<DesiredCase> SelfCases() {
  return {
      {"--self names an address the host does not carry: arp on all only",
       Cfg({Svc("web", "192.168.1.100", kDr, {"192.168.1.10"})}),
       nullptr,
       {"192.168.1.10"},
       {"web dr 192.168.1.100 192.168.1.10"},
       {"lo 192.168.1.100/32"},
       {"net/ipv4/conf/all/arp_ignore>=1", "net/ipv4/conf/all/arp_announce>=2"},
       false},
      {"--self selects one of several real servers",
       Cfg({Svc("web", "192.168.1.100", kDr, {"192.168.1.10", "192.168.1.11"}),
            Svc("api", "192.168.1.101", kDr, {"192.168.1.11"})}),
       "192.168.1.10",
       {"192.168.1.11"},
       {"web dr 192.168.1.100 192.168.1.11",
        "api dr 192.168.1.101 192.168.1.11"},
       {"lo 192.168.1.100/32", "lo 192.168.1.101/32"},
       {"net/ipv4/conf/all/arp_ignore>=1", "net/ipv4/conf/all/arp_announce>=2"},
       false},
      {"dr and nat on different VIPs are fine together",
       Cfg({Svc("web", "192.168.1.100", kDr, {"192.168.1.10"}),
            Svc("db", "192.168.10.5", kNat, {"192.168.1.10"})}),
       "192.168.1.10",
       {},
       {"web dr 192.168.1.100 192.168.1.10",
        "db nat 192.168.10.5 192.168.1.10"},
       {"lo 192.168.1.100/32"},
       kArpEth0,
       false},
  };
}

void CheckDesired(const std::vector<DesiredCase>& cases) {
  for (const auto& c : cases) {
    netlink::FakeHost h;
    auto d = Compute(c.cfg, c.host_ip, c.self, h);
    ASSERT_TRUE(d.ok()) << c.desc << ": " << d.status().message();
    EXPECT_EQ(RoleStrings(*d), c.roles) << c.desc;
    EXPECT_EQ(AddrStrings(*d), c.addresses) << c.desc;
    EXPECT_EQ(SysctlStrings(*d), c.sysctls) << c.desc;
    EXPECT_EQ(d->tunl0, c.tunl0) << c.desc;
  }
}

TEST(RsDesiredTest, ReferenceTopologies) { CheckDesired(ReferenceCases()); }
TEST(RsDesiredTest, MoreModes) { CheckDesired(MoreModeCases()); }
TEST(RsDesiredTest, SelfAndMixed) { CheckDesired(SelfCases()); }

struct ErrorCase {
  const char* desc;
  Config cfg;
  const char* host_ip;
  std::vector<const char*> self;
  const char* error;
};

TEST(RsDesiredTest, Errors) {
  const ErrorCase cases[] = {
      {"host matches no real server",
       Cfg({Svc("web", "192.168.1.100", Mode::kDr, {"192.168.1.10"})}),
       "192.168.1.50",
       {},
       "this host is not a real server of any service: none of its "
       "addresses (192.168.1.50) is a real-server address; name it with "
       "--self ADDR"},
      {"--self matches no real server",
       Cfg({Svc("web", "192.168.1.100", Mode::kDr, {"192.168.1.10"})}),
       "192.168.1.10",
       {"10.9.9.9", "10.9.9.8"},
       "no service has a real server at 10.9.9.9 or 10.9.9.8"},
      {"same VIP dr in one service and nat in another",
       Cfg({Svc("web", "192.168.1.100", Mode::kDr, {"192.168.1.10"}),
            Svc("api", "192.168.1.100", Mode::kNat, {"192.168.1.10"})}),
       "192.168.1.10",
       {},
       "VIP 192.168.1.100 is dr in service web and nat in service api for "
       "this host: a VIP cannot be local to a real server (dr, tun) and "
       "translated to it (nat, fullnat) at once"},
      {"same VIP tun and fullnat",
       Cfg({Svc("f", "192.168.1.100", Mode::kFullNat, {"192.168.1.10"}),
            Svc("t", "192.168.1.100", Mode::kTun, {"192.168.1.10"})}),
       "192.168.1.10",
       {},
       "VIP 192.168.1.100 is tun in service t and fullnat in service f for "
       "this host: a VIP cannot be local to a real server (dr, tun) and "
       "translated to it (nat, fullnat) at once"},
      {"tun with an IPv6 VIP",
       Cfg({Svc("t6", "2001:db8::101", Mode::kTun, {"2001:db8::10"})}),
       "2001:db8::10",
       {},
       "service t6: tun with an IPv6 VIP (2001:db8::101) is not supported"},
  };
  for (const auto& c : cases) {
    netlink::FakeHost h;
    auto d = Compute(c.cfg, c.host_ip, c.self, h);
    ASSERT_FALSE(d.ok()) << c.desc;
    EXPECT_EQ(d.status().message(), c.error) << c.desc;
  }
}

// Notes and warnings: exact texts for the operator-facing advice.
struct AdviceCase {
  const char* desc;
  Config cfg;
  std::optional<const char*> gateway;  ///< Default route via; nullopt: none.
  std::optional<const char*> director;
  std::vector<std::string> notes;
  std::vector<std::string> warnings;
};

std::vector<AdviceCase> NatCases() {
  Config with_local =
      Cfg({Svc("web", "192.168.10.100", Mode::kNat, {"192.168.1.10"})});
  with_local.director.local_addresses = {A("192.168.1.100")};
  const Config plain =
      Cfg({Svc("web", "192.168.10.100", Mode::kNat, {"192.168.1.10"})});
  return {
      {"route via the director named by --director",
       plain,
       "192.168.1.100",
       "192.168.1.100",
       {"nat service web: no VIP needed; the IPv4 default route goes via the "
        "director (192.168.1.100)"},
       {}},
      {"route via another gateway",
       plain,
       "192.168.1.1",
       "192.168.1.100",
       {},
       {"nat service web: the IPv4 default route goes via 192.168.1.1, not "
        "via the director (192.168.1.100, from --director): replies would "
        "bypass the director and be lost"}},
      {"director known from director.local_addresses",
       with_local,
       "192.168.1.1",
       std::nullopt,
       {},
       {"nat service web: the IPv4 default route goes via 192.168.1.1, not "
        "via the director (192.168.1.100, from director.local_addresses): "
        "replies would bypass the director and be lost"}},
      {"no default route",
       plain,
       std::nullopt,
       "192.168.1.100",
       {},
       {"nat service web: no IPv4 default route: replies cannot go back "
        "through the director; set the default route via the director"}},
      {"director unknown: the gateway is reported",
       plain,
       "192.168.1.1",
       std::nullopt,
       {"nat service web: replies must go back through the director; the "
        "IPv4 default route goes via 192.168.1.1 (name the director with "
        "--director ADDR to check it)"},
       {}},
  };
}

TEST(RsDesiredTest, NatRouteAdvice) {
  for (const auto& c : NatCases()) {
    netlink::FakeHost h;
    int eth0 = testing::RealServerHost(h, "192.168.1.10");
    if (c.gateway) {
      netlink::Route r;
      r.ifindex = eth0;
      r.gateway = A(*c.gateway);
      h.AddRoute(r);
    }
    auto view = ReadHostView(h);
    ASSERT_TRUE(view.ok());
    auto roles = FindRoles(c.cfg, *view, {});
    ASSERT_TRUE(roles.ok()) << c.desc;
    std::optional<IpAddr> dir;
    if (c.director) dir = A(*c.director);
    Desired d = ComputeDesired(c.cfg, *roles, *view, dir);
    EXPECT_EQ(d.notes, c.notes) << c.desc;
    EXPECT_EQ(d.warnings, c.warnings) << c.desc;
  }
}

TEST(RsDesiredTest, ModeNotes) {
  netlink::FakeHost h;
  int eth0 = testing::RealServerHost(h, "192.168.1.10");
  h.AddAddress(eth0, A("2001:db8::10"), 64);
  h.AddAddress(eth0, A("192.168.1.100"), 32);  // VIP wrongly on eth0
  Config cfg = Cfg({Svc("t", "202.10.1.101", Mode::kTun, {"192.168.1.10"}),
                    Svc("d6", "2001:db8::100", Mode::kDr, {"2001:db8::10"}),
                    Svc("d", "192.168.1.100", Mode::kDr, {"192.168.1.10"})});
  auto view = ReadHostView(h);
  auto roles = FindRoles(cfg, *view, {});
  ASSERT_TRUE(roles.ok()) << roles.status().message();
  Desired d = ComputeDesired(cfg, *roles, *view, std::nullopt);
  std::vector<std::string> notes = {
      "tun: the director adds a 20-byte outer IPv4 header, so a full "
      "1500-byte packet for eth0 becomes 1520 bytes; raise the MTU between "
      "director and real servers by 20 or clamp the TCP MSS advertised for "
      "the VIP to 1440 (IPv4), or large requests may be lost",
      "dr (IPv6): nothing to set besides the /128 on lo: Linux answers "
      "neighbour solicitations only for addresses of the receiving "
      "interface, so this host does not advertise the VIP"};
  EXPECT_EQ(d.notes, notes);
  std::vector<std::string> warnings = {
      "VIP 192.168.1.100 is also on eth0: this host answers ARP for it there "
      "and takes traffic meant for the director"};
  EXPECT_EQ(d.warnings, warnings);
}

TEST(RsDesiredTest, SatisfiedBy) {
  struct {
    const char* desc;
    WantSysctl want;
    const char* current;
    bool ok;
  } cases[] = {
      {"at least 1: 0 is too low",
       {"p", "1", Compare::kAtLeast, ""},
       "0",
       false},
      {"at least 1: 1 is fine", {"p", "1", Compare::kAtLeast, ""}, "1", true},
      {"at least 1: stricter 2 is kept",
       {"p", "1", Compare::kAtLeast, ""},
       "2",
       true},
      {"at least: garbage is not a number",
       {"p", "1", Compare::kAtLeast, ""},
       "1x",
       false},
      {"exact 0: 2 differs", {"p", "0", Compare::kExact, ""}, "2", false},
      {"exact 0: 0 matches", {"p", "0", Compare::kExact, ""}, "0", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.want.SatisfiedBy(c.current), c.ok) << c.desc;
  }
}

}  // namespace
}  // namespace lvsnft::rs
