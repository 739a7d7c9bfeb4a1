// Host steps after a committed transaction, and their undo (destroy).
#include <algorithm>

#include "director/director_host.h"

namespace lvsnft::netlink {

namespace {

Status AddVips(const HostDiff& diff, DirectorState& st, HostNet& net) {
  for (const auto* a : diff.add_addresses) {
    auto it = diff.ifindex.find(a->device);
    if (it == diff.ifindex.end()) {
      return Status::Error("interface " + a->device + " disappeared");
    }
    Status s = net.AddAddress(static_cast<int>(it->second), a->addr, a->prefix,
                              kLvsnftAddrProto);
    if (!s.ok()) return s;
    st.addresses.push_back({a->device, a->addr, a->prefix});
  }
  return Status();
}

Status SetSysctls(const HostDiff& diff, DirectorState& st, Sysctls& sys) {
  for (const auto* x : diff.set_sysctls) {
    auto now = diff.sysctl_now.find(x->path);
    if (!st.sysctl_before.count(x->path) && now != diff.sysctl_now.end()) {
      st.sysctl_before[x->path] = now->second;
    }
    Status s = sys.Write(x->path, x->value);
    if (!s.ok()) return s;
  }
  return Status();
}

Status RemoveStale(const HostDiff& diff, DirectorState& st, HostNet& net) {
  Status first;
  for (const auto& [name, idx] : diff.delete_tunnels) {
    Status s = net.DeleteLink(idx);
    if (s.ok()) std::erase(st.tunnels, name);
    if (!s.ok() && first.ok()) first = s;
  }
  for (const auto& a : diff.remove_addresses) {
    auto it = diff.ifindex.find(a.device);
    Status s;
    if (it != diff.ifindex.end()) {
      s = net.DeleteAddress(static_cast<int>(it->second), a.addr, a.prefix);
    }
    if (s.ok()) std::erase(st.addresses, a);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

}  // namespace

Status FinishHost(const HostDiff& diff, DirectorState& st, HostNet& net,
                  Sysctls& sys) {
  Status s = AddVips(diff, st, net);
  if (s.ok()) s = SetSysctls(diff, st, sys);
  Status r = RemoveStale(diff, st, net);
  return s.ok() ? r : s;
}

Status UndoHost(DirectorState& st, HostNet& net, Sysctls& sys,
                std::vector<HostChange>& done) {
  Status first;
  auto note = [&](const Status& s) {
    if (!s.ok() && first.ok()) first = s;
    return s.ok();
  };
  auto links = net.ListLinks();
  if (!links.ok()) return links.status();
  auto addrs = net.ListAddresses(std::nullopt);
  if (!addrs.ok()) return addrs.status();
  AdoptOwned(st, *links, *addrs);
  for (const auto& a : st.addresses) {
    const Link* l = FindLink(*links, a.device);
    bool present = l && std::any_of(addrs->begin(), addrs->end(), [&](auto& x) {
                     return x.ifindex == l->index && x.addr == a.addr;
                   });
    if (present && note(net.DeleteAddress(l->index, a.addr, a.prefix))) {
      done.push_back(
          {'-', "address " + AddrText(a.addr, a.prefix) + " on " + a.device,
           ""});
    }
  }
  st.addresses.clear();
  for (const auto& name : st.tunnels) {
    const Link* l = FindLink(*links, name);
    if (l && note(net.DeleteLink(l->index))) {
      done.push_back({'-', "ipip device " + name, ""});
    }
  }
  st.tunnels.clear();
  for (const auto& [path, value] : st.sysctl_before) {
    if (note(sys.Write(path, value))) {
      done.push_back(
          {'~', "sysctl " + DisplayName(path) + " restored to " + value, ""});
    }
  }
  st.sysctl_before.clear();
  return first;
}

}  // namespace lvsnft::netlink
