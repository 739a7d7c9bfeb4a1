// Reading the host: what differs from the plan (DiffHost), the FULLNAT
// local address check and adopting objects a lost state file forgot.
#include <algorithm>

#include "compiler/lower_util.h"
#include "director/director_host.h"

namespace lvsnft::netlink {

namespace {

std::string AddrOn(const IpAddr& a, int prefix, const std::string& dev) {
  return "address " + AddrText(a, prefix) + " on " + dev;
}

bool PlanHasAddress(const plan::HostPlan& h, const AddedAddress& a) {
  return std::any_of(
      h.addresses.begin(), h.addresses.end(), [&](const plan::HostAddress& x) {
        return x.device == a.device && x.addr == a.addr && x.prefix == a.prefix;
      });
}

bool HasAddress(const std::vector<Addr>& addrs, const Link* l,
                const IpAddr& a) {
  return l && std::any_of(addrs.begin(), addrs.end(), [&](const Addr& x) {
           return x.ifindex == l->index && x.addr == a;
         });
}

Status DiffAddresses(const plan::HostPlan& h, const DirectorState& st,
                     const std::vector<Link>& links,
                     const std::vector<Addr>& addrs, HostDiff& d) {
  for (const auto& a : h.addresses) {
    const Link* l = FindLink(links, a.device);
    if (!l) {
      return Status::Error("interface " + a.device +
                           " does not exist (director.interface; VIP " +
                           a.addr.ToString() + " of service " + a.service +
                           ")");
    }
    if (!HasAddress(addrs, l, a.addr)) d.add_addresses.push_back(&a);
  }
  // An owned address that is already gone (removed by hand, interface
  // deleted) needs no removal; asking the kernel would fail every apply.
  for (const auto& a : st.addresses) {
    if (PlanHasAddress(h, a)) continue;
    if (HasAddress(addrs, FindLink(links, a.device), a.addr)) {
      d.remove_addresses.push_back(a);
    }
  }
  return Status();
}

Status DiffTunnels(const plan::HostPlan& h, const DirectorState& st,
                   const std::vector<Link>& links, HostDiff& d) {
  for (const auto& t : h.tunnels) {
    const Link* l = FindLink(links, t.name);
    if (!l) {
      d.create_tunnels.push_back(&t);
    } else if (l->kind != "ipip") {
      return Status::Error("device " + t.name +
                           " exists but is not an ipip "
                           "device (kind \"" +
                           l->kind +
                           "\"); lvsnft needs "
                           "that name for the tunnel to " +
                           t.remote.ToString());
    }
  }
  for (const auto& name : st.tunnels) {
    if (plan::FindTunnel(h, name)) continue;
    const Link* l = FindLink(links, name);
    if (l) d.delete_tunnels.push_back({name, l->index});
  }
  return Status();
}

}  // namespace

std::vector<HostChange> HostDiff::Changes() const {
  std::vector<HostChange> out;
  for (const auto* t : create_tunnels) {
    out.push_back({'+',
                   "ipip device " + t->name + " remote " + t->remote.ToString(),
                   t->services.empty() ? "" : t->services.front()});
  }
  for (const auto& [name, idx] : delete_tunnels) {
    out.push_back({'-', "ipip device " + name, ""});
  }
  for (const auto* a : add_addresses) {
    out.push_back({'+', AddrOn(a->addr, a->prefix, a->device), a->service});
  }
  for (const auto& a : remove_addresses) {
    out.push_back({'-', AddrOn(a.addr, a.prefix, a.device), ""});
  }
  for (const auto* s : set_sysctls) {
    auto it = sysctl_now.find(s->path);
    out.push_back({'~',
                   "sysctl " + DisplayName(s->path) + " " +
                       (it == sysctl_now.end() ? "?" : it->second) + " -> " +
                       s->value,
                   ""});
  }
  return out;
}

Result<bool> CheckLocalAddresses(const Config& cfg, HostNet& net,
                                 Diagnostics& diags) {
  const bool fullnat =
      std::any_of(cfg.services.begin(), cfg.services.end(),
                  [](const Service& s) { return s.mode == Mode::kFullNat; });
  const auto& locals = cfg.director.local_addresses;
  if (!fullnat || locals.empty()) return true;
  auto addrs = net.ListAddresses(std::nullopt);
  if (!addrs.ok()) return addrs.status();
  bool ok = true;
  for (size_t i = 0; i < locals.size(); ++i) {
    bool present =
        std::any_of(addrs->begin(), addrs->end(),
                    [&](const Addr& a) { return a.addr == locals[i]; });
    if (present) continue;
    ok = false;
    const Origin& o = cfg.director.local_address_origins.at(i);
    diags.Error(o.loc, o.pointer,
                "local address " + locals[i].ToString() +
                    " is on no interface of the director; FULLNAT would "
                    "source-NAT to it and no reply would come back (add it "
                    "to an interface first; lvsnft does not add local "
                    "addresses)");
  }
  return ok;
}

size_t AdoptOwned(DirectorState& st, const std::vector<Link>& links,
                  const std::vector<Addr>& addrs) {
  size_t n = 0;
  for (const auto& a : addrs) {
    const Link* l = FindLink(links, a.ifindex);
    if (a.proto != kLvsnftAddrProto || !l) continue;
    AddedAddress owned{l->name, a.addr, a.prefix};
    if (std::find(st.addresses.begin(), st.addresses.end(), owned) !=
        st.addresses.end())
      continue;
    st.addresses.push_back(owned);
    ++n;
  }
  for (const auto& l : links) {
    if (l.kind != "ipip" || !lower::IsTunnelName(l.name) ||
        std::find(st.tunnels.begin(), st.tunnels.end(), l.name) !=
            st.tunnels.end())
      continue;
    st.tunnels.push_back(l.name);
    ++n;
  }
  return n;
}

Result<HostDiff> DiffHost(const plan::HostPlan& h, const DirectorState& st,
                          HostNet& net, Sysctls& sys) {
  HostDiff d;
  auto links = net.ListLinks();
  if (!links.ok()) return links.status();
  for (const auto& l : *links) d.ifindex[l.name] = l.index;
  auto addrs = net.ListAddresses(std::nullopt);
  if (!addrs.ok()) return addrs.status();
  DirectorState owned = st;  // what the kernel shows as ours counts too
  AdoptOwned(owned, *links, *addrs);
  Status s = DiffAddresses(h, owned, *links, *addrs, d);
  if (s.ok()) s = DiffTunnels(h, owned, *links, d);
  if (!s.ok()) return s;
  for (const auto& x : h.sysctls) {
    auto v = sys.Read(x.path);
    if (!v.ok()) return v.status();
    d.sysctl_now[x.path] = v->value;
    if (!v->exists || v->value != x.value) d.set_sysctls.push_back(&x);
  }
  return d;
}

}  // namespace lvsnft::netlink
