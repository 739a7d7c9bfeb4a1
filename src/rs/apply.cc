#include "rs/apply.h"

namespace lvsnft::rs {
namespace {

Result<int> IndexOf(netlink::HostNet& net, const std::string& name) {
  auto links = net.ListLinks();
  if (!links.ok()) return links.status();
  const netlink::Link* l = netlink::FindLink(*links, name);
  if (l == nullptr) return Status::Error("no such link " + name);
  return l->index;
}

bool HasIpipLink(netlink::HostNet& net) {
  auto links = net.ListLinks();
  if (!links.ok()) return false;
  for (const auto& l : *links) {
    if (l.kind == "ipip") return true;
  }
  return false;
}

// Creating any ipip device makes the kernel load the module, which creates
// tunl0 (local any, remote any). The probe has the same endpoints, so on
// first load its creation fails with EEXIST after the module is in: that
// counts as success.
Status LoadIpip(netlink::HostNet& net) {
  netlink::IpipParams p;
  p.name = kProbeLink;
  p.up = false;
  auto idx = net.CreateIpip(p);
  if (idx.ok()) return net.DeleteLink(*idx);
  const std::string m = idx.status().message();
  if (m.find("Operation not supported") != std::string::npos) {
    return Status::Error(
        "the ipip kernel module is missing (needed for tun services): " + m);
  }
  if (HasIpipLink(net)) return Status();
  return idx.status();
}

Status OnLink(netlink::HostNet& net, const Change& c) {
  auto idx = IndexOf(net, c.device);
  if (!idx.ok())
    return Status::Error(ChangeText(c) + ": " + idx.status().message());
  switch (c.kind) {
    case ChangeKind::kDeleteAddress:
      return net.DeleteAddress(*idx, c.addr, c.prefix);
    case ChangeKind::kAddAddress:
      return net.AddAddress(*idx, c.addr, c.prefix);
    case ChangeKind::kLinkUp:
      return net.SetLinkUp(*idx, true);
    case ChangeKind::kLinkDown:
      return net.SetLinkUp(*idx, false);
    case ChangeKind::kDeleteLink:
      return net.DeleteLink(*idx);
    default:
      return Status::Error("internal: not a link change");
  }
}

}  // namespace

Result<HostView> ReadHostView(netlink::HostNet& net) {
  HostView v;
  auto links = net.ListLinks();
  if (!links.ok()) return links.status();
  auto addrs = net.ListAddresses(std::nullopt);
  if (!addrs.ok()) return addrs.status();
  v.links = std::move(*links);
  v.addrs = std::move(*addrs);
  for (IpFamily f : {IpFamily::kV4, IpFamily::kV6}) {
    auto routes = net.DefaultRoutes(f);
    if (!routes.ok()) return routes.status();
    v.routes.insert(v.routes.end(), routes->begin(), routes->end());
  }
  return v;
}

Result<Snapshot> TakeSnapshot(netlink::HostNet& net, netlink::Sysctls& sys,
                              const std::vector<std::string>& paths) {
  auto view = ReadHostView(net);
  if (!view.ok()) return view.status();
  return SnapshotOf(std::move(*view), sys, paths);
}

Result<Snapshot> SnapshotOf(HostView view, netlink::Sysctls& sys,
                            const std::vector<std::string>& paths) {
  Snapshot s;
  s.host = std::move(view);
  for (const auto& p : paths) {
    auto v = sys.Read(p);
    if (!v.ok()) return v.status();
    s.sysctls[p] = *v;
  }
  return s;
}

Status Execute(netlink::HostNet& net, netlink::Sysctls& sys, const Change& c) {
  switch (c.kind) {
    case ChangeKind::kLoadIpip:
      return LoadIpip(net);
    case ChangeKind::kCreateTunl0: {
      netlink::IpipParams p;
      p.name = c.device;
      p.up = false;
      auto idx = net.CreateIpip(p);
      return idx.ok() ? Status() : idx.status();
    }
    case ChangeKind::kSetSysctl:
      return sys.Write(c.path, c.to);
    default:
      return OnLink(net, c);
  }
}

std::optional<Change> Inverse(const Change& c) {
  Change r = c;
  switch (c.kind) {
    case ChangeKind::kLoadIpip:
      return std::nullopt;
    case ChangeKind::kCreateTunl0:
      r.kind = ChangeKind::kDeleteLink;
      return r;
    case ChangeKind::kDeleteLink:
      r.kind = ChangeKind::kCreateTunl0;
      return r;
    case ChangeKind::kSetSysctl:
      if (!c.from_exists) return std::nullopt;
      r.from = c.to;
      r.to = c.from;
      return r;
    case ChangeKind::kAddAddress:
      r.kind = ChangeKind::kDeleteAddress;
      return r;
    case ChangeKind::kDeleteAddress:
      r.kind = ChangeKind::kAddAddress;
      return r;
    case ChangeKind::kLinkUp:
      r.kind = ChangeKind::kLinkDown;
      return r;
    case ChangeKind::kLinkDown:
      r.kind = ChangeKind::kLinkUp;
      return r;
  }
  return std::nullopt;
}

ApplyResult ApplyChanges(netlink::HostNet& net, netlink::Sysctls& sys,
                         const std::vector<Change>& changes,
                         const std::function<void(const Change&)>& on_done) {
  ApplyResult res;
  for (const auto& c : changes) {
    res.status = Execute(net, sys, c);
    if (!res.status.ok()) break;
    ++res.done;
    if (on_done) on_done(c);
  }
  if (res.status.ok()) return res;
  for (size_t i = res.done; i-- > 0;) {
    std::optional<Change> inv = Inverse(changes[i]);
    if (!inv) continue;
    Status s = Execute(net, sys, *inv);
    if (s.ok()) {
      ++res.rolled_back;
    } else {
      res.rollback_errors.push_back(s.message());
    }
  }
  return res;
}

}  // namespace lvsnft::rs
