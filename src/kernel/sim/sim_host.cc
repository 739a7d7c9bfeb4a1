#include "kernel/sim/sim_host.h"

#include <linux/if.h>

#include <algorithm>

namespace lvsnft::netlink {
namespace {

// Per-interface IPv4 parameters a new device copies from conf/default.
constexpr const char* kInheritedConf[] = {"arp_ignore", "arp_announce",
                                          "rp_filter"};
constexpr uint32_t kIpipMtu = 1480;

// The device component of net/ipv{4,6}/conf/DEV/..., or "".
std::string ConfDevice(const std::string& path) {
  for (const char* prefix : {"net/ipv4/conf/", "net/ipv6/conf/"}) {
    std::string p = prefix;
    if (path.compare(0, p.size(), p) == 0) {
      size_t end = path.find('/', p.size());
      return path.substr(p.size(), end == std::string::npos ? std::string::npos
                                                            : end - p.size());
    }
  }
  return "";
}

}  // namespace

FakeHost::FakeHost() { AddLinkRaw("lo", "", IFF_UP | IFF_LOOPBACK, 65536); }

Result<std::unique_ptr<FakeHost>> FakeHost::CopyOf(HostNet& net,
                                                   Sysctls* sysctls) {
  auto fake = std::make_unique<FakeHost>();
  auto links = net.ListLinks();
  if (!links.ok()) return links.status();
  auto addrs = net.ListAddresses(std::nullopt);
  if (!addrs.ok()) return addrs.status();
  fake->links_ = *links;
  fake->addrs_ = *addrs;
  fake->routes_.clear();
  for (IpFamily f : {IpFamily::kV4, IpFamily::kV6}) {
    auto routes = net.DefaultRoutes(f);
    if (!routes.ok()) return routes.status();
    fake->routes_.insert(fake->routes_.end(), routes->begin(), routes->end());
  }
  for (const auto& l : fake->links_) {
    fake->next_index_ = std::max(fake->next_index_, l.index + 1);
    if (l.kind == "ipip") fake->ipip_loaded_ = true;
    if (l.kind == "ipip" && l.name == "tunl0") {
      fake->fallback_index_ = l.index;
      fake->ipip_[l.index] = {IpAddr{}, IpAddr{}, 0};
    }
  }
  fake->backing_ = sysctls;
  return fake;
}

int FakeHost::AddLinkRaw(const std::string& name, const std::string& kind,
                         uint32_t flags, uint32_t mtu) {
  Link l;
  l.index = name == "lo" ? 1 : next_index_++;
  l.name = name;
  l.kind = kind;
  l.flags = flags;
  l.mtu = mtu;
  links_.push_back(l);
  CopyDefaults(name);
  return l.index;
}

int FakeHost::AddLink(const std::string& name, const std::string& kind, bool up,
                      uint32_t mtu) {
  if (kind == "ipip") ipip_loaded_ = true;
  int index = AddLinkRaw(name, kind, up ? IFF_UP : 0, mtu);
  if (name == "tunl0" && kind == "ipip") fallback_index_ = index;
  if (kind == "ipip") ipip_[index] = {IpAddr{}, IpAddr{}, 0};
  return index;
}

void FakeHost::CopyDefaults(const std::string& dev) {
  for (const char* name : kInheritedConf) {
    auto v = sysctl(Ipv4ConfPath("default", name));
    if (v) sysctls_[Ipv4ConfPath(dev, name)] = *v;
  }
}

void FakeHost::SetSysctl(const std::string& path, const std::string& value) {
  sysctls_[path] = value;
}

void FakeHost::FailOn(const std::string& needle, const std::string& reason) {
  failures_.emplace_back(needle, reason);
}

std::optional<std::string> FakeHost::sysctl(const std::string& path) {
  auto r = Read(path);
  if (!r.ok() || !r->exists) return std::nullopt;
  return r->value;
}

Status FakeHost::Check(const std::string& op, const std::string& what) {
  for (const auto& [needle, reason] : failures_) {
    if (op.find(needle) != std::string::npos) {
      return Status::Error(what + ": " + reason);
    }
  }
  log_.push_back(op);
  return Status();
}

Link* FakeHost::Find(int ifindex) {
  for (auto& l : links_) {
    if (l.index == ifindex) return &l;
  }
  return nullptr;
}

bool FakeHost::PathExists(const std::string& path) {
  std::string dev = ConfDevice(path);
  if (dev.empty() || dev == "all" || dev == "default") return true;
  return FindLink(links_, dev) != nullptr;
}

Result<std::vector<Link>> FakeHost::ListLinks() { return links_; }

Result<std::vector<Addr>> FakeHost::ListAddresses(
    std::optional<IpFamily> family) {
  std::vector<Addr> out;
  for (const auto& a : addrs_) {
    if (!family || a.addr.family == *family) out.push_back(a);
  }
  return out;
}

Result<std::vector<Route>> FakeHost::DefaultRoutes(IpFamily family) {
  std::vector<Route> out;
  for (const auto& r : routes_) {
    if (r.family == family) out.push_back(r);
  }
  return out;
}

namespace {

// The kernel identifies an address by device, address and prefix.
auto SameAddr(const Addr& a) {
  return [a](const Addr& x) {
    return x.ifindex == a.ifindex && x.addr == a.addr && x.prefix == a.prefix;
  };
}

}  // namespace

Status FakeHost::AddAddress(int ifindex, const IpAddr& addr, int prefix,
                            uint8_t proto) {
  Link* l = Find(ifindex);
  std::string name = l ? l->name : "ifindex " + std::to_string(ifindex);
  std::string what = "cannot add " + AddrText(addr, prefix) + " to " + name;
  if (l == nullptr) return Status::Error(what + ": No such device");
  Addr a{ifindex, addr, prefix, proto};
  if (std::find_if(addrs_.begin(), addrs_.end(), SameAddr(a)) != addrs_.end()) {
    return Status::Error(what + ": File exists");
  }
  Status s = Check("add-address " + name + " " + AddrText(addr, prefix), what);
  if (s.ok()) addrs_.push_back(a);
  return s;
}

Status FakeHost::DeleteAddress(int ifindex, const IpAddr& addr, int prefix) {
  Link* l = Find(ifindex);
  std::string name = l ? l->name : "ifindex " + std::to_string(ifindex);
  std::string what =
      "cannot remove " + AddrText(addr, prefix) + " from " + name;
  auto it = std::find_if(addrs_.begin(), addrs_.end(),
                         SameAddr(Addr{ifindex, addr, prefix}));
  if (it == addrs_.end()) {
    return Status::Error(what + ": Cannot assign requested address");
  }
  Status s =
      Check("delete-address " + name + " " + AddrText(addr, prefix), what);
  if (s.ok()) addrs_.erase(it);
  return s;
}

Result<int> FakeHost::CreateIpip(const IpipParams& p) {
  std::string what = "cannot create ipip device " + p.name;
  Status s = CheckLinkName(p.name);
  if (!s.ok()) return s;
  if (!ipip_available_) {
    return Status::Error(what +
                         ": Operation not supported (Unknown device type)");
  }
  s = Check("create-ipip " + p.name, what);
  if (!s.ok()) return s;
  // Loading the module creates tunl0 (any/any) before the new device.
  if (!ipip_loaded_ && fallback_tunnel_ && p.name != "tunl0") {
    fallback_index_ = AddLinkRaw("tunl0", "ipip", IFF_NOARP, kIpipMtu);
    ipip_[fallback_index_] = {IpAddr{}, IpAddr{}, 0};
  }
  ipip_loaded_ = true;
  std::tuple<IpAddr, IpAddr, int> ends{p.local.value_or(IpAddr{}),
                                       p.remote.value_or(IpAddr{}), p.link};
  for (const auto& [index, e] : ipip_) {
    if (e == ends) return Status::Error(what + ": File exists");
  }
  if (FindLink(links_, p.name) != nullptr) {
    return Status::Error(what + ": File exists");
  }
  int index =
      AddLinkRaw(p.name, "ipip", (p.up ? IFF_UP : 0) | IFF_NOARP, kIpipMtu);
  ipip_[index] = ends;
  return index;
}

Status FakeHost::DeleteLink(int ifindex) {
  Link* l = Find(ifindex);
  if (l == nullptr) {
    return Status::Error("cannot delete link ifindex " +
                         std::to_string(ifindex) + ": No such device");
  }
  std::string name = l->name;
  Status s = Check("delete-link " + name, "cannot delete link " + name);
  if (!s.ok() || ifindex == fallback_index_) return s;  // kernel ignores it
  ipip_.erase(ifindex);
  std::erase_if(addrs_, [&](const Addr& a) { return a.ifindex == ifindex; });
  std::erase_if(links_, [&](const Link& k) { return k.index == ifindex; });
  std::erase_if(sysctls_,
                [&](const auto& kv) { return ConfDevice(kv.first) == name; });
  return s;
}

Status FakeHost::SetLinkUp(int ifindex, bool up) {
  Link* l = Find(ifindex);
  std::string name = l ? l->name : "ifindex " + std::to_string(ifindex);
  std::string what = "cannot set link " + name + (up ? " up" : " down");
  if (l == nullptr) return Status::Error(what + ": No such device");
  Status s = Check("set-link " + name + (up ? " up" : " down"), what);
  if (s.ok()) l->flags = up ? (l->flags | IFF_UP) : (l->flags & ~IFF_UP);
  return s;
}

Status FakeHost::SetMtu(int ifindex, uint32_t mtu) {
  Link* l = Find(ifindex);
  std::string name = l ? l->name : "ifindex " + std::to_string(ifindex);
  std::string what =
      "cannot set the MTU of " + name + " to " + std::to_string(mtu);
  if (l == nullptr) return Status::Error(what + ": No such device");
  Status s = Check("set-mtu " + name + " " + std::to_string(mtu), what);
  if (s.ok()) l->mtu = mtu;
  return s;
}

Result<SysctlValue> FakeHost::Read(const std::string& path) {
  Status s = CheckSysctlPath(path);
  if (!s.ok()) return s;
  if (!PathExists(path)) return SysctlValue{};
  auto it = sysctls_.find(path);
  if (it != sysctls_.end()) return SysctlValue{true, it->second};
  if (backing_ == nullptr) return SysctlValue{};
  return backing_->Read(path);
}

Status FakeHost::Write(const std::string& path, const std::string& value) {
  Status s = CheckSysctlPath(path);
  if (!s.ok()) return s;
  std::string what = "cannot set " + DisplayName(path) + " = " + value;
  if (!PathExists(path)) {
    return Status::Error(what + ": No such file or directory");
  }
  s = Check("write " + path + " " + value, what);
  if (s.ok()) sysctls_[path] = value;
  return s;
}

}  // namespace lvsnft::netlink
