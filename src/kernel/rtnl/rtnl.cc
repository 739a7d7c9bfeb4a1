#include "kernel/rtnl/rtnl.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "kernel/rtnl/rtnl_sock.h"

namespace lvsnft::netlink {
namespace {

constexpr int kDumpRetries = 5;

int AfOf(IpFamily f) { return f == IpFamily::kV4 ? AF_INET : AF_INET6; }

// Copies an address attribute of the given family; false if malformed.
bool ReadAddr(const nlattr* a, int af, IpAddr& out) {
  size_t len = af == AF_INET ? 4 : 16;
  if (mnl_attr_get_payload_len(a) != len) return false;
  out = IpAddr{};
  out.family = af == AF_INET ? IpFamily::kV4 : IpFamily::kV6;
  std::memcpy(out.bytes.data(), mnl_attr_get_payload(a), len);
  return true;
}

std::string LinkKind(const nlattr* linkinfo) {
  std::string kind;
  ForEachNested(linkinfo, [&](const nlattr* a) {
    if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
        mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
      kind = mnl_attr_get_str(a);
    }
  });
  return kind;
}

Link ParseLink(const nlmsghdr* nlh) {
  const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  Link l;
  l.index = ifi->ifi_index;
  l.flags = ifi->ifi_flags;
  ForEachAttr(nlh, sizeof(*ifi), [&](const nlattr* a) {
    switch (mnl_attr_get_type(a)) {
      case IFLA_IFNAME:
        if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
          l.name = mnl_attr_get_str(a);
        }
        break;
      case IFLA_MTU:
        if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
          l.mtu = mnl_attr_get_u32(a);
        break;
      case IFLA_LINKINFO:
        l.kind = LinkKind(a);
        break;
    }
  });
  return l;
}

// Returns false for messages that carry no usable address.
bool ParseAddr(const nlmsghdr* nlh, Addr& out) {
  const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
  if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return false;
  out.ifindex = static_cast<int>(ifa->ifa_index);
  out.prefix = ifa->ifa_prefixlen;
  bool have_local = false, have_addr = false;
  IpAddr local, address;
  ForEachAttr(nlh, sizeof(*ifa), [&](const nlattr* a) {
    if (mnl_attr_get_type(a) == IFA_LOCAL) {
      have_local = ReadAddr(a, ifa->ifa_family, local);
    } else if (mnl_attr_get_type(a) == IFA_ADDRESS) {
      have_addr = ReadAddr(a, ifa->ifa_family, address);
    } else if (mnl_attr_get_type(a) == IFA_PROTO &&
               mnl_attr_get_payload_len(a) >= 1) {
      out.proto = mnl_attr_get_u8(a);
    }
  });
  // IPv4 point-to-point links put the peer in IFA_ADDRESS.
  if (have_local) {
    out.addr = local;
  } else if (have_addr) {
    out.addr = address;
  } else {
    return false;
  }
  return true;
}

// Adds one Route per next hop found in RTA_MULTIPATH.
void ParseMultipath(const nlattr* mp, const Route& base,
                    std::vector<Route>& out) {
  const auto* p = static_cast<const char*>(mnl_attr_get_payload(mp));
  size_t left = mnl_attr_get_payload_len(mp);
  int af = AfOf(base.family);
  while (left >= sizeof(rtnexthop)) {
    const auto* nh = reinterpret_cast<const rtnexthop*>(p);
    if (nh->rtnh_len < sizeof(rtnexthop) || nh->rtnh_len > left) break;
    Route r = base;
    r.ifindex = nh->rtnh_ifindex;
    const char* attrs = p + RTNH_ALIGN(sizeof(rtnexthop));
    int alen = static_cast<int>(nh->rtnh_len - RTNH_ALIGN(sizeof(rtnexthop)));
    for (const auto* a = reinterpret_cast<const nlattr*>(attrs);
         mnl_attr_ok(a, alen); a = mnl_attr_next(a)) {
      IpAddr gw;
      if (mnl_attr_get_type(a) == RTA_GATEWAY && ReadAddr(a, af, gw)) {
        r.gateway = gw;
      }
      alen -= static_cast<int>(MNL_ALIGN(a->nla_len));
    }
    out.push_back(r);
    size_t step = RTNH_ALIGN(nh->rtnh_len);
    if (step > left) break;
    left -= step;
    p += step;
  }
}

// Parses a default route of the main table; other routes are skipped.
void ParseDefaultRoute(const nlmsghdr* nlh, std::vector<Route>& out) {
  const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
  if (rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST) return;
  uint32_t table = rtm->rtm_table;
  Route r;
  r.family = rtm->rtm_family == AF_INET ? IpFamily::kV4 : IpFamily::kV6;
  const nlattr* multipath = nullptr;
  ForEachAttr(nlh, sizeof(*rtm), [&](const nlattr* a) {
    IpAddr gw;
    switch (mnl_attr_get_type(a)) {
      case RTA_TABLE:
        table = mnl_attr_get_u32(a);
        break;
      case RTA_OIF:
        r.ifindex = static_cast<int>(mnl_attr_get_u32(a));
        break;
      case RTA_PRIORITY:
        r.metric = mnl_attr_get_u32(a);
        break;
      case RTA_GATEWAY:
        if (ReadAddr(a, rtm->rtm_family, gw)) r.gateway = gw;
        break;
      case RTA_MULTIPATH:
        multipath = a;
        break;
    }
  });
  if (table != RT_TABLE_MAIN) return;
  if (multipath != nullptr) {
    ParseMultipath(multipath, r, out);
  } else {
    out.push_back(r);
  }
}

}  // namespace

RtnlHost::RtnlHost(std::unique_ptr<RtnlSocket> sock) : sock_(std::move(sock)) {}
RtnlHost::~RtnlHost() = default;

Result<std::unique_ptr<RtnlHost>> RtnlHost::Open() {
  auto sock = RtnlSocket::Open();
  if (!sock.ok()) return sock.status();
  return std::unique_ptr<RtnlHost>(new RtnlHost(std::move(*sock)));
}

Result<std::vector<Link>> RtnlHost::ListLinks() {
  NlError err{-EAGAIN, ""};
  std::vector<Link> links;
  for (int i = 0; i < kDumpRetries && err.err == -EAGAIN; ++i) {
    links.clear();
    nlmsghdr* nlh = sock_->Begin(RTM_GETLINK, NLM_F_DUMP);
    auto* ifi = static_cast<ifinfomsg*>(
        mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_family = AF_UNSPEC;
    err = sock_->Run(nlh, [&](const nlmsghdr* m) {
      if (m->nlmsg_type == RTM_NEWLINK) links.push_back(ParseLink(m));
    });
  }
  if (err.err != 0) return Status::Error("cannot list links: " + err.Text());
  std::sort(links.begin(), links.end(),
            [](const Link& a, const Link& b) { return a.index < b.index; });
  return links;
}

Result<std::vector<Addr>> RtnlHost::ListAddresses(
    std::optional<IpFamily> family) {
  NlError err{-EAGAIN, ""};
  std::vector<Addr> addrs;
  for (int i = 0; i < kDumpRetries && err.err == -EAGAIN; ++i) {
    addrs.clear();
    nlmsghdr* nlh = sock_->Begin(RTM_GETADDR, NLM_F_DUMP);
    auto* ifa = static_cast<ifaddrmsg*>(
        mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = family ? AfOf(*family) : AF_UNSPEC;
    err = sock_->Run(nlh, [&](const nlmsghdr* m) {
      Addr a;
      if (m->nlmsg_type == RTM_NEWADDR && ParseAddr(m, a)) addrs.push_back(a);
    });
  }
  if (err.err != 0) {
    return Status::Error("cannot list addresses: " + err.Text());
  }
  return addrs;
}

Result<std::vector<Route>> RtnlHost::DefaultRoutes(IpFamily family) {
  NlError err{-EAGAIN, ""};
  std::vector<Route> routes;
  for (int i = 0; i < kDumpRetries && err.err == -EAGAIN; ++i) {
    routes.clear();
    nlmsghdr* nlh = sock_->Begin(RTM_GETROUTE, NLM_F_DUMP);
    auto* rtm =
        static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
    rtm->rtm_family = static_cast<unsigned char>(AfOf(family));
    err = sock_->Run(nlh, [&](const nlmsghdr* m) {
      if (m->nlmsg_type == RTM_NEWROUTE) ParseDefaultRoute(m, routes);
    });
  }
  if (err.err != 0) return Status::Error("cannot list routes: " + err.Text());
  return routes;
}

std::string RtnlHost::LinkName(int ifindex) {
  auto links = ListLinks();
  if (links.ok()) {
    if (const Link* l = FindLink(*links, ifindex)) return l->name;
  }
  return "ifindex " + std::to_string(ifindex);
}

Status RtnlHost::Simple(nlmsghdr* nlh,
                        const std::function<std::string()>& what) {
  NlError err = sock_->Run(nlh, [](const nlmsghdr*) {});
  if (err.err == 0) return Status();
  return Status::Error(what() + ": " + err.Text());
}

}  // namespace lvsnft::netlink
