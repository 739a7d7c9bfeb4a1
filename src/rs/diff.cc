#include "rs/diff.h"

#include <algorithm>
#include <iterator>

namespace lvsnft::rs {
namespace {

using netlink::AddrText;
using netlink::DisplayName;
using netlink::FindLink;

bool Present(const Snapshot& snap, const std::string& dev, const IpAddr& a,
             int prefix) {
  const netlink::Link* l = FindLink(snap.host.links, dev);
  if (l == nullptr) return false;
  netlink::Addr want{l->index, a, prefix};
  return std::find(snap.host.addrs.begin(), snap.host.addrs.end(), want) !=
         snap.host.addrs.end();
}

bool WantsAddress(const Desired& d, const SavedAddress& a) {
  return std::find(d.addresses.begin(), d.addresses.end(),
                   WantAddress{a.device, a.addr, a.prefix, ""}) !=
         d.addresses.end();
}

bool WantsSysctl(const Desired& d, const std::string& path) {
  return std::any_of(d.sysctls.begin(), d.sysctls.end(),
                     [&](const WantSysctl& w) { return w.path == path; });
}

bool WantsLink(const Desired& d, const std::string& name) {
  return d.tunl0 && name == kTunl0;
}

netlink::SysctlValue Value(const Snapshot& snap, const std::string& path) {
  auto it = snap.sysctls.find(path);
  return it == snap.sysctls.end() ? netlink::SysctlValue{} : it->second;
}

Change Sysctl(const std::string& path, const netlink::SysctlValue& cur,
              const std::string& to, bool restore) {
  Change c;
  c.kind = ChangeKind::kSetSysctl;
  c.path = path;
  c.from = cur.value;
  c.from_exists = cur.exists;
  c.to = to;
  c.restore = restore;
  return c;
}

Change OnDevice(ChangeKind k, const std::string& dev, bool restore = false) {
  Change c;
  c.kind = k;
  c.device = dev;
  c.restore = restore;
  return c;
}

Change OnAddress(ChangeKind k, const std::string& dev, const IpAddr& a,
                 int prefix, bool restore) {
  Change c = OnDevice(k, dev, restore);
  c.addr = a;
  c.prefix = prefix;
  return c;
}

void SysctlChanges(const Desired& d, const Snapshot& snap, const State& s,
                   std::vector<Change>& out) {
  for (const auto& w : d.sysctls) {
    netlink::SysctlValue cur = Value(snap, w.path);
    if (!cur.exists || !w.SatisfiedBy(cur.value)) {
      out.push_back(Sysctl(w.path, cur, w.value, false));
    }
  }
  for (const auto& x : s.sysctls) {
    if (WantsSysctl(d, x.path) || !x.existed) continue;
    netlink::SysctlValue cur = Value(snap, x.path);
    if (cur.exists && cur.value != x.old_value) {
      out.push_back(Sysctl(x.path, cur, x.old_value, true));
    }
  }
}

void LinkChanges(const Desired& d, const Snapshot& snap, const State& s,
                 std::vector<Change>& out) {
  for (const auto& name : s.links_up) {
    const netlink::Link* l = FindLink(snap.host.links, name);
    if (!WantsLink(d, name) && l != nullptr && l->up()) {
      out.push_back(OnDevice(ChangeKind::kLinkDown, name, true));
    }
  }
  for (const auto& name : s.links_created) {
    if (!WantsLink(d, name) && FindLink(snap.host.links, name) != nullptr) {
      out.push_back(OnDevice(ChangeKind::kDeleteLink, name, true));
    }
  }
  const netlink::Link* t = FindLink(snap.host.links, kTunl0);
  if (d.tunl0 && (t == nullptr || !t->up())) {
    out.push_back(OnDevice(ChangeKind::kLinkUp, kTunl0));
  }
}

template <typename T>
void AddUnique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

std::vector<std::string> PathsToRead(const Desired& d, const State& s) {
  std::vector<std::string> out;
  for (const auto& w : d.sysctls) AddUnique(out, w.path);
  for (const auto& x : s.sysctls) AddUnique(out, x.path);
  return out;
}

std::vector<Change> Diff(const Desired& d, const Snapshot& snap,
                         const State& s) {
  std::vector<Change> out;
  const auto& links = snap.host.links;
  if (d.tunl0 && FindLink(links, kTunl0) == nullptr) {
    bool loaded = std::any_of(links.begin(), links.end(),
                              [](const auto& l) { return l.kind == "ipip"; });
    out.push_back(OnDevice(
        loaded ? ChangeKind::kCreateTunl0 : ChangeKind::kLoadIpip, kTunl0));
  }
  for (const auto& a : s.addresses) {
    if (!WantsAddress(d, a) && Present(snap, a.device, a.addr, a.prefix)) {
      out.push_back(OnAddress(ChangeKind::kDeleteAddress, a.device, a.addr,
                              a.prefix, true));
    }
  }
  SysctlChanges(d, snap, s, out);
  LinkChanges(d, snap, s, out);
  for (const auto& w : d.addresses) {
    if (!Present(snap, w.device, w.addr, w.prefix)) {
      out.push_back(OnAddress(ChangeKind::kAddAddress, w.device, w.addr,
                              w.prefix, false));
    }
  }
  return out;
}

State WithIntent(const State& s, const std::vector<Change>& changes) {
  State t = s;
  for (const auto& c : changes) {
    switch (c.kind) {
      case ChangeKind::kSetSysctl:
        if (!c.restore && t.FindSysctl(c.path) == nullptr) {
          t.sysctls.push_back({c.path, c.from, c.from_exists});
        }
        break;
      case ChangeKind::kAddAddress:
        AddUnique(t.addresses, SavedAddress{c.device, c.addr, c.prefix});
        break;
      case ChangeKind::kLinkUp:
        AddUnique(t.links_up, c.device);
        break;
      case ChangeKind::kCreateTunl0:
        AddUnique(t.links_created, c.device);
        break;
      default:
        break;
    }
  }
  return t;
}

State AfterApply(const State& s, const std::vector<Change>& changes,
                 const Desired& d) {
  State t = WithIntent(s, changes);
  std::erase_if(t.sysctls,
                [&](const SavedSysctl& x) { return !WantsSysctl(d, x.path); });
  std::erase_if(t.addresses,
                [&](const SavedAddress& a) { return !WantsAddress(d, a); });
  auto unwanted = [&](const std::string& n) { return !WantsLink(d, n); };
  std::erase_if(t.links_up, unwanted);
  std::erase_if(t.links_created, unwanted);
  return t;
}

std::string ChangeText(const Change& c) {
  switch (c.kind) {
    case ChangeKind::kLoadIpip:
      return std::string(
                 "load the ipip module (create and delete ipip "
                 "device ") +
             kProbeLink + ")";
    case ChangeKind::kCreateTunl0:
      return "create ipip device tunl0 (local any, remote any)";
    case ChangeKind::kDeleteAddress:
      return "remove " + AddrText(c.addr, c.prefix) + " from " + c.device;
    case ChangeKind::kSetSysctl:
      return std::string(c.restore ? "restore " : "set ") +
             DisplayName(c.path) + " = " + c.to +
             (c.from_exists ? " (was " + c.from + ")" : "");
    case ChangeKind::kLinkDown:
      return "set " + c.device + " down";
    case ChangeKind::kDeleteLink:
      return "delete link " + c.device;
    case ChangeKind::kLinkUp:
      return "set " + c.device + " up";
    case ChangeKind::kAddAddress:
      return "add " + AddrText(c.addr, c.prefix) + " to " + c.device;
  }
  return "?";
}

std::string_view ChangeOpName(ChangeKind k) {
  // Indexed by the enumerator; the static_assert keeps the two in step.
  static constexpr std::string_view kNames[] = {
      "load_ipip", "create_tunl0", "delete_address", "set_sysctl",
      "link_down", "delete_link",  "link_up",        "add_address"};
  static_assert(std::size(kNames) ==
                static_cast<size_t>(ChangeKind::kAddAddress) + 1);
  return kNames[static_cast<size_t>(k)];
}

std::string DriftText(const Change& c) {
  switch (c.kind) {
    case ChangeKind::kLoadIpip:
      return "the ipip module is not loaded (no tunl0)";
    case ChangeKind::kCreateTunl0:
      return "tunl0 is missing";
    case ChangeKind::kDeleteAddress:
      return AddrText(c.addr, c.prefix) + " on " + c.device +
             " is no longer needed (added by rs-setup)";
    case ChangeKind::kSetSysctl:
      return DisplayName(c.path) + " is " +
             (c.from_exists ? c.from : std::string("missing")) +
             (c.restore ? ", saved value to restore " : ", want ") + c.to;
    case ChangeKind::kLinkDown:
      return c.device + " is up, no longer needed (set up by rs-setup)";
    case ChangeKind::kDeleteLink:
      return c.device + " is no longer needed (created by rs-setup)";
    case ChangeKind::kLinkUp:
      return c.device + " is not up";
    case ChangeKind::kAddAddress:
      return AddrText(c.addr, c.prefix) + " is missing on " + c.device;
  }
  return "?";
}

}  // namespace lvsnft::rs
