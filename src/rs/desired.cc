#include "rs/desired.h"

#include <algorithm>
#include <charconv>

#include "kernel/sysctls.h"

namespace lvsnft::rs {
namespace {

using netlink::Ipv4ConfPath;

bool Contains(const std::vector<IpAddr>& v, const IpAddr& a) {
  return std::find(v.begin(), v.end(), a) != v.end();
}

bool IsLinkLocal6(const IpAddr& a) {
  return a.family == IpFamily::kV6 && a.bytes[0] == 0xfe &&
         (a.bytes[1] & 0xc0) == 0x80;
}

// The host's own addresses that can be real-server addresses.
std::vector<IpAddr> HostAddresses(const HostView& host) {
  std::vector<IpAddr> out;
  for (const auto& a : host.addrs) {
    if (a.addr.IsUnusableForService() || IsLinkLocal6(a.addr)) continue;
    if (!Contains(out, a.addr)) out.push_back(a.addr);
  }
  return out;
}

std::string JoinAddrs(const std::vector<IpAddr>& v, const char* sep) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : sep) + a.ToString();
  return s;
}

Status NoRoleError(const std::vector<IpAddr>& self, const HostView& host) {
  if (!self.empty()) {
    return Status::Error("no service has a real server at " +
                         JoinAddrs(self, " or "));
  }
  std::vector<IpAddr> mine = HostAddresses(host);
  return Status::Error(
      "this host is not a real server of any service: none of its "
      "addresses (" +
      (mine.empty() ? std::string("none") : JoinAddrs(mine, ", ")) +
      ") is a real-server address; name it with --self ADDR");
}

bool IsLocalMode(Mode m) { return m == Mode::kDr || m == Mode::kTun; }

// A VIP cannot be both local to this host (dr/tun) and translated (nat,
// fullnat): the two need opposite things from the real server.
Status CheckConflicts(const std::vector<Role>& roles) {
  for (const auto& a : roles) {
    if (a.mode == Mode::kTun && a.vip.family == IpFamily::kV6) {
      return Status::Error("service " + a.service + ": tun with an IPv6 VIP (" +
                           a.vip.ToString() + ") is not supported");
    }
    if (!IsLocalMode(a.mode)) continue;
    for (const auto& b : roles) {
      if (b.vip == a.vip && !IsLocalMode(b.mode)) {
        return Status::Error(
            "VIP " + a.vip.ToString() + " is " + ModeName(a.mode) +
            " in service " + a.service + " and " + ModeName(b.mode) +
            " in service " + b.service +
            " for this host: a VIP cannot be local to a real server "
            "(dr, tun) and translated to it (nat, fullnat) at once");
      }
    }
  }
  return Status();
}

// Collects requirements, keeping the first one per key.
struct Builder {
  Desired d;
  void Sysctl(const std::string& path, const std::string& value, Compare c,
              const std::string& why) {
    for (const auto& w : d.sysctls) {
      if (w.path == path) return;
    }
    d.sysctls.push_back({path, value, c, why});
  }
  void Address(const std::string& dev, const IpAddr& a,
               const std::string& why) {
    WantAddress w{dev, a, a.bits(), why};
    if (std::find(d.addresses.begin(), d.addresses.end(), w) ==
        d.addresses.end()) {
      d.addresses.push_back(w);
    }
  }
  void Note(const std::string& text) {
    if (std::find(d.notes.begin(), d.notes.end(), text) == d.notes.end()) {
      d.notes.push_back(text);
    }
  }
  void Warn(const std::string& text) {
    if (std::find(d.warnings.begin(), d.warnings.end(), text) ==
        d.warnings.end()) {
      d.warnings.push_back(text);
    }
  }
};

// Names of the links that carry `addr`.
std::vector<const netlink::Link*> LinksWith(const HostView& host,
                                            const IpAddr& addr) {
  std::vector<const netlink::Link*> out;
  for (const auto& a : host.addrs) {
    if (a.addr != addr) continue;
    const netlink::Link* l = netlink::FindLink(host.links, a.ifindex);
    if (l != nullptr && std::find(out.begin(), out.end(), l) == out.end()) {
      out.push_back(l);
    }
  }
  return out;
}

// arp_ignore=1 / arp_announce=2 on `all` and on the RS address's links.
void ArpSuppression(Builder& b, const Role& r, const HostView& host) {
  const std::string why = "VIP " + r.vip.ToString() + " must not be " +
                          "announced by this host (ARP)";
  b.Sysctl(Ipv4ConfPath("all", "arp_ignore"), "1", Compare::kAtLeast, why);
  b.Sysctl(Ipv4ConfPath("all", "arp_announce"), "2", Compare::kAtLeast, why);
  auto links = LinksWith(host, r.rip);
  if (links.empty()) {
    b.Warn(r.rip.ToString() +
           " is not configured on any interface of this host: "
           "arp_ignore/arp_announce are set on \"all\" only");
  }
  for (const auto* l : links) {
    b.Sysctl(Ipv4ConfPath(l->name, "arp_ignore"), "1", Compare::kAtLeast, why);
    b.Sysctl(Ipv4ConfPath(l->name, "arp_announce"), "2", Compare::kAtLeast,
             why);
  }
}

void TunNote(Builder& b, const Role& r, const HostView& host) {
  uint32_t mtu = 1500;
  std::string dev = "the network";
  auto links = LinksWith(host, r.rip);
  if (!links.empty() && links[0]->mtu != 0) {
    mtu = links[0]->mtu;
    dev = links[0]->name;
  }
  b.Note("tun: the director adds a 20-byte outer IPv4 header, so a full " +
         std::to_string(mtu) + "-byte packet for " + dev + " becomes " +
         std::to_string(mtu + 20) +
         " bytes; raise the MTU between director and real servers by 20 "
         "or clamp the TCP MSS advertised for the VIP to " +
         std::to_string(mtu - 60) + " (IPv4), or large requests may be lost");
}

void AddRole(Builder& b, const Role& r, const HostView& host) {
  const std::string svc =
      std::string(ModeName(r.mode)) + " VIP of " + r.service;
  switch (r.mode) {
    case Mode::kDr:
      b.Address("lo", r.vip, svc);
      if (r.vip.family == IpFamily::kV4) {
        ArpSuppression(b, r, host);
      } else {
        b.Note(
            "dr (IPv6): nothing to set besides the /128 on lo: Linux "
            "answers neighbour solicitations only for addresses of the "
            "receiving interface, so this host does not advertise the VIP");
      }
      break;
    case Mode::kTun:
      b.d.tunl0 = true;
      ArpSuppression(b, r, host);
      b.Sysctl(Ipv4ConfPath("all", "rp_filter"), "0", Compare::kExact,
               "decapsulated packets arrive on tunl0 (reverse path)");
      b.Sysctl(Ipv4ConfPath(kTunl0, "rp_filter"), "0", Compare::kExact,
               "decapsulated packets arrive on tunl0 (reverse path)");
      b.Address(kTunl0, r.vip, svc);
      TunNote(b, r, host);
      break;
    case Mode::kFullNat:
      b.Note("fullnat service " + r.service +
             ": nothing to set up on this host (the director rewrites "
             "source and destination)");
      break;
    case Mode::kNat:
      break;
  }
}

// The director addresses a NAT real server's default route may use.
std::vector<IpAddr> DirectorAddrs(const Config& cfg, IpFamily f,
                                  std::optional<IpAddr> director,
                                  std::string& source) {
  std::vector<IpAddr> known;
  if (director && director->family == f) {
    source = "--director";
    return {*director};
  }
  source = "director.local_addresses";
  for (const auto& a : cfg.director.local_addresses) {
    if (a.family == f) known.push_back(a);
  }
  return known;
}

// NAT: replies must leave through the director, so the default route of
// the real server's family must point at it.
void NatRoute(Builder& b, const Config& cfg, const Role& r,
              const HostView& host, std::optional<IpAddr> director) {
  const IpFamily f = r.rip.family;
  const std::string head = "nat service " + r.service + ": ";
  const std::string fam = FamilyName(f);
  std::string source;
  std::vector<IpAddr> known = DirectorAddrs(cfg, f, director, source);
  std::vector<IpAddr> gws;
  bool onlink = false;
  for (const auto& rt : host.routes) {
    if (rt.family != f) continue;
    if (rt.gateway) {
      gws.push_back(*rt.gateway);
    } else {
      onlink = true;
    }
  }
  if (gws.empty() && !onlink) {
    b.Warn(head + "no " + fam +
           " default route: replies cannot go back through the director; "
           "set the default route via the director");
    return;
  }
  std::string via = gws.empty() ? std::string("a directly connected link")
                                : JoinAddrs(gws, ", ");
  if (known.empty()) {
    b.Note(head + "replies must go back through the director; the " + fam +
           " default route goes via " + via +
           " (name the director with --director ADDR to check it)");
    return;
  }
  for (const auto& g : gws) {
    if (Contains(known, g)) {
      b.Note(head + "no VIP needed; the " + fam +
             " default route goes via the director (" + g.ToString() + ")");
      return;
    }
  }
  b.Warn(head + "the " + fam + " default route goes via " + via +
         ", not via the director (" + JoinAddrs(known, ", ") + ", from " +
         source + "): replies would bypass the director and be lost");
}

// A VIP on a real interface is announced by this host (ARP/ND).
void VipElsewhere(Builder& b, const HostView& host) {
  for (const auto& w : b.d.addresses) {
    for (const auto* l : LinksWith(host, w.addr)) {
      bool wanted = false;
      for (const auto& o : b.d.addresses) {
        wanted = wanted || (o.addr == w.addr && o.device == l->name);
      }
      if (wanted || l->name == "lo") continue;
      b.Warn(
          "VIP " + w.addr.ToString() + " is also on " + l->name +
          ": this host answers " +
          (w.addr.family == IpFamily::kV4 ? "ARP" : "neighbour solicitations") +
          " for it there and takes traffic meant for the director");
    }
  }
}

}  // namespace

bool WantSysctl::SatisfiedBy(const std::string& current) const {
  if (compare == Compare::kExact) return current == value;
  long cur = 0, want = 0;
  auto rc =
      std::from_chars(current.data(), current.data() + current.size(), cur);
  if (rc.ec != std::errc() || rc.ptr != current.data() + current.size()) {
    return false;
  }
  std::from_chars(value.data(), value.data() + value.size(), want);
  return cur >= want;
}

Result<std::vector<Role>> FindRoles(const Config& cfg, const HostView& host,
                                    const std::vector<IpAddr>& self) {
  std::vector<IpAddr> mine = self.empty() ? HostAddresses(host) : self;
  std::vector<Role> roles;
  for (const auto& s : cfg.services) {
    for (const auto& rs : s.real_servers) {
      if (Contains(mine, rs.address)) {
        roles.push_back({s.name, s.mode, s.vip, rs.address});
      }
    }
  }
  if (roles.empty()) return NoRoleError(self, host);
  Status st = CheckConflicts(roles);
  if (!st.ok()) return st;
  return roles;
}

Desired ComputeDesired(const Config& cfg, const std::vector<Role>& roles,
                       const HostView& host, std::optional<IpAddr> director) {
  Builder b;
  b.d.roles = roles;
  for (const auto& r : roles) AddRole(b, r, host);
  for (const auto& r : roles) {
    if (r.mode == Mode::kNat) NatRoute(b, cfg, r, host, director);
  }
  VipElsewhere(b, host);
  return b.d;
}

}  // namespace lvsnft::rs
