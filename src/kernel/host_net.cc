#include "kernel/host_net.h"

#include <linux/if.h>

namespace lvsnft::netlink {

bool Link::up() const { return (flags & IFF_UP) != 0; }

const Link* FindLink(const std::vector<Link>& links, std::string_view name) {
  for (const auto& l : links) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

const Link* FindLink(const std::vector<Link>& links, int ifindex) {
  for (const auto& l : links) {
    if (l.index == ifindex) return &l;
  }
  return nullptr;
}

std::string AddrText(const IpAddr& addr, int prefix) {
  return addr.ToString() + "/" + std::to_string(prefix);
}

Status CheckLinkName(std::string_view name) {
  if (name.empty() || name.size() > 15) {
    return Status::Error("invalid interface name \"" + std::string(name) +
                         "\": must be 1 to 15 bytes");
  }
  for (char c : name) {
    if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) {
      return Status::Error("invalid interface name \"" + std::string(name) +
                           "\": contains '/', ':', a space or a control byte");
    }
  }
  if (name == "." || name == "..") {
    return Status::Error("invalid interface name \"" + std::string(name) +
                         "\"");
  }
  return Status();
}

}  // namespace lvsnft::netlink
