// Changing the host during apply: tunnels before the transaction (and
// their rollback), VIPs, sysctls and stale objects after it.
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

Status CreateTunnels(HostDiff& diff, DirectorState& st, HostNet& net) {
  std::vector<std::string> created;
  for (const auto* t : diff.create_tunnels) {
    IpipParams p;
    p.name = t->name;
    p.remote = t->remote;
    p.local = t->local;
    auto idx = net.CreateIpip(p);
    if (!idx.ok()) {
      RemoveCreatedTunnels(diff, st, net);
      return Status::Error("cannot create ipip device " + t->name + " for " +
                           t->remote.ToString() + ": " +
                           idx.status().message());
    }
    diff.ifindex[t->name] = static_cast<uint32_t>(*idx);
    st.tunnels.push_back(t->name);
  }
  return Status();
}

void RemoveCreatedTunnels(const HostDiff& diff, DirectorState& st,
                          HostNet& net) {
  for (const auto* t : diff.create_tunnels) {
    auto it = diff.ifindex.find(t->name);
    if (it == diff.ifindex.end()) continue;
    net.DeleteLink(static_cast<int>(it->second));
    std::erase(st.tunnels, t->name);
  }
}

Status FinishHost(const HostDiff& diff, DirectorState& st, HostNet& net,
                  Sysctls& sys) {
  Status s = AddVips(diff, st, net);
  if (s.ok()) s = SetSysctls(diff, st, sys);
  Status r = RemoveStale(diff, st, net);
  return s.ok() ? r : s;
}

}  // namespace lvsnft::netlink
