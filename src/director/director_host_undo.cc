// Undoing lvsnft's host objects (destroy): everything the state records
// or the kernel shows as lvsnft's, and the remembered sysctl values.
#include <algorithm>

#include "director/director_host.h"

namespace lvsnft::netlink {

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
