// RtnlHost: the changes (addresses, links, ipip tunnels).
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

#include "kernel/rtnl/rtnl.h"
#include "kernel/rtnl/rtnl_sock.h"

namespace lvsnft::netlink {
namespace {

// Builds RTM_NEWADDR / RTM_DELADDR for addr/prefix on ifindex.
void PutAddrMsg(nlmsghdr* nlh, int ifindex, const IpAddr& addr, int prefix,
                uint8_t proto) {
  auto* ifa = static_cast<ifaddrmsg*>(
      mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = addr.family == IpFamily::kV4 ? AF_INET : AF_INET6;
  ifa->ifa_prefixlen = static_cast<unsigned char>(prefix);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = static_cast<unsigned>(ifindex);
  if (addr.family == IpFamily::kV6) ifa->ifa_flags = IFA_F_NODAD;
  mnl_attr_put(nlh, IFA_LOCAL, addr.size(), addr.bytes.data());
  mnl_attr_put(nlh, IFA_ADDRESS, addr.size(), addr.bytes.data());
  if (proto != 0) mnl_attr_put_u8(nlh, IFA_PROTO, proto);
}

ifinfomsg* PutLinkHeader(nlmsghdr* nlh, int ifindex) {
  auto* ifi = static_cast<ifinfomsg*>(
      mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  return ifi;
}

uint32_t V4Net(const std::optional<IpAddr>& a) {
  return a ? htonl(a->v4()) : 0;  // 0.0.0.0: any.
}

Status CheckIpip(const IpipParams& p) {
  Status s = CheckLinkName(p.name);
  if (!s.ok()) return s;
  for (const auto* a : {&p.remote, &p.local}) {
    if (*a && (*a)->family != IpFamily::kV4) {
      return Status::Error("ipip device " + p.name +
                           ": tunnel endpoints must be IPv4");
    }
  }
  if (!p.pmtudisc && p.ttl != 0) {
    return Status::Error("ipip device " + p.name +
                         ": a fixed ttl needs path MTU discovery");
  }
  return Status();
}

}  // namespace

Status RtnlHost::AddAddress(int ifindex, const IpAddr& addr, int prefix,
                            uint8_t proto) {
  nlmsghdr* nlh = sock_->Begin(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  PutAddrMsg(nlh, ifindex, addr, prefix, proto);
  return Simple(nlh, [&] {
    return "cannot add " + AddrText(addr, prefix) + " to " + LinkName(ifindex);
  });
}

Status RtnlHost::DeleteAddress(int ifindex, const IpAddr& addr, int prefix) {
  nlmsghdr* nlh = sock_->Begin(RTM_DELADDR, 0);
  PutAddrMsg(nlh, ifindex, addr, prefix, 0);
  return Simple(nlh, [&] {
    return "cannot remove " + AddrText(addr, prefix) + " from " +
           LinkName(ifindex);
  });
}

Result<int> RtnlHost::CreateIpip(const IpipParams& p) {
  Status s = CheckIpip(p);
  if (!s.ok()) return s;
  nlmsghdr* nlh = sock_->Begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  ifinfomsg* ifi = PutLinkHeader(nlh, 0);
  ifi->ifi_flags = p.up ? IFF_UP : 0;
  ifi->ifi_change = IFF_UP;
  mnl_attr_put_strz(nlh, IFLA_IFNAME, p.name.c_str());
  nlattr* info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "ipip");
  nlattr* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  mnl_attr_put_u32(nlh, IFLA_IPTUN_LINK, static_cast<uint32_t>(p.link));
  mnl_attr_put_u32(nlh, IFLA_IPTUN_LOCAL, V4Net(p.local));
  mnl_attr_put_u32(nlh, IFLA_IPTUN_REMOTE, V4Net(p.remote));
  mnl_attr_put_u8(nlh, IFLA_IPTUN_TTL, p.ttl);
  mnl_attr_put_u8(nlh, IFLA_IPTUN_TOS, p.tos);
  mnl_attr_put_u8(nlh, IFLA_IPTUN_PMTUDISC, p.pmtudisc ? 1 : 0);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, info);
  s = Simple(nlh, [&] { return "cannot create ipip device " + p.name; });
  if (!s.ok()) return s;
  auto links = ListLinks();
  if (!links.ok()) return links.status();
  const Link* l = FindLink(*links, p.name);
  if (l == nullptr) {
    return Status::Error("ipip device " + p.name + " vanished after creation");
  }
  return l->index;
}

Status RtnlHost::DeleteLink(int ifindex) {
  nlmsghdr* nlh = sock_->Begin(RTM_DELLINK, 0);
  PutLinkHeader(nlh, ifindex);
  return Simple(nlh, [&] { return "cannot delete link " + LinkName(ifindex); });
}

Status RtnlHost::SetLinkUp(int ifindex, bool up) {
  nlmsghdr* nlh = sock_->Begin(RTM_NEWLINK, 0);
  ifinfomsg* ifi = PutLinkHeader(nlh, ifindex);
  ifi->ifi_flags = up ? IFF_UP : 0;
  ifi->ifi_change = IFF_UP;
  return Simple(nlh, [&] {
    return "cannot set link " + LinkName(ifindex) + (up ? " up" : " down");
  });
}

Status RtnlHost::SetMtu(int ifindex, uint32_t mtu) {
  nlmsghdr* nlh = sock_->Begin(RTM_NEWLINK, 0);
  PutLinkHeader(nlh, ifindex);
  mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
  return Simple(nlh, [&] {
    return "cannot set the MTU of " + LinkName(ifindex) + " to " +
           std::to_string(mtu);
  });
}

}  // namespace lvsnft::netlink
